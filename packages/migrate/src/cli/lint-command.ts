// `pgvector-migrate lint`: lints migration files with squawk and no database, for CI (npm run lint:migrations).
import { appendFileSync } from "node:fs";
import type { LintFinding } from "../lint/types";
import type { MigrationFile } from "../types";
import { type DatabaseCommandOptions, loadOptions, migrationsDirectory } from "./engine-options";
import { ExitCode, UsageError } from "./exit-codes";
import { type EngineApi, loadEngine } from "./load-engine";
import type { Output } from "./output";

export interface LintCommandOptions {
  dir: string;
  format?: DatabaseCommandOptions["format"];
  changedSince?: string;
  strict: boolean;
  cluster: boolean;
  pgVersion?: string;
  /** Each value may list several rules, comma-separated. */
  exclude: readonly string[];
  include: readonly string[];
  /** GitHub workflow annotations instead of one line per finding. */
  github: boolean;
  /** A Markdown summary is appended to this file, e.g. $GITHUB_STEP_SUMMARY. */
  summary?: string;
}

export async function lintCommand(options: LintCommandOptions, output: Output): Promise<number> {
  if (options.github && output.json) throw new UsageError("--github and --json are two outputs: choose one");
  const engine = loadEngine();
  const set = engine.loadMigrations(migrationsDirectory(options.dir), loadOptions(options));
  const migrations = selectMigrations(engine, set.migrations, set.directory, options.changedSince);
  const findings = await engine.lintMigrations(migrations, {
    excludedRules: [...engine.DEFAULT_EXCLUDED_RULES, ...ruleList(options.exclude)],
    includedRules: ruleList(options.include),
    strict: options.strict,
    cluster: options.cluster,
    ...(options.pgVersion !== undefined && { pgVersion: options.pgVersion }),
  });
  const ok = engine.lintErrors(findings).length === 0;
  const checkedFiles = migrations.map((migration) => migration.up.displayPath);
  const scope = options.changedSince
    ? `migrations added or changed since ${options.changedSince}`
    : `every migration in ${options.dir}`;

  if (output.json) {
    output.document({ command: "lint", ok, format: set.format, strict: options.strict, checkedFiles, findings });
  } else {
    printFindings(engine, findings, options.github, output);
    output.line(`Migration lint: ${engine.lintCounts(findings)} in ${checkedFiles.length} file(s) (${scope}).`);
  }
  if (options.summary) {
    appendFileSync(
      options.summary,
      engine.lintMarkdownSummary({ findings, checkedFiles, strict: options.strict, scope }),
    );
  }
  return ok ? ExitCode.success : ExitCode.failure;
}

function printFindings(engine: EngineApi, findings: readonly LintFinding[], github: boolean, output: Output): void {
  const lines = github ? engine.githubAnnotations(findings) : findings.map(engine.formatLintFinding);
  for (const line of lines) output.line(line);
}

function selectMigrations(
  engine: EngineApi,
  migrations: readonly MigrationFile[],
  directory: string,
  changedSince: string | undefined,
): readonly MigrationFile[] {
  if (changedSince === undefined) return migrations;
  const changed = engine.filesChangedSince(directory, changedSince);
  return migrations.filter((migration) => changed.has(migration.up.path));
}

function ruleList(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(","))
    .map((rule) => rule.trim())
    .filter((rule) => rule !== "");
}
