// The four commands: each turns engine results into human or JSON output and an exit code.
import { relative } from "node:path";
import { libpqVariables } from "../db/connection-config";
import { displayDirectory } from "../engine/compute-plan";
import type { MigrationSource } from "../engine/session";
import { MigrateError } from "../errors";
import { versionTextPattern } from "../options/migration-options";
import { redactorFor } from "../redact";
import type {
  AppliedMigration,
  AppliedResult,
  EngineOptions,
  MigrationFile,
  MigrationSet,
  Plan,
  ProgressEvent,
} from "../types";
import {
  type DatabaseCommandOptions,
  databaseConnection,
  engineOptions,
  loadOptions,
  migrationsDirectory,
} from "./engine-options";
import { ExitCode, UsageError } from "./exit-codes";
import type { Interruption } from "./interrupt";
import { type EngineApi, loadEngine } from "./load-engine";
import type { Output } from "./output";
import { checkPending, type PendingChecks } from "./pending-checks";
import { liveProgressEveryMs, showProgress } from "./progress-output";
import { needsAttention, statusEntries, statusLine } from "./status";

interface Context {
  options: EngineOptions;
  directory: string;
}

function prepare(options: DatabaseCommandOptions, output: Output, interruption?: Interruption): Context {
  const connection = databaseConnection(options.databaseUrl, process.env);
  output.useRedactor(redactorFor({ url: connection.url, password: process.env[libpqVariables.password] }));
  const logger = {
    info: (message: string) => {
      if (options.verbose) output.note(message);
    },
    warn: (message: string) => output.note(`warning: ${message}`),
    // What PostgreSQL said while a migration ran (pgvector's index warnings): shown without --verbose.
    notice: (message: string) => output.note(message),
  };
  const base = engineOptions(options, connection, logger);
  const stoppable = interruption && {
    signal: interruption.controller.signal,
    onProgress: (event: ProgressEvent) => {
      interruption.onProgress(event);
      showProgress(event, output);
    },
    ...(output.liveProgress && { progressEveryMs: liveProgressEveryMs }),
  };
  return { options: { ...base, ...stoppable }, directory: migrationsDirectory(options.dir) };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function pendingJson(migration: MigrationFile) {
  return {
    version: migration.version,
    versionText: migration.versionText,
    name: migration.name,
    id: migration.id,
    path: migration.up.displayPath,
    checksum: migration.up.checksum,
    transaction: migration.up.directives.transaction,
    hasDown: migration.down !== undefined,
  };
}

function appliedJson(migration: AppliedMigration) {
  return { ...migration, appliedAt: migration.appliedAt.toISOString() };
}

function resultLine(verb: string, result: AppliedResult): string {
  return `${verb} ${result.id} (${result.durationMs} ms)`;
}

/** Options of `plan` (`--no-lint` sets lint to false). */
export interface PlanCommandOptions extends DatabaseCommandOptions {
  exitCode?: boolean;
  strict?: boolean;
  lint: boolean;
}

export async function planCommand(options: PlanCommandOptions, output: Output): Promise<number> {
  const context = prepare(options, output);
  const engine = loadEngine();
  // Connecting overlaps reading the files (the engine's loadMigrationsAsync).
  const loading = engine.loadMigrationsAsync(context.directory, context.options);
  const plan: Plan = await engine.plan(loading, context.options);
  const set = await loading;
  const strict = options.strict === true;
  const checks = await checkPending(engine, set, plan.pending, {
    lint: options.lint,
    strict,
    ...(context.options.sessionSettings && { sessionSettings: context.options.sessionSettings }),
    ...(process.env.SQUAWK_PATH && { squawkPath: process.env.SQUAWK_PATH }),
  });
  const errors = [...plan.problems, ...(plan.extensionProblems ?? [])].filter(
    (problem) => problem.severity === "error",
  );
  // Without findings the lint module is not loaded at all (it is most of what `plan` would load).
  const lintErrors = checks.lint.length === 0 ? 0 : engine.lintErrors(checks.lint).length;
  const failures = checkFailures(checks, lintErrors, strict);
  const ok = errors.length === 0 && failures.length === 0;
  const code = !ok
    ? ExitCode.failure
    : options.exitCode && plan.pending.length > 0
      ? ExitCode.pending
      : ExitCode.success;

  if (output.json) {
    output.document({
      command: "plan",
      ok,
      format: set.format,
      applied: plan.applied.map(appliedJson),
      ...(plan.toImport && {
        toImport: { ...plan.toImport, migrations: plan.toImport.migrations.map(pendingJson) },
      }),
      pending: plan.pending.map(pendingJson),
      problems: plan.problems,
      extensionProblems: plan.extensionProblems ?? [],
      invalidSql: checks.invalidSql,
      lint: checks.lint,
      ...(checks.lintSkipped !== undefined && { lintSkipped: checks.lintSkipped }),
    });
  } else {
    printPlan(engine, set, plan, checks, output);
  }
  if (!strict && checks.lintUnavailable) output.note(`warning: migration lint skipped: ${checks.lintSkipped}`);
  for (const failure of failures) output.note(`error: ${failure}`);
  return code;
}

/** Why the checks of the pending migrations fail `plan`, one message each. */
function checkFailures(checks: PendingChecks, lintErrors: number, strict: boolean): string[] {
  const failures: string[] = [];
  if (checks.invalidSql.length > 0) {
    failures.push(
      `${plural(checks.invalidSql.length, "problem")} in the SQL of pending migrations: \`up\` would refuse to run them`,
    );
  }
  if (lintErrors > 0) {
    failures.push(
      `migration lint: ${plural(lintErrors, "error")}${strict ? " (--strict makes every finding an error)" : ""}: make the migrations safe, or after review accept a finding with "-- squawk-ignore <rule>" on the line above the statement`,
    );
  }
  if (strict && checks.lintUnavailable)
    failures.push(`migration lint is required with --strict but ${checks.lintSkipped}`);
  return failures;
}

function printPlan(engine: EngineApi, set: MigrationSet, plan: Plan, checks: PendingChecks, output: Output): void {
  const latest = plan.applied.at(-1);
  const latestId =
    latest &&
    (set.migrations.find((migration) => migration.version === latest.version)?.id ??
      `${String(latest.version).padStart(4, "0")}_${latest.name}`);
  output.line(`Applied: ${plan.applied.length}${latestId ? ` (latest ${latestId})` : ""}`);
  if (plan.toImport) {
    const { tool, ledger, migrations } = plan.toImport;
    output.line(`To import from ${tool}'s ${ledger} (recorded as applied, not run): ${migrations.length}`);
    for (const migration of migrations) output.line(`  ${migration.up.displayPath}`);
  }
  if (plan.pending.length === 0) {
    output.line("Pending: none, the database is up to date");
  } else {
    output.line(`Pending: ${plan.pending.length}`);
    for (const migration of plan.pending) {
      output.line(
        `  ${migration.up.displayPath}${migration.up.directives.transaction ? "" : "  (outside a transaction)"}`,
      );
    }
    if (checks.lintSkipped !== undefined) {
      output.line(`Lint: skipped (${checks.lintUnavailable ? "squawk could not run" : "--no-lint"})`);
    } else {
      output.line(`Lint: ${engine.lintCounts(checks.lint)}`);
      for (const finding of checks.lint) output.line(`  ${engine.formatLintFinding(finding)}`);
    }
  }
  if (checks.invalidSql.length > 0) {
    output.line(`Invalid SQL: ${checks.invalidSql.length}`);
    for (const problem of checks.invalidSql) output.line(`  ${problem}`);
  }
  if (plan.problems.length > 0) {
    output.line(`Problems: ${plan.problems.length}`);
    for (const problem of plan.problems) output.line(`  ${problem.severity}: ${problem.message}`);
  }
  const extensionProblems = plan.extensionProblems ?? [];
  if (extensionProblems.length > 0) {
    output.line(
      `Extensions: ${plural(extensionProblems.length, "problem")} (\`up\` checks them before running anything)`,
    );
    for (const problem of extensionProblems) output.line(`  ${problem.severity}: ${problem.message}`);
  }
}

export async function statusCommand(
  options: DatabaseCommandOptions & { exitCode?: boolean },
  output: Output,
): Promise<number> {
  const context = prepare(options, output);
  const engine = loadEngine();
  const loading = engine.loadMigrationsAsync(context.directory, context.options);
  const plan = await engine.plan(loading, context.options);
  const set = await loading;
  const entries = statusEntries(set, plan);
  const count = (state: string) => entries.filter((entry) => entry.state === state).length;
  if (output.json) {
    output.document({ command: "status", ok: true, format: set.format, migrations: entries });
  } else {
    for (const entry of entries) output.line(statusLine(entry));
    output.line();
    output.line(`Applied: ${count("applied")}`);
    output.line(`Pending: ${count("pending")}`);
    if (count("changed") > 0) output.line(`Changed: ${count("changed")}`);
    if (count("missing") > 0) output.line(`Missing: ${count("missing")}`);
  }
  return options.exitCode && needsAttention(entries) ? ExitCode.pending : ExitCode.success;
}

/** Options shared by `up` and `down`: `--dry-run` lists the files that would run and runs nothing. */
export interface ChangeCommandOptions extends DatabaseCommandOptions {
  dryRun?: boolean;
}

/** Refuses a plan with errors (edited or missing applied files) as `up`/`down` would, before printing it. */
async function dryRunPlan(
  engine: EngineApi,
  set: MigrationSource<MigrationSet>,
  options: EngineOptions,
): Promise<Plan> {
  const plan = await engine.plan(set, options);
  const errors = plan.problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0) {
    throw new MigrateError("PLAN_PROBLEMS", errors.map((problem) => problem.message).join("\n"));
  }
  return plan;
}

