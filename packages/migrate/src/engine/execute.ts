// Runs one migration file (up or down) together with its tracking-table change.
import { lockHeldSql } from "../db/advisory-lock";
import { type Database, type PgError, ScriptError, type ScriptResult } from "../db/database";
import { quoteIdentifier, setConfigStatement } from "../db/quote";
import { type StoredRow, storedRow, storedRowOfResult, type TrackingTable } from "../db/tracking-table";
import { MigrateError } from "../errors";
import { concurrentIndex, createdExtension } from "../sql/analyze";
import type { ParsedStatement } from "../sql/parser";
import { SourceText } from "../sql/source-text";
import type { Platform } from "../types";
import type { CheckedFile } from "./check-sql";
import { migrationFailed, positionUnitOf, statementAt } from "./failure";
import { builtIndexOid, dropInvalidIndexes, findInvalidIndexes, invalidAmongSql } from "./invalid-indexes";
import type { EngineLogger, ResolvedOptions } from "./options";
import { platformAdvice } from "./preflight";
import type { ProgressWatch } from "./progress-watch";
import { reportNotices } from "./server-notices";
import { isConnectionLoss } from "./session";
import { sessionChanges, sessionChangeWarning, sessionResetStatements } from "./session-reset";

export interface FileRun {
  database: Database;
  /** The migration's id, e.g. "0003_add_index", for progress events. */
  id: string;
  /** Reports a round trip that runs long; none: not reported. */
  progress?: ProgressWatch;
  checked: CheckedFile;
  /** Applying an up file (its tracking row is inserted) or reverting with a down file (its row is deleted). */
  direction: "up" | "down";
  /**
   * The tracking-table statement that must commit with the file (INSERT or DELETE), given a SQL expression
   * of the migration's duration in milliseconds.
   */
  trackingSql: (durationSql: string) => string;
  /**
   * Transactional files of a pipeline (pipelined-files.ts): a statement run first in the file's transaction that
   * fails unless the file before it committed, so that a file sent before that one's answer never runs after it
   * failed.
   */
  guard?: string;
  /** Transactional files only: commit without waiting for the WAL flush (see up.ts). */
  asynchronousCommit?: boolean;
  /**
   * Single-transaction mode: the file runs inside a transaction the caller opened and commits. No BEGIN or COMMIT
   * here; the file's "-- migrate:set" settings are put back after it; a failure rolls back that whole transaction,
   * which `rolledBack` describes.
   */
  sharedTransaction?: { rolledBack: string };
  /** The engine's session settings, restored after a file that changed them for the session. */
  sessionSettings: Readonly<Record<string, string>>;
  /** The tracking table, whose migration lock a no-transaction file must still hold when it is recorded. */
  tracking: TrackingTable;
  /** For the advice added when CREATE EXTENSION fails. */
  platform: Platform;
  logger: EngineLogger;
  /** No-transaction files: called before each statement runs. */
  onStatement?: (statement: ParsedStatement) => void;
}

/** What a FileRun takes from the run's options, with the progress events of the migration `id` (up and down alike). */
export function runOptionsOf(
  options: ResolvedOptions,
  id: string,
  checked: CheckedFile,
): Pick<FileRun, "sessionSettings" | "tracking" | "platform" | "logger" | "onStatement"> {
  return {
    sessionSettings: options.sessionSettings,
    tracking: options.tracking,
    platform: options.platform,
    logger: options.logger,
    onStatement: (statement) =>
      options.onProgress({
        kind: "statement-started",
        id,
        ordinal: statement.ordinal,
        line: checked.parsed.source.lineColumn(statement.start).line,
      }),
  };
}

export interface FileOutcome {
  durationMs: number;
  /** Up: the tracking row as stored (insertRowSql's RETURNING); undefined if the server sent none back. */
  stored?: StoredRow;
  /** INVALID leftovers of earlier failed concurrent builds, dropped before building them again. */
  droppedInvalidIndexes: string[];
}

