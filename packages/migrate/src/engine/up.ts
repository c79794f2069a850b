import type { Database, PgError } from "../db/database";
import { adoptLegacyTrackingTable, readTracking, readTrackingTableOrLegacy } from "../db/legacy-tracking-table";
import {
  committedGuardSql,
  ensureTrackingTable,
  insertRowSql,
  readTrackingTable,
  type StoredRow,
  type TrackingTable,
  type TrackingTableState,
  trackingTableExists,
} from "../db/tracking-table";
import { findUserRelations } from "../db/user-relations";
import { MigrateError, problemsError } from "../errors";
import { ledgerOf, toolLedgers, writableLedgerOf } from "../ledgers";
import type { WritableLedger } from "../ledgers/ledger";
import type {
  AppliedMigration,
  AppliedResult,
  EngineOptions,
  MigrationFile,
  MigrationSet,
  Plan,
  ProgressEvent,
  SqlFile,
  UpResult,
} from "../types";
import { type CheckedFile, checkSqlFiles } from "./check-sql";
import { computePlan, displayDirectory } from "./compute-plan";
import { type FileOutcome, type FileRun, runFile, runOptionsOf } from "./execute";
import { recordImported } from "./import-ledger";
import { type ResolvedOptions, resolveOptions } from "./options";
import { runPipelinedFiles } from "./pipelined-files";
import { checkExtensions, preflightOptions } from "./preflight";
import { ProgressWatch } from "./progress-watch";
import {
  appliedBySql,
  isConnectionLoss,
  type MigrationSource,
  openRunner,
  openWhileLoading,
  resolveOptionsAfterFiles,
  throwIfInterrupted,
  underMigrationLock,
  withEngineErrors,
} from "./session";

/**
 * Applies the pending migrations in version order, under the migration lock.
 *
 * Durability: every transactional migration but the last commits with synchronous_commit = off, and the run ends
 * with one synchronously committed transaction: the last migration's (a no-transaction file's statements and
 * tracking row commit synchronously anyway), or after a failure or interruption, a no-op update of the tracking
 * table. WAL is flushed in order, so that final flush
 * makes every earlier commit durable before `up` returns. A server crash during the run can lose the last few migrations, but
 * only whole migrations with their tracking rows (each is one transaction): the next run applies them again.
 * This saves one disk flush per migration, which otherwise dominates runs of many small migrations.
 */
export async function up(source: MigrationSource<MigrationSet>, engineOptions: EngineOptions): Promise<UpResult> {
  const options = await resolveOptionsAfterFiles(source, () => resolveOptions(engineOptions));
  // Both refuse a folder whose tool has no ledger here before the connection is used.
  const ledgers = (set: MigrationSet) => {
    if (options.importToolLedger) ledgerOf(set, "importToolLedger (--import-tool-ledger)");
    return options.keepToolLedger ? writableLedgerOf(set) : undefined;
  };
  return withEngineErrors(options, async () => {
    const opened = await openWhileLoading(source, (signal) => openRunner(options, signal), ledgers);
    const { files: set, checked: toolLedger, database } = opened;
    // The SQL parser (WASM) loads when something is pending (checkSqlFiles): loading it while connecting saved
    // ~7 ms of a run with pending migrations but cost ~40 ms of one with nothing pending, the common case in CI.
    const progress = new ProgressWatch(options);
    try {
      return await underMigrationLock(
        options,
        (database) => applyPending(database, set, options, toolLedger, progress),
        (database) => checkBeforeWaiting(database, set, options),
        database,
      );
    } finally {
      await progress.close();
    }
  });
}

/** The checks of applyPending that need no lock, made while another runner holds it. */
async function checkBeforeWaiting(database: Database, set: MigrationSet, options: ResolvedOptions): Promise<void> {
  const before = computePlan(
    set,
    (await readTrackingTableOrLegacy(database, options.tracking)) ?? [],
    options.allowOutOfOrder,
  );
  refuseProblems(before);
  if (options.singleTransaction) refuseNoTransactionFiles(before.pending);
  await checkSqlFiles(
    before.pending.map((migration) => migration.up),
    "up",
    options.tracking.lockKey,
  );
}

