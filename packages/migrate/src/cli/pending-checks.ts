// What `plan` checks in the pending migrations, so problems show up before `up`: the engine's own SQL check
// (what `up` would refuse: syntax errors, statements that cannot run as declared) and squawk's migration lint.
import { isMigrateError } from "../errors";
import type { LintFinding } from "../lint/types";
import type { MigrationFile, MigrationSet } from "../types";
import type { EngineApi } from "./load-engine";

export interface PendingCheckOptions {
  /** false with --no-lint. */
  lint: boolean;
  /** --strict: every lint finding is an error, and lint that cannot run is an error too. */
  strict: boolean;
  /** Settings every migration session gets: a lock_timeout there satisfies squawk's require-lock-timeout. */
  sessionSettings?: Readonly<Record<string, string>>;
  /** Another squawk executable (SQUAWK_PATH); default the one installed with the squawk-cli package. */
  squawkPath?: string;
}

export interface PendingChecks {
  /** `file:line:column: message` for each problem `up` would refuse the pending files for. */
  invalidSql: string[];
  lint: LintFinding[];
  /** Why lint did not run: --no-lint, or squawk could not run. Absent when it ran. */
  lintSkipped?: string;
  /** squawk could not run (not set for --no-lint). */
  lintUnavailable: boolean;
}

export async function checkPending(
  engine: EngineApi,
  set: MigrationSet,
  pending: readonly MigrationFile[],
  options: PendingCheckOptions,
): Promise<PendingChecks> {
  // Nothing pending: nothing to check, and the parser and squawk are not even loaded.
  if (pending.length === 0) return { invalidSql: [], lint: [], lintUnavailable: false };
  const [invalidSql, lint] = await Promise.all([
    invalidSqlOf(engine, { ...set, migrations: pending }),
    options.lint ? lintOf(engine, pending, options) : { skipped: "--no-lint", unavailable: false },
  ]);
  if ("skipped" in lint) return { invalidSql, lint: [], lintSkipped: lint.skipped, lintUnavailable: lint.unavailable };
  // squawk's own parser reports a syntax error token by token; the engine's message (PostgreSQL's parser) is the one to show.
  const findings = lint.findings.filter(
    (finding) =>
      !(finding.rule === "syntax-error" && invalidSql.some((problem) => problem.startsWith(`${finding.displayPath}:`))),
  );
  return { invalidSql, lint: findings, lintUnavailable: false };
}

/** The problems validateSql finds in the pending up files and their down files. */
async function invalidSqlOf(engine: EngineApi, pendingSet: MigrationSet): Promise<string[]> {
  try {
    await engine.validateSql(pendingSet);
    return [];
  } catch (error) {
    if (isMigrateError(error) && error.code === "INVALID_FILES")
      return [...(error.details.problems ?? [error.message])];
    throw error;
  }
}

async function lintOf(
  engine: EngineApi,
  pending: readonly MigrationFile[],
  options: PendingCheckOptions,
): Promise<{ findings: LintFinding[] } | { skipped: string; unavailable: boolean }> {
  try {
    return {
      findings: await engine.lintMigrations(pending, {
        strict: options.strict,
        ...(options.sessionSettings && { sessionSettings: options.sessionSettings }),
        ...(options.squawkPath && { squawkPath: options.squawkPath }),
      }),
    };
  } catch (error) {
    // The CLI passes no rule options, so a MigrateError here means squawk itself could not run.
    if (!isMigrateError(error)) throw error;
    return { skipped: `squawk could not run: ${error.message}`, unavailable: true };
  }
}