/** Runs the file. Throws MigrateError("MIGRATION_FAILED"). */
export async function runFile(run: FileRun): Promise<FileOutcome> {
  const { file, parsed } = run.checked;
  const stopNotices = reportNotices(
    run.database,
    () => ({ file, parsed, statement: runningStatement(run) }),
    (message) => run.logger.notice(message),
  );
  const { reset, warning } = sessionAfter(run);
  try {
    const outcome = await (run.checked.file.directives.transaction
      ? runInTransaction(run, reset)
      : runStatementByStatement(run, reset));
    if (warning) run.logger.warn(warning);
    return outcome;
  } finally {
    stopNotices();
    currentStatement.delete(run);
  }
}

/**
 * What puts the session back after the file: the statements resetting what it changed for the session, and the
 * warning that says so.
 */
export function sessionAfter(run: FileRun): { reset: readonly string[]; warning: string | undefined } {
  const changes = sessionChanges(run.checked.parsed);
  // A no-transaction file's "-- migrate:set" directives are session settings too; a transactional file's are SET LOCAL.
  const directiveSettings = run.checked.file.directives.transaction
    ? []
    : Object.keys(run.checked.file.directives.settings);
  return {
    reset: sessionResetStatements(
      [...changes.map((change) => change.setting), ...directiveSettings],
      run.sessionSettings,
    ),
    warning: sessionChangeWarning(run.checked.file.displayPath, changes),
  };
}

/** The statement a no-transaction file is running, for its notices and progress. */
const currentStatement = new WeakMap<FileRun, ParsedStatement>();

/**
 * The statement of the file that raised a notice. In a transactional file, the statements the server completed so
 * far identify it (the script's prefix comes first; the engine's statements after the file have none): the server
 * flushes their completions before it sends a notice.
 */
export function runningStatement(run: FileRun): ParsedStatement | undefined {
  const { file, parsed } = run.checked;
  if (!file.directives.transaction) return currentStatement.get(run);
  const completed = run.database.scriptStatementsCompleted;
  return completed === undefined ? undefined : parsed.statements[completed - transactionPrefix(run).statements.length];
}

/**
 * Runs one migration round trip, its progress reported while it runs longer than progressAfterMs. The line is that
 * of a no-transaction file's statement: during a transactional file's script the server holds back the completions
 * of its statements (it flushes them with a notice, or at the end), so the statement running is not known then.
 */
export async function watched<T>(run: FileRun, work: () => Promise<T>): Promise<T> {
  const stop = run.progress?.watch(run.database, {
    id: run.id,
    displayPath: run.checked.file.displayPath,
    line: () => {
      const statement = run.checked.file.directives.transaction ? undefined : currentStatement.get(run);
      return statement && run.checked.parsed.source.lineColumn(statement.start).line;
    },
  });
  try {
    return await work();
  } finally {
    stop?.();
  }
}

/**
 * One round trip: BEGIN; settings; the file; the session reset; the tracking row; COMMIT, as one simple-protocol
 * query. The reset comes before the tracking row, so the row is written as the engine's role whatever role the
 * file switched to; being part of the transaction, it is undone with the file when anything fails.
 * PostgreSQL stops at the first error and the transaction stays aborted until the ROLLBACK sent next, so the
 * migration and its tracking row commit together or not at all. The number of statements that completed
 * identifies the failing one; PostgreSQL's error position, when given, locates it to the column.
 */
async function runInTransaction(run: FileRun, reset: readonly string[]): Promise<FileOutcome> {
  const script = transactionalScript(run, reset);
  const started = performance.now();
  try {
    return transactionalOutcome(run, await watched(run, () => run.database.runScript(script.text)), started);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    throw await transactionalFailure(run, script, error);
  }
}

/** A transactional file's one round trip (see runInTransaction), and where the file sits in it. */
export interface TransactionalScript {
  text: string;
  /** What comes before the file's own SQL in `text`. */
  prefix: string;
  /** The statements of `prefix`. */
  prefixStatements: readonly string[];
}

export function transactionalScript(run: FileRun, reset: readonly string[]): TransactionalScript {
  const { file } = run.checked;
  const { statements: prefixStatements, text: prefix } = transactionPrefix(run);
  // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
  const durationSql = "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer";
  const suffix = run.sharedTransaction
    ? [...localSettingsRestore(file.directives.settings, run.sessionSettings), ...reset, run.trackingSql(durationSql)]
    : [...reset, run.trackingSql(durationSql), "COMMIT"];
  return { text: `${prefix}${file.sql}\n;\n${suffix.join(";\n")}`, prefix, prefixStatements };
}