export async function upCommand(
  options: ChangeCommandOptions,
  output: Output,
  interruption?: Interruption,
): Promise<number> {
  const context = prepare(options, output, interruption);
  const engine = loadEngine();
  const loading = engine.loadMigrationsAsync(context.directory, context.options);
  if (options.dryRun) {
    const plan = await dryRunPlan(engine, loading, context.options);
    if (output.json) {
      output.document({ command: "up", ok: true, dryRun: true, wouldApply: plan.pending.map(pendingJson) });
      return ExitCode.success;
    }
    for (const migration of plan.pending) output.line(`Would apply ${migration.up.displayPath}`);
    output.line(`Dry run: ${plural(plan.pending.length, "migration")} would be applied; nothing was run`);
    return ExitCode.success;
  }
  const started = performance.now();
  const result = await engine.up(loading, context.options);
  const totalMs = Math.round(performance.now() - started);

  if (output.json) {
    output.document({
      command: "up",
      ok: true,
      applied: result.applied,
      droppedInvalidIndexes: result.droppedInvalidIndexes,
      appliedTotal: result.state.length,
      durationMs: totalMs,
    });
    return ExitCode.success;
  }
  for (const index of result.droppedInvalidIndexes) {
    output.line(`Dropped invalid index ${index} left by an earlier failed concurrent build`);
  }
  for (const applied of result.applied) output.line(resultLine("Applied", applied));
  output.line(
    result.applied.length === 0
      ? `Nothing to apply: the database is up to date (${plural(result.state.length, "migration")} applied)`
      : `Applied ${plural(result.applied.length, "migration")} in ${totalMs} ms; ${result.state.length} applied in total`,
  );
  return ExitCode.success;
}