async function applyPending(
  database: Database,
  set: MigrationSet,
  options: ResolvedOptions,
  toolLedger: WritableLedger | undefined,
  progress: ProgressWatch,
): Promise<UpResult> {
  const { tracking, logger } = options;
  // Before reading: the import writes the rows that the plan then counts as applied.
  if (options.importToolLedger) await recordImported(database, set, ledgerOf(set, "importToolLedger"), options, false);
  const read = await readTracking(database, tracking);
  const plan = computePlan(set, read.applied ?? [], options.allowOutOfOrder);
  refuseProblems(plan);
  if (options.singleTransaction) refuseNoTransactionFiles(plan.pending);
  for (const problem of plan.problems) logger.warn(problem.message);
  if (plan.applied.length === 0 && plan.pending.length > 0 && !options.allowPopulated) {
    await refusePopulatedDatabase(database, set, options, read.state);
  }

  const checked = await checkSqlFiles(
    plan.pending.map((migration) => migration.up),
    "up",
    tracking.lockKey,
  );
  const checkedInOrder = plan.pending
    .map((migration) => checked.get(migration.up))
    .filter((file) => file !== undefined);
  await checkExtensions(database, checkedInOrder, preflightOptions(options), logger);
  // Only now that every check passed: a run refused before running anything leaves nothing behind.
  await adoptLegacyTrackingTable(database, tracking, options.lockTimeoutMs, logger, read);
  await ensureTrackingTable(database, tracking, read.legacy ? trackingTableExists : read.state);
  if (toolLedger && plan.pending.length > 0) await database.query(toolLedger.ensureSql.join(";\n"));

  if (plan.pending.length === 0) {
    logger.info(`Nothing to apply: ${plan.applied.length} migration(s) applied, none pending`);
  }
  const applied: AppliedResult[] = [];
  const droppedInvalidIndexes: string[] = [];
  const appliedBy = appliedBySql(options);
  const recordSql = (migration: MigrationFile, file: CheckedFile, durationSql: string) =>
    [
      ...(toolLedger
        ? [
            toolLedger.recordSql(
              migration,
              file.parsed.statements.map((statement) => statement.text),
            ),
          ]
        : []),
      // Last: its RETURNING is the script's last row, the migration's duration.
      insertRowSql(tracking, { ...migration, checksum: migration.up.checksum }, durationSql, appliedBy),
    ].join(";\n");
  if (options.singleTransaction && plan.pending.length > 0) {
    return applyInOneTransaction(database, plan, checked, options, recordSql, progress);
  }
  const inserted: (AppliedMigration | undefined)[] = [];
  let unflushedCommits = 0;
  let completed = false;
  const steps = plan.pending.flatMap((migration) => {
    const file = checked.get(migration.up);
    return file ? [{ migration, file }] : [];
  });
  const lastPending = steps.at(-1)?.migration;
  // The last migration commits synchronously: that flush makes every earlier commit durable too.
  const asynchronousCommit = (migration: MigrationFile) =>
    migration.up.directives.transaction && migration !== lastPending;
  const runOf = ({ migration, file }: Step): FileRun => ({
    database,
    id: migration.id,
    progress,
    checked: file,
    direction: "up",
    trackingSql: (durationSql) => recordSql(migration, file, durationSql),
    asynchronousCommit: asynchronousCommit(migration),
    ...runOptionsOf(options, migration.id, file),
  });
  const started = ({ migration, file }: Step) => {
    const transactional = migration.up.directives.transaction;
    logger.info(`Applying ${migration.up.displayPath}${transactional ? "" : " (outside a transaction)"}`);
    options.onProgress(migrationStarted(migration, file));
  };
  const done = ({ migration }: Step, { durationMs, droppedInvalidIndexes: dropped, stored }: FileOutcome) => {
    droppedInvalidIndexes.push(...dropped);
    if (asynchronousCommit(migration)) unflushedCommits += 1;
    else unflushedCommits = 0;
    const result = appliedResult(migration, durationMs);
    applied.push(result);
    inserted.push(stored && storedMigration(result, stored));
    options.onProgress({ kind: "migration-done", direction: "up", result });
    logger.info(`Applied ${migration.id} in ${durationMs} ms`);
  };
  try {
    for (let index = 0; index < steps.length; ) {
      const step = steps[index] as Step;
      if (!step.migration.up.directives.transaction) {
        throwIfInterrupted(options);
        started(step);
        done(step, await runFile(runOf(step)));
        index += 1;
        continue;
      }
      // A run of transactional files goes out as one pipeline; a no-transaction file waits for the ones before it.
      let end = index;
      while (steps[end]?.migration.up.directives.transaction) end += 1;
      const segment = steps.slice(index, end);
      await runPipelinedFiles({
        runs: segment.map(runOf),
        guard: (at) => committedGuardSql(tracking, (segment[at - 1] as Step).migration.version),
        beforeSending: () => throwIfInterrupted(options),
        onStarted: (at) => started(segment[at] as Step),
        onDone: (at, outcome) => done(segment[at] as Step, outcome),
      });
      index = end;
    }
    completed = true;
  } finally {
    const last = applied.at(-1);
    if (unflushedCommits > 0 && last && !database.lostError) {
      const flushed = flushCommits(database, tracking, last.version);
      // After a failed migration its error is the one to report; after a clean run a failed flush must fail
      // the run, since the migrations it covers are then not known to be durable.
      await (completed ? flushed : flushed.catch(() => undefined));
    }
  }
  return { applied, droppedInvalidIndexes, state: await finalState(database, tracking, plan.applied, inserted) };
}