/** The outcome of a transactional script that the server ran to the end; `started`: when it was sent. */
export function transactionalOutcome(run: FileRun, result: ScriptResult, started: number): FileOutcome {
  // Only an up script ends with the tracking row's RETURNING: a down script's last row is the file's own.
  const stored = run.direction === "up" ? storedRow(result.lastRow) : undefined;
  const durationMs = stored?.durationMs ?? Math.round(performance.now() - started);
  return { durationMs, droppedInvalidIndexes: [], ...(stored && { stored }) };
}

/**
 * Rolls back after a transactional script failed and says where and why: the failing statement (by the server's
 * error position, or by the number of statements that completed), what was rolled back, and what to do.
 */
export async function transactionalFailure(
  run: FileRun,
  script: TransactionalScript,
  error: ScriptError,
): Promise<MigrateError> {
  const { database, checked } = run;
  const { file, parsed } = checked;
  const { prefix, prefixStatements } = script;
  const shared = run.sharedTransaction;
  await database.query("ROLLBACK").catch(() => undefined);
  const cause = error.error;
  if (isConnectionLoss(cause)) return lostDuringFile(database, file.displayPath, cause, true);

  const position = cause.position === undefined ? undefined : Number(cause.position) - 1;
  const unit = position === undefined ? "character" : await positionUnitOf(database);
  const fileStart = new SourceText(prefix).positionsBefore(prefix.length, unit);
  const fileEnd = fileStart + parsed.source.positionsBefore(file.sql.length, unit);
  const rolledBack =
    shared?.rolledBack ??
    (run.direction === "up"
      ? "The migration was rolled back: none of its changes and no tracking row were applied."
      : "The down migration was rolled back: none of its changes were applied, and the migration stays recorded as applied.");
  if (position !== undefined && position >= fileStart && position < fileEnd) {
    const index = parsed.source.indexOfPosition(position - fileStart, unit);
    const statement = statementAt(parsed, index);
    return migrationFailed(file, parsed, { statement, index }, cause, [...advice(run, statement), rolledBack]);
  }
  const ordinal = error.completedStatements - prefixStatements.length;
  const statement = parsed.statements[ordinal];
  if (statement) return migrationFailed(file, parsed, { statement }, cause, [...advice(run, statement), rolledBack]);
  if (ordinal < 0) {
    return migrationFailed(file, parsed, {}, cause, [
      `The server refused a "-- migrate:set" directive of this file (${Object.keys(file.directives.settings).join(", ")}).`,
      rolledBack,
    ]);
  }
  return migrationFailed(file, parsed, {}, cause, [
    "The error came after the file's statements: when resetting the session settings, recording the migration in the tracking table, or at COMMIT (deferred constraints).",
    rolledBack,
  ]);
}

/** What a transactional file's script runs before the file: BEGIN (unless shared), the guard, its SET LOCAL settings. */
function transactionPrefix(run: FileRun): { statements: string[]; text: string } {
  const settings: Record<string, string> = { ...run.checked.file.directives.settings };
  if (run.asynchronousCommit) settings.synchronous_commit = "off";
  const statements = [
    run.sharedTransaction ? undefined : "BEGIN",
    run.guard,
    setConfigStatement(settings, true),
  ].filter((statement) => statement !== undefined);
  return { statements, text: statements.length > 0 ? `${statements.join(";\n")};\n` : "" };
}

/**
 * In a shared transaction a file's "-- migrate:set" settings (SET LOCAL) would last until its end: put each back
 * to the engine's session setting, or to the session's default, before the next file.
 */
function localSettingsRestore(
  fileSettings: Readonly<Record<string, string>>,
  sessionSettings: Readonly<Record<string, string>>,
): string[] {
  const names = Object.keys(fileSettings);
  const toSessionValue = Object.fromEntries(
    names.flatMap((name) => (sessionSettings[name] === undefined ? [] : [[name, sessionSettings[name]]])),
  );
  const restore = setConfigStatement(toSessionValue, true);
  return [
    ...names
      .filter((name) => sessionSettings[name] === undefined)
      .map((name) => `SET LOCAL ${name.split(".").map(quoteIdentifier).join(".")} TO DEFAULT`),
    ...(restore ? [restore] : []),
  ];
}

