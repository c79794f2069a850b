// Per-file directives, read from the comment lines at the top of a migration file:
//   -- migrate:no-transaction
//   -- migrate:set maintenance_work_mem = '2GB'
import type { MigrationDirectives } from "../types";
import { checkSetting } from "./session-settings";
import { sqlLines } from "./sql-lines";

export interface DirectivesResult {
  directives: MigrationDirectives;
  /** "line N: what is wrong", empty when the directives are valid. */
  problems: string[];
}

const directiveLine = /^\s*--\s*migrate:(.*)$/i;
/** Every line directiveLine matches contains this. */
const mentionsDirective = /--\s*migrate:/i;
const commentOrBlank = /^\s*(--.*)?$/;

const directiveSyntax = "-- migrate:no-transaction, -- migrate:set <setting> = '<value>'";

export function parseDirectives(sql: string): DirectivesResult {
  // Most files have no directive at all: skip the line scan when none can match (it showed in profiles of 1000 files).
  if (!mentionsDirective.test(sql)) return { directives: { transaction: true, settings: {} }, problems: [] };
  const settings: Record<string, string> = {};
  const problems: string[] = [];
  let transaction = true;
  let inLeadingBlock = true;

  // Only comment lines are directives: a "-- migrate:" line inside a string, dollar-quoted body or block
  // comment is SQL content.
  for (const { text: line, number: lineNumber, continuesToken } of sqlLines(sql)) {
    if (inLeadingBlock && (continuesToken || !commentOrBlank.test(line))) inLeadingBlock = false;
    if (continuesToken) continue;
    const match = directiveLine.exec(line);
    if (!match) continue;
    if (!inLeadingBlock) {
      problems.push(
        `line ${lineNumber}: directive "${line.trim()}" comes after SQL; directives must be in the comment block at the top of the file`,
      );
      continue;
    }
    const body = (match[1] ?? "").trim();
    if (/^no-transaction$/i.test(body)) {
      transaction = false;
      continue;
    }
    const set = /^set(?:\s+(.*))?$/i.exec(body);
    if (set) {
      const problem = parseSetting(set[1] ?? "", settings);
      if (problem) problems.push(`line ${lineNumber}: ${problem}`);
      continue;
    }
    problems.push(`line ${lineNumber}: ${unknownDirective(body)}`);
  }

  return { directives: { transaction, settings }, problems };
}

function parseSetting(text: string, settings: Record<string, string>): string | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(text.trim());
  if (!match) {
    return `cannot read "-- migrate:set ${text.trim()}": write -- migrate:set <setting> = '<value>', e.g. -- migrate:set maintenance_work_mem = '2GB'`;
  }
  const name = (match[1] ?? "").toLowerCase();
  const value = unquote(match[2] ?? "");
  if (value === undefined) {
    return `cannot read the value of ${name}: quote it like '2GB' (double a quote inside: 'it''s')`;
  }
  if (name in settings) return `${name} is set twice`;
  const problem = checkSetting(name, value);
  if (problem) return problem;
  settings[name] = value;
  return undefined;
}

/** `'2GB'` or a bare token such as `2GB` to its value; undefined when it is neither. */
function unquote(raw: string): string | undefined {
  const text = raw.trim();
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted) return (quoted[1] ?? "").replace(/''/g, "'");
  if (/^[^\s'";]+$/.test(text)) return text;
  return undefined;
}

function unknownDirective(body: string): string {
  const word = body.split(/\s+/)[0] ?? "";
  if (/^(up|down)$/i.test(word)) {
    return `unknown directive "migrate:${body}": this tool keeps the revert SQL in a separate NNNN_name.down.sql file and uses "-- migrate:no-transaction" to run outside a transaction`;
  }
  if (/^no[-_ ]?trans/i.test(word) || /transaction/i.test(body)) {
    return `unknown directive "migrate:${body}": did you mean "-- migrate:no-transaction"?`;
  }
  return `unknown directive "migrate:${body}" (known: ${directiveSyntax})`;
}