/**
 * Single-transaction mode: BEGIN, each file with its tracking row (one script each, pipelined), one synchronous COMMIT.
 * Any failure, including at COMMIT (deferred constraints), rolls back every migration of the run.
 */
async function applyInOneTransaction(
  database: Database,
  plan: Plan,
  checked: ReadonlyMap<SqlFile, CheckedFile>,
  options: ResolvedOptions,
  recordSql: (migration: MigrationFile, file: CheckedFile, durationSql: string) => string,
  progress: ProgressWatch,
): Promise<UpResult> {
  const { tracking, logger } = options;
  const count = plan.pending.length;
  const rolledBack = `Single-transaction mode: the whole run was rolled back; none of the ${count} pending migration(s) and no tracking row were applied.`;
  logger.info(`Applying ${count} migration(s) in one transaction`);
  const applied: AppliedResult[] = [];
  const inserted: (AppliedMigration | undefined)[] = [];
  const files = plan.pending.flatMap((migration) => {
    const file = checked.get(migration.up);
    return file ? [{ migration, file }] : [];
  });
  await database.query("BEGIN");
  let committed = false;
  try {
    await runPipelinedFiles({
      runs: files.map(({ migration, file }) => ({
        database,
        id: migration.id,
        progress,
        checked: file,
        direction: "up",
        trackingSql: (durationSql) => recordSql(migration, file, durationSql),
        sharedTransaction: { rolledBack },
        sessionSettings: options.sessionSettings,
        tracking,
        platform: options.platform,
        logger,
      })),
      beforeSending: () => throwIfInterrupted(options),
      onStarted: (index) => {
        const { migration, file } = files[index] as (typeof files)[number];
        logger.info(`Applying ${migration.up.displayPath}`);
        options.onProgress(migrationStarted(migration, file));
      },
      onDone: (index, { durationMs, stored }) => {
        const result = appliedResult((files[index] as (typeof files)[number]).migration, durationMs);
        applied.push(result);
        inserted.push(stored && storedMigration(result, stored));
      },
    });
    throwIfInterrupted(options);
    await commitRun(database, rolledBack);
    committed = true;
  } finally {
    if (!committed && !database.lostError) await database.query("ROLLBACK").catch(() => undefined);
  }
  // Only now are they applied: a progress report before the COMMIT would name migrations that a failure undoes.
  for (const result of applied) options.onProgress({ kind: "migration-done", direction: "up", result });
  logger.info(`Committed ${count} migration(s): ${applied.map((migration) => migration.id).join(", ")}`);
  return { applied, droppedInvalidIndexes: [], state: await finalState(database, tracking, plan.applied, inserted) };
}

interface Step {
  migration: MigrationFile;
  file: CheckedFile;
}

function migrationStarted(migration: MigrationFile, file: CheckedFile): ProgressEvent {
  return {
    kind: "migration-started",
    direction: "up",
    id: migration.id,
    displayPath: migration.up.displayPath,
    transactional: migration.up.directives.transaction,
    statements: file.parsed.statements.length,
  };
}

function appliedResult(migration: MigrationFile, durationMs: number): AppliedResult {
  const { version, name, id } = migration;
  return { version, name, id, checksum: migration.up.checksum, durationMs };
}

/** A tracking row as readTrackingTable returns it. */
function storedMigration(result: AppliedResult, stored: StoredRow): AppliedMigration {
  const { version, name, checksum } = result;
  return { version, name, checksum, ...stored };
}