/**
 * Files marked `-- migrate:no-transaction`: session settings, then each statement on its own (PostgreSQL
 * refuses CREATE INDEX CONCURRENTLY in a multi-statement query), then the tracking row.
 * Each concurrent index build first drops the INVALID leftover of an earlier failed build of it; before the row
 * is written, one query checks that the session still holds the migration lock and that none of the indexes the
 * file built concurrently is INVALID.
 */
async function runStatementByStatement(run: FileRun, reset: readonly string[]): Promise<FileOutcome> {
  const { database, checked, logger } = run;
  const { file, parsed } = checked;
  const started = performance.now();
  const settings = setConfigStatement(file.directives.settings, false);
  if (settings) {
    try {
      await database.query(settings);
    } catch (error) {
      throw migrationFailed(file, parsed, {}, error as PgError, [
        `The server refused a "-- migrate:set" directive of this file (${Object.keys(file.directives.settings).join(", ")}). Nothing of this migration was run.`,
      ]);
    }
  }
  const droppedInvalidIndexes: string[] = [];
  const builtIndexes: string[] = [];
  for (const statement of parsed.statements) {
    const index = concurrentIndex(statement);
    run.onStatement?.(statement);
    currentStatement.set(run, statement);
    try {
      if (index) droppedInvalidIndexes.push(...(await dropInvalidIndexes(database, [index], logger)));
      await watched(run, () => database.runStatement(statement.text));
      const oid = index && (await builtIndexOid(database, index));
      if (oid) builtIndexes.push(oid);
    } catch (error) {
      throw await statementFailed(run, statement, error as PgError);
    }
  }
  if (database.inTransaction) throw await transactionLeftOpen(run);
  const durationMs = Math.round(performance.now() - started);
  await checkBeforeRecording(run, builtIndexes);
  let stored: StoredRow | undefined;
  try {
    const result = await database.query([...reset, run.trackingSql(String(durationMs))].join(";\n"));
    if (run.direction === "up") stored = storedRowOfResult(result);
  } catch (error) {
    const cause = error as PgError;
    if (isConnectionLoss(cause)) throw lostDuringFile(database, file.displayPath, cause, false);
    throw migrationFailed(file, parsed, {}, cause, [
      `All statements of this no-transaction file ran, but ${run.direction === "up" ? "recording the migration in" : "removing it from"} the tracking table failed; fix the cause and run again (its statements run again, so they must be safe to re-run).`,
    ]);
  }
  return { durationMs, droppedInvalidIndexes, ...(stored && { stored }) };
}

/**
 * Before recording a no-transaction file: the session must still hold the migration lock (a statement may have
 * released it, and another runner may be applying the same file), and every index the file built concurrently
 * must be valid (IF NOT EXISTS keeps an INVALID index silently).
 */
async function checkBeforeRecording(run: FileRun, builtIndexes: readonly string[]): Promise<void> {
  const { database, checked, tracking } = run;
  const invalidSql = builtIndexes.length > 0 ? invalidAmongSql(builtIndexes) : "ARRAY[]::text[]";
  const result = await database.query<{ locked: boolean; invalid: string[] }>(
    `SELECT ${lockHeldSql(tracking)} AS locked, ${invalidSql} AS invalid`,
  );
  const { locked = false, invalid = [] } = result.rows[0] ?? {};
  const unrecorded = run.direction === "up" ? "is not recorded" : "stays recorded as applied";
  if (!locked) {
    throw new MigrateError(
      "MIGRATION_FAILED",
      `${checked.file.displayPath}: the migration lock of ${tracking.display} was released while this no-transaction file ran (by a statement in it or a function it called, e.g. pg_advisory_unlock_all() or DISCARD ALL): another runner may be applying the same migrations. Its statements ran; the migration ${unrecorded}, and the run stops. Remove what releases the lock, check the database, and run again.`,
      { file: checked.file.displayPath },
    );
  }
  if (invalid.length > 0) {
    throw new MigrateError(
      "MIGRATION_FAILED",
      `${checked.file.displayPath}: the index ${invalid.join(", ")} that this file builds concurrently is INVALID (an earlier failed build that IF NOT EXISTS kept, or a build that did not finish): the migration ${unrecorded}. Drop it (DROP INDEX CONCURRENTLY ${invalid[0]};) and run again.`,
      { file: checked.file.displayPath, invalidIndexes: invalid },
    );
  }
}

