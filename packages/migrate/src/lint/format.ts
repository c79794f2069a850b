// Renderings of lint findings: one line per finding (CLI, Pulumi diagnostics), a Markdown summary
// (GitHub job summary) and GitHub workflow annotations (shown on the pull request's diff).

import { clusterRule } from "./rules";
import type { LintFinding } from "./types";

/** `migrations/0003_x.sql:4:1: warning require-concurrent-index-creation: <message> Help: <help> (<url>)` */
export function formatLintFinding(finding: LintFinding): string {
  const help = finding.help ? ` Help: ${finding.help}` : "";
  return `${finding.displayPath}:${finding.line}:${finding.column}: ${finding.level} ${finding.rule}: ${finding.message}${help} (${finding.url})`;
}

/** "2 errors, 1 warning" or "no findings". */
export function lintCounts(findings: readonly LintFinding[]): string {
  const errors = findings.filter((finding) => finding.level === "error").length;
  const warnings = findings.length - errors;
  if (findings.length === 0) return "no findings";
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

export interface MarkdownSummaryInput {
  findings: readonly LintFinding[];
  /** displayPath of every file that was linted, including clean ones. */
  checkedFiles: readonly string[];
  strict: boolean;
  /** What the files are, e.g. "migrations changed since origin/main". */
  scope: string;
}

export function lintMarkdownSummary(input: MarkdownSummaryInput): string {
  const { findings, checkedFiles, strict, scope } = input;
  const mode = strict ? "strict: every finding is an error" : "warnings do not fail the check";
  const lines = [
    "### Migration lint (squawk)",
    "",
    `Checked ${checkedFiles.length} file(s): ${scope}. Mode: ${mode}.`,
    "",
  ];
  if (checkedFiles.length === 0) {
    lines.push("No migration files to check.");
    return `${lines.join("\n")}\n`;
  }
  if (findings.length === 0) {
    lines.push(`No findings in: ${checkedFiles.map((file) => `\`${file}\``).join(", ")}.`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `**${lintCounts(findings)}**`,
    "",
    "| Level | Location | Rule | Problem | Help |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const finding of findings) {
    lines.push(
      `| ${finding.level} | \`${finding.displayPath}:${finding.line}:${finding.column}\` | [${finding.rule}](${finding.url}) | ${cell(finding.message)} | ${cell(finding.help ?? "")} |`,
    );
  }
  lines.push("", "To accept a finding after review, put `-- squawk-ignore <rule>` on the line above the statement.");
  return `${lines.join("\n")}\n`;
}

/** `::error file=...,line=...::message` lines that GitHub Actions turns into annotations on the diff. */
export function githubAnnotations(findings: readonly LintFinding[]): string[] {
  return findings.map((finding) => {
    const properties = [
      `file=${property(finding.displayPath)}`,
      `line=${finding.line}`,
      `col=${finding.column}`,
      `endLine=${finding.endLine}`,
      `endColumn=${finding.endColumn}`,
      `title=${property(`${finding.rule === clusterRule ? "pgvector-migrate" : "squawk"} ${finding.rule}`)}`,
    ].join(",");
    const help = finding.help ? ` Help: ${finding.help}` : "";
    return `::${finding.level} ${properties}::${data(`${finding.message}${help} (${finding.url})`)}`;
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

// Escaping rules of GitHub workflow commands (actions/toolkit command.ts).
function data(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function property(text: string): string {
  return data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
