// lintMigrations: checks migration files for operations that lock or rewrite tables on a live database.
import { availableParallelism } from "node:os";
import { MigrateError } from "../errors";
import type { MigrationFile, SqlFile } from "../types";
import { clusterFindings } from "./cluster";
import { LineIndex } from "./positions";
import { rowLevelSecurityFindings, supabaseDefaultExposedSchemas } from "./row-level-security";
import { clusterRule, DEFAULT_EXCLUDED_RULES, isPositiveDuration, ruleUrl, timeoutRuleSettings } from "./rules";
import { defaultSquawkPath, runSquawk, type SquawkViolation } from "./squawk";
import type { LintFinding, LintLevel, LintOptions } from "./types";

const ruleName = /^[a-z][a-z0-9-]*$/;
const versionPattern = /^\d{1,2}(\.\d{1,3})?$/;

/**
 * Lints SQL files with squawk. For a MigrationFile only its up file is linted: down files undo changes by
 * nature (drops) and run only on request. Files run with `-- migrate:no-transaction` are linted as such;
 * the others as if wrapped in a transaction, so e.g. an index on a table created in the same migration is fine.
 * With `cluster`, the project's own rule for Citus clusters runs on the whole set too (see ./cluster.ts).
 * Findings come back in input order, then by position.
 */
export async function lintMigrations(
  files: readonly (MigrationFile | SqlFile)[],
  options: LintOptions = {},
): Promise<LintFinding[]> {
  const excludedRules = checkRules("excludedRules", options.excludedRules ?? DEFAULT_EXCLUDED_RULES);
  const clusterLint = checkCluster(options.cluster) && !excludedRules.includes(clusterRule);
  const includedRules = checkRules("includedRules", options.includedRules ?? []);
  const pgVersion = checkVersion(options.pgVersion);
  const sqlFiles = files.map((file) => ("up" in file ? file.up : file));
  if (sqlFiles.length === 0) return [];
  const squawkPath = options.squawkPath ?? defaultSquawkPath();

  const reports = await mapConcurrently(sqlFiles, availableParallelism(), (file) =>
    runSquawk({
      squawkPath,
      sql: file.sql,
      displayPath: file.displayPath,
      assumeInTransaction: file.directives.transaction,
      excludedRules: excludedRules.filter((rule) => rule !== clusterRule),
      includedRules,
      pgVersion,
    }),
  );

  // The project's own rules (not squawk's), each on the whole set.
  const ownFindings = [
    ...(clusterLint ? await clusterFindings(sqlFiles, options.sessionSettings) : []),
    ...(options.platform === "supabase"
      ? await rowLevelSecurityFindings(
          sqlFiles,
          options.exposedSchemas ?? supabaseDefaultExposedSchemas,
          options.strict === true,
        )
      : []),
  ];

  return sqlFiles.flatMap((file, index) => {
    const lines = new LineIndex(file.sql);
    return (reports[index] ?? [])
      .filter((violation) => !satisfiedBySetting(violation.rule_name, file, options.sessionSettings))
      .filter((violation) => !ignoresOwnRule(violation, lines))
      .map((violation) => toFinding(violation, file.displayPath, lines, options.strict === true))
      .concat(ownFindings.filter((finding) => finding.displayPath === file.displayPath))
      .sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  });
}

/** The findings that must stop a deployment. */
export function lintErrors(findings: readonly LintFinding[]): LintFinding[] {
  return findings.filter((finding) => finding.level === "error");
}

function toFinding(violation: SquawkViolation, displayPath: string, lines: LineIndex, strict: boolean): LintFinding {
  const start = lines.toCharacterPosition(violation.line, violation.column);
  const end = lines.toCharacterPosition(violation.line_end, violation.column_end);
  const squawkLevel: LintLevel = violation.level.toLowerCase() === "error" ? "error" : "warning";
  const finding: LintFinding = {
    displayPath,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: Math.max(1, end.column - 1),
    rule: violation.rule_name,
    message: violation.message,
    level: strict ? "error" : squawkLevel,
    url: ruleUrl(violation.rule_name),
  };
  if (violation.help) finding.help = violation.help;
  return finding;
}

/** require-lock-timeout is moot when the engine sets lock_timeout for the session (directive or session settings). */
function satisfiedBySetting(
  rule: string,
  file: SqlFile,
  sessionSettings: Readonly<Record<string, string>> | undefined,
): boolean {
  const setting = timeoutRuleSettings[rule];
  if (setting === undefined) return false;
  const value = file.directives.settings[setting] ?? sessionSettings?.[setting];
  return isPositiveDuration(value);
}

/** squawk calls a `-- squawk-ignore citus-undistributed-vector-table` comment unused: the rule is ours, not squawk's. */
function ignoresOwnRule(violation: SquawkViolation, lines: LineIndex): boolean {
  return violation.rule_name === "unused-ignore" && lines.text(violation.line).includes(clusterRule);
}

function checkRules(option: string, rules: readonly string[]): readonly string[] {
  const bad = rules.filter((rule) => !ruleName.test(rule));
  if (bad.length > 0) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `${option} has invalid rule names: ${bad.map((rule) => JSON.stringify(rule)).join(", ")}; rule names look like "require-concurrent-index-creation" (see https://squawkhq.com/docs/rules)`,
    );
  }
  return rules;
}

function checkCluster(cluster: unknown): boolean {
  if (cluster !== undefined && typeof cluster !== "boolean") {
    throw new MigrateError("INVALID_OPTIONS", `cluster ${JSON.stringify(cluster)} is not a boolean: use true or false`);
  }
  return cluster === true;
}

function checkVersion(version: number | string | undefined): string | undefined {
  if (version === undefined) return undefined;
  const text = String(version).trim();
  if (!versionPattern.test(text)) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `pgVersion ${JSON.stringify(version)} is not a PostgreSQL version: use a major version such as 17, or major.minor such as "16.4"`,
    );
  }
  return text;
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