async function statementFailed(run: FileRun, statement: ParsedStatement, cause: PgError): Promise<MigrateError> {
  const { database, checked } = run;
  const { file, parsed } = checked;
  if (isConnectionLoss(cause)) return lostDuringFile(database, file.displayPath, cause, false);
  // A no-transaction file may open its own transaction (BEGIN ... COMMIT); end it before anything else.
  if (database.inTransaction) await database.query("ROLLBACK").catch(() => undefined);
  let index = statement.start;
  if (cause.position !== undefined) {
    const unit = await positionUnitOf(database);
    const statementStart = parsed.source.positionsBefore(statement.start, unit);
    index = parsed.source.indexOfPosition(statementStart + Number(cause.position) - 1, unit);
  }
  const notes: string[] = advice(run, statement);
  const index_ = concurrentIndex(statement);
  if (index_) {
    const invalid = await findInvalidIndexes(database, [index_]).catch(() => []);
    for (const name of invalid) {
      notes.push(
        `The failed concurrent build left the INVALID index ${name}. The next run drops it and builds it again (or drop it yourself: DROP INDEX CONCURRENTLY ${name};).`,
      );
    }
  }
  const unrecorded =
    run.direction === "up" ? "The migration is not recorded" : "The migration stays recorded as applied";
  notes.push(
    statement.ordinal > 0
      ? `This file runs outside a transaction: the ${statement.ordinal} statement(s) before this one were applied and stay applied. ${unrecorded}, so the next run starts the file again from the top: make its statements safe to re-run (IF NOT EXISTS, IF EXISTS).`
      : `This file runs outside a transaction; nothing of it was applied. ${unrecorded}.`,
  );
  return migrationFailed(file, parsed, { statement, index }, cause, notes);
}

/**
 * A no-transaction file that opens a transaction and never ends it: its changes would be committed by whatever
 * runs next, or lost when the session closes, while the migration is recorded as done. Roll it back and refuse.
 */
async function transactionLeftOpen(run: FileRun): Promise<MigrateError> {
  const { database, checked } = run;
  await database.query("ROLLBACK").catch(() => undefined);
  const { statements, source } = checked.parsed;
  // Point at the last BEGIN: the transaction that was never committed (or the last statement, for an implicit one).
  const begin = statements.findLast(
    (statement) =>
      statement.kind === "TransactionStmt" && /^TRANS_STMT_(BEGIN|START)$/.test(String(statement.node.kind)),
  );
  const { line, column } = source.lineColumn((begin ?? statements.at(-1))?.start ?? 0);
  return new MigrateError(
    "MIGRATION_FAILED",
    `${checked.file.displayPath}:${line}:${column}: the file opens a transaction here and does not commit it. ` +
      `That transaction was rolled back and the migration ${run.direction === "up" ? "is not recorded" : "stays recorded as applied"}: end it with COMMIT, or remove "-- migrate:no-transaction" and BEGIN/COMMIT to let the engine run the file in one transaction. ` +
      "Statements before the BEGIN stay applied.",
    { file: checked.file.displayPath, line, column },
  );
}

/** What to do when CREATE EXTENSION fails, for the platform. */
function advice(run: FileRun, statement: ParsedStatement | undefined): string[] {
  const extension = statement && createdExtension(statement);
  return extension ? [platformAdvice(run.platform, extension)] : [];
}

function lostDuringFile(database: Database, displayPath: string, cause: PgError, transactional: boolean): MigrateError {
  const outcome = transactional
    ? "It either committed together with its tracking row or not at all"
    : "It runs outside a transaction, so some of its statements may have been applied";
  return new MigrateError(
    "CONNECTION_FAILED",
    `Lost the connection to ${database.target} while running ${displayPath}: ${cause.message}. ${outcome}; run again to continue.`,
    { file: displayPath },
  );
}
