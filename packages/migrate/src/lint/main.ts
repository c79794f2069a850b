// `lint-migrations`: lints migration files with no database, for CI (npm run lint:migrations).
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isMigrateError } from "../errors";
import { loadMigrations } from "../files/load";
import type { MigrationFile } from "../types";
import { filesChangedSince } from "./changed";
import { formatLintFinding, githubAnnotations, lintCounts, lintMarkdownSummary } from "./format";
import { lintErrors, lintMigrations } from "./lint";
import { DEFAULT_EXCLUDED_RULES } from "./rules";
import type { LintOptions } from "./types";

export interface LintWriters {
  stdout(text: string): void;
  stderr(text: string): void;
}

const formats = ["text", "json", "github"] as const;
type Format = (typeof formats)[number];

export const lintUsage = `Usage: lint-migrations [options]

Lints migration files (up files only) with squawk. Needs no database.

Options:
  --dir <path>              migrations directory (default: migrations)
  --changed-since <ref>     only migrations added or changed since the merge base with <ref>, e.g. origin/main
  --strict                  every finding is an error (use for production)
  --cluster                 the target is a Citus cluster: a table with a vector column must be distributed
  --pg-version <version>    PostgreSQL version of the target, e.g. 17
  --exclude <rules>         comma-separated rules to skip, added to the default exclusions
  --include <rules>         comma-separated opt-in rules to turn on
  --format <text|json|github>  github prints workflow annotations (default: text)
  --summary <file>          append a Markdown summary, e.g. "$GITHUB_STEP_SUMMARY"
  -h, --help                show this help

Exit codes: 0 no errors, 1 errors found (or files invalid), 2 usage error.
Default exclusions: ${DEFAULT_EXCLUDED_RULES.join(", ")}.`;

interface Arguments {
  dir: string;
  changedSince?: string;
  strict: boolean;
  cluster: boolean;
  pgVersion?: string;
  exclude: string[];
  include: string[];
  format: Format;
  summary?: string;
}

class UsageError extends Error {}

export async function lintMain(argv: readonly string[], writers: LintWriters): Promise<number> {
  let args: Arguments;
  try {
    const parsed = parseArguments(argv);
    if (parsed === "help") {
      writers.stdout(`${lintUsage}\n`);
      return 0;
    }
    args = parsed;
  } catch (error) {
    writers.stderr(`lint-migrations: ${(error as Error).message}\n${lintUsage}\n`);
    return 2;
  }

  try {
    const set = loadMigrations(args.dir);
    const migrations = selectMigrations(set.migrations, set.directory, args.changedSince);
    const options: LintOptions = {
      excludedRules: [...DEFAULT_EXCLUDED_RULES, ...args.exclude],
      includedRules: args.include,
      strict: args.strict,
      cluster: args.cluster,
      ...(args.pgVersion !== undefined && { pgVersion: args.pgVersion }),
    };
    const findings = await lintMigrations(migrations, options);
    const checkedFiles = migrations.map((migration) => migration.up.displayPath);
    const scope = args.changedSince
      ? `migrations added or changed since ${args.changedSince}`
      : `every migration in ${args.dir}`;

    if (args.format === "json") {
      writers.stdout(
        `${JSON.stringify({ ok: lintErrors(findings).length === 0, strict: args.strict, checkedFiles, findings }, null, 2)}\n`,
      );
    } else {
      const lines = args.format === "github" ? githubAnnotations(findings) : findings.map(formatLintFinding);
      for (const line of lines) writers.stdout(`${line}\n`);
      writers.stdout(`Migration lint: ${lintCounts(findings)} in ${checkedFiles.length} file(s) (${scope}).\n`);
    }
    if (args.summary) {
      appendFileSync(args.summary, lintMarkdownSummary({ findings, checkedFiles, strict: args.strict, scope }));
    }
    return lintErrors(findings).length > 0 ? 1 : 0;
  } catch (error) {
    if (!isMigrateError(error)) throw error;
    writers.stderr(`lint-migrations: ${error.message}\n`);
    return error.code === "INVALID_OPTIONS" ? 2 : 1;
  }
}

function selectMigrations(
  migrations: readonly MigrationFile[],
  directory: string,
  changedSince: string | undefined,
): readonly MigrationFile[] {
  if (changedSince === undefined) return migrations;
  const changed = filesChangedSince(directory, changedSince);
  return migrations.filter((migration) => changed.has(migration.up.path));
}

function parseArguments(argv: readonly string[]): Arguments | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const format = values.format ?? "text";
  if (!(formats as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${formats.join(", ")}, not ${JSON.stringify(format)}`);
  }
  return {
    dir: values.dir ?? "migrations",
    strict: values.strict ?? false,
    cluster: values.cluster ?? false,
    exclude: ruleList(values.exclude),
    include: ruleList(values.include),
    format: format as Format,
    ...(values["changed-since"] !== undefined && { changedSince: values["changed-since"] }),
    ...(values["pg-version"] !== undefined && { pgVersion: values["pg-version"] }),
    ...(values.summary !== undefined && { summary: values.summary }),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      dir: { type: "string" },
      "changed-since": { type: "string" },
      strict: { type: "boolean" },
      cluster: { type: "boolean" },
      "pg-version": { type: "string" },
      exclude: { type: "string", multiple: true },
      include: { type: "string", multiple: true },
      format: { type: "string" },
      summary: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function ruleList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(","))
    .map((rule) => rule.trim())
    .filter((rule) => rule !== "");
}