/** What `down` would revert, newest first, with the file that reverts each. */
function revertList(set: MigrationSet, plan: Plan, target: number) {
  return plan.applied
    .filter((row) => row.version > target)
    .reverse()
    .map((row) => {
      const file = set.migrations.find((migration) => migration.version === row.version);
      return {
        version: row.version,
        id: file?.id ?? `${String(row.version).padStart(4, "0")}_${row.name}`,
        path: file?.down?.displayPath ?? "(no down file)",
      };
    });
}

export interface DownCommandOptions extends ChangeCommandOptions {
  to: string;
  yes?: boolean;
  /** Asks the question on the terminal; resolves to the answer. Undefined when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

export async function downCommand(
  options: DownCommandOptions,
  output: Output,
  interruption?: Interruption,
): Promise<number> {
  const confirm = !options.yes && !options.dryRun;
  if (confirm && options.ask === undefined) {
    throw new UsageError(
      "down reverts migrations and can drop tables and data: pass --yes to confirm (stdin is not a terminal, so it cannot ask). Nothing was reverted.",
    );
  }
  const context = prepare(options, output, interruption);
  const engine = loadEngine();
  const set = engine.loadMigrations(context.directory, context.options);
  const target = targetKey(set, options.to);
  if (options.dryRun || (confirm && options.ask)) {
    const planned = revertList(set, await dryRunPlan(engine, set, context.options), target);
    if (options.dryRun) {
      if (output.json) {
        output.document({ command: "down", ok: true, dryRun: true, target, wouldRevert: planned });
        return ExitCode.success;
      }
      for (const migration of planned) output.line(`Would revert ${migration.id} with ${migration.path}`);
      output.line(`Dry run: ${plural(planned.length, "migration")} would be reverted; nothing was run`);
      return ExitCode.success;
    }
    if (planned.length > 0 && options.ask) {
      output.note("Will revert, newest first:");
      for (const migration of planned) output.note(`  ${migration.id} (${migration.path})`);
      const answer = await options.ask(`Revert ${planned.length} migration(s)? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        output.note("Nothing was reverted.");
        return ExitCode.failure;
      }
    }
  }
  const result = await engine.down(set, target, context.options);

  if (output.json) {
    output.document({
      command: "down",
      ok: true,
      target,
      reverted: result.reverted,
      appliedTotal: result.state.length,
    });
    return ExitCode.success;
  }
  for (const reverted of result.reverted) output.line(resultLine("Reverted", reverted));
  output.line(
    result.reverted.length === 0
      ? `Nothing to revert: no migration newer than version ${options.to} is applied`
      : `Reverted ${plural(result.reverted.length, "migration")}; ${result.state.length} applied in total`,
  );
  return ExitCode.success;
}

export async function baselineCommand(
  options: DatabaseCommandOptions & { to: string },
  output: Output,
  interruption?: Interruption,
): Promise<number> {
  const context = prepare(options, output, interruption);
  const engine = loadEngine();
  const set = engine.loadMigrations(context.directory, context.options);
  const target = engine.baselineTarget(set, options.to);
  const result = await engine.baseline(set, target, context.options);

  if (output.json) {
    output.document({
      command: "baseline",
      ok: true,
      target,
      baselined: result.baselined,
      appliedTotal: result.state.length,
    });
    return ExitCode.success;
  }
  for (const recorded of result.baselined) output.line(`Recorded ${recorded.id} as applied (not run)`);
  output.line(
    result.baselined.length === 0
      ? `Nothing to baseline: every migration up to version ${options.to} is recorded already`
      : `Baselined ${plural(result.baselined.length, "migration")}; ${result.state.length} applied in total`,
  );
  return ExitCode.success;
}

export async function importCommand(
  options: DatabaseCommandOptions,
  output: Output,
  interruption?: Interruption,
): Promise<number> {
  const context = prepare(options, output, interruption);
  const engine = loadEngine();
  const set = engine.loadMigrations(context.directory, context.options);
  const result = await engine.importLedger(set, context.options);

  if (output.json) {
    output.document({
      command: "import",
      ok: true,
      format: set.format,
      tool: result.tool,
      ledger: result.ledger,
      imported: result.imported,
      appliedTotal: result.state.length,
    });
    return ExitCode.success;
  }
  for (const recorded of result.imported) output.line(`Recorded ${recorded.id} as applied (imported, not run)`);
  output.line(
    result.imported.length === 0
      ? `Nothing to import: every migration ${result.ledger} records is recorded already (${plural(result.state.length, "migration")} applied)`
      : `Imported ${plural(result.imported.length, "migration")} from ${result.tool}'s ${result.ledger}; ${result.state.length} applied in total`,
  );
  return ExitCode.success;
}

export async function newCommand(
  name: string,
  options: { dir: string; format?: DatabaseCommandOptions["format"]; json?: boolean },
  output: Output,
): Promise<number> {
  const created = loadEngine().createMigration(migrationsDirectory(options.dir), name, loadOptions(options));
  const upPath = relative(process.cwd(), created.upPath);
  const downPath = created.downPath === undefined ? undefined : relative(process.cwd(), created.downPath);
  if (output.json) {
    output.document({
      command: "new",
      ok: true,
      format: created.format,
      version: created.version,
      versionText: created.versionText,
      upPath,
      ...(downPath !== undefined && { downPath }),
    });
  } else {
    output.line(`Created ${upPath}`);
    if (downPath !== undefined) output.line(`Created ${downPath}`);
  }
  return ExitCode.success;
}

/** `--to` is a version as the file names write it: 3, 0003, 20260203101500, Flyway's 1.9 (0 reverts everything). */
export function parseTargetVersion(value: string): string {
  if (!versionTextPattern.test(value.trim())) {
    throw new UsageError("give a migration version number such as 3 (0 reverts everything)");
  }
  return value.trim();
}

/** The tracking key of the `--to` version: a migration written with that version, else the number itself. */
function targetKey(set: MigrationSet, to: string): number {
  const written = set.migrations.find((migration) => migration.versionText === to.replace(/_/g, "."));
  if (written) return written.version;
  if (/^\d+$/.test(to)) return Number(to);
  throw new MigrateError(
    "INVALID_TARGET",
    `No migration in ${displayDirectory(set)} has version ${to}: give the version of an applied migration, or 0 to revert everything.`,
  );
}