/**
 * The tracking table after the run: the rows read under the migration lock and the rows the run inserted, as the
 * server stored them (their RETURNING), in version order. Read again only if a row did not come back.
 */
async function finalState(
  database: Database,
  tracking: TrackingTable,
  before: readonly AppliedMigration[],
  inserted: readonly (AppliedMigration | undefined)[],
): Promise<AppliedMigration[]> {
  const rows = inserted.filter((row) => row !== undefined);
  if (rows.length < inserted.length) return (await readTrackingTable(database, tracking)) ?? [];
  return [...before, ...rows].sort((a, b) => a.version - b.version);
}

async function commitRun(database: Database, rolledBack: string): Promise<void> {
  try {
    await database.query("COMMIT");
  } catch (error) {
    const cause = error as PgError;
    if (isConnectionLoss(cause)) {
      throw new MigrateError(
        "CONNECTION_FAILED",
        `Lost the connection to ${database.target} at the COMMIT of the single transaction: ${cause.message}. The run either committed as a whole or not at all; run again to continue.`,
      );
    }
    throw new MigrateError(
      "MIGRATION_FAILED",
      `The COMMIT of the single transaction failed: ${cause.message} (a deferred constraint or trigger of one of the migrations). ${rolledBack}`,
      { ...(cause.code !== undefined && { sqlstate: cause.code }) },
    );
  }
}

/** Single-transaction mode cannot include a file that must run outside a transaction: refuse before anything runs. */
function refuseNoTransactionFiles(pending: readonly MigrationFile[]): void {
  const outside = pending.filter((migration) => !migration.up.directives.transaction);
  if (outside.length === 0) return;
  throw problemsError(
    "INVALID_FILES",
    "Single-transaction mode (singleTransaction, --single-transaction) applies every pending migration in one transaction, but these run outside a transaction (-- migrate:no-transaction); nothing was run. Apply them without single-transaction mode:",
    outside.map((migration) => migration.up.displayPath),
  );
}

/**
 * A synchronously committed transaction that writes WAL (a no-op update of the last tracking row): its commit
 * waits for the WAL flush, which covers every asynchronously committed migration before it. A transaction
 * that writes no WAL, such as `SELECT txid_current()`, would not wait for the flush.
 */
async function flushCommits(database: Database, tracking: TrackingTable, version: number): Promise<void> {
  await database.query(`UPDATE ${tracking.sql} SET duration_ms = duration_ms WHERE version = ${version}`);
}

function refuseProblems(plan: Plan): void {
  const errors = plan.problems.filter((problem) => problem.severity === "error");
  if (errors.length === 0) return;
  throw problemsError(
    "PLAN_PROBLEMS",
    "Refusing to apply migrations (nothing was run):",
    errors.map((problem) => problem.message),
  );
}

/**
 * Nothing recorded yet but the database already holds tables: running every migration from the first would
 * collide with them, or build a second schema next to the one in use.
 */
async function refusePopulatedDatabase(
  database: Database,
  set: MigrationSet,
  options: ResolvedOptions,
  trackingState: TrackingTableState,
): Promise<void> {
  const { names, total } = await findUserRelations(database, options.tracking, options.platform, trackingState);
  if (total === 0) return;
  const more = total > names.length ? ` and ${total - names.length} more` : "";
  // The finding alone is in the details, so that a caller with other ways to adopt (the Pulumi resource) can give
  // its own advice instead of the CLI's.
  const populated = `The tracking table ${options.tracking.display} records no migration, but ${database.target} already holds ${total} table(s) or view(s) (${names.join(", ")}${more}); nothing was run.`;
  const ledger = set.format === "native" ? undefined : toolLedgers[set.format];
  const importAdvice = ledger
    ? ` If ${ledger.tool} applied them, record what its ledger (${ledger.table}) holds with \`pgvector-migrate import\` (engine option importToolLedger), then run up.`
    : "";
  throw new MigrateError(
    "INVALID_TARGET",
    `${populated} If these tables come from the migrations in ${displayDirectory(set)}, record them as applied with \`pgvector-migrate baseline --to <version>\` (the newest version already in the database), then run up.${importAdvice} To apply every migration anyway, pass --allow-populated (engine option allowPopulated).`,
    { trackingTable: options.tracking.display, populated },
  );
}
