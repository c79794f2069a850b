// Runs one migration file (up or down) together with its tracking-table change.
import { type Database, type PgError, ScriptError } from "../db/database";
import { setConfigStatement } from "../db/quote";
import { MigrateError } from "../errors";
import { concurrentIndex, createdExtension } from "../sql/analyze";
import type { ParsedStatement } from "../sql/parser";
import type { Logger, Platform } from "../types";
import type { CheckedFile } from "./check-sql";
import { migrationFailed, statementAt } from "./failure";
import { findInvalidIndexes } from "./invalid-indexes";
import { platformAdvice } from "./preflight";
import { isConnectionLoss } from "./session";

export interface FileRun {
  database: Database;
  checked: CheckedFile;
  /** Applying an up file (its tracking row is inserted) or reverting with a down file (its row is deleted). */
  direction: "up" | "down";
  /**
   * The tracking-table statement that must commit with the file (INSERT or DELETE), given a SQL expression
   * of the migration's duration in milliseconds.
   */
  trackingSql: (durationSql: string) => string;
  /** Transactional files only: commit without waiting for the WAL flush (see up.ts). */
  asynchronousCommit?: boolean;
  /** Session settings to restore after a file that changed them for the session (no-transaction files). */
  sessionSettings: Readonly<Record<string, string>>;
  /** For the advice added when CREATE EXTENSION fails. */
  platform: Platform;
  logger: Logger;
  /** No-transaction files: called before each statement runs. */
  onStatement?: (statement: ParsedStatement) => void;
}

/** Runs the file; returns its duration in milliseconds. Throws MigrateError("MIGRATION_FAILED"). */
export async function runFile(run: FileRun): Promise<number> {
  // NOTICEs and WARNINGs the SQL raises ("relation already exists, skipping") go to the log.
  const onNotice = (notice: { severity?: string; message?: string }) =>
    run.logger.info(`${run.checked.file.displayPath}: ${notice.severity ?? "NOTICE"}: ${notice.message}`);
  run.database.client.on("notice", onNotice);
  try {
    return await (run.checked.file.directives.transaction ? runInTransaction(run) : runStatementByStatement(run));
  } finally {
    run.database.client.off("notice", onNotice);
  }
}

/**
 * One round trip: BEGIN; settings; the file; the tracking row; COMMIT, as one simple-protocol query.
 * PostgreSQL stops at the first error and the transaction stays aborted until the ROLLBACK sent next, so the
 * migration and its tracking row commit together or not at all. The number of statements that completed
 * identifies the failing one; PostgreSQL's error position, when given, locates it to the column.
 */
async function runInTransaction(run: FileRun): Promise<number> {
  const { database, checked } = run;
  const { file, parsed } = checked;
  const settings: Record<string, string> = { ...file.directives.settings };
  if (run.asynchronousCommit) settings.synchronous_commit = "off";
  const prefixStatements = ["BEGIN", setConfigStatement(settings, true)].filter((statement) => statement !== undefined);
  const prefix = `${prefixStatements.join(";\n")};\n`;
  // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
  const durationSql = "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer";
  const script = `${prefix}${file.sql}\n;\n${run.trackingSql(durationSql)};\nCOMMIT`;

  const started = performance.now();
  try {
    const result = await database.runScript(script);
    const serverDuration = Number(result.lastRow?.[0]);
    return Number.isFinite(serverDuration) ? serverDuration : Math.round(performance.now() - started);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    await database.query("ROLLBACK").catch(() => undefined);
    const cause = error.error;
    if (isConnectionLoss(cause)) throw lostDuringFile(database, file.displayPath, cause, true);

    const fileStart = [...prefix].length;
    const fileEnd = fileStart + parsed.source.codePointsBefore(file.sql.length);
    const position = cause.position === undefined ? undefined : Number(cause.position) - 1;
    const rolledBack =
      run.direction === "up"
        ? "The migration was rolled back: none of its changes and no tracking row were applied."
        : "The down migration was rolled back: none of its changes were applied, and the migration stays recorded as applied.";
    if (position !== undefined && position >= fileStart && position < fileEnd) {
      const index = parsed.source.indexOfCodePoint(position - fileStart);
      const statement = statementAt(parsed, index);
      throw migrationFailed(file, parsed, { statement, index }, cause, [...advice(run, statement), rolledBack]);
    }
    const ordinal = error.completedStatements - prefixStatements.length;
    const statement = parsed.statements[ordinal];
    if (statement) throw migrationFailed(file, parsed, { statement }, cause, [...advice(run, statement), rolledBack]);
    if (ordinal < 0) {
      throw migrationFailed(file, parsed, {}, cause, [
        `The server refused a "-- migrate:set" directive of this file (${Object.keys(file.directives.settings).join(", ")}).`,
        rolledBack,
      ]);
    }
    throw migrationFailed(file, parsed, {}, cause, [
      "The error came after the file's statements: when recording the migration in the tracking table, or at COMMIT (deferred constraints).",
      rolledBack,
    ]);
  }
}

/**
 * Files marked `-- migrate:no-transaction`: session settings, then each statement on its own (PostgreSQL
 * refuses CREATE INDEX CONCURRENTLY in a multi-statement query), then the tracking row.
 */
async function runStatementByStatement(run: FileRun): Promise<number> {
  const { database, checked } = run;
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
  for (const statement of parsed.statements) {
    run.onStatement?.(statement);
    try {
      await database.runStatement(statement.text);
    } catch (error) {
      throw await statementFailed(run, statement, error as PgError);
    }
  }
  if (database.inTransaction) throw await transactionLeftOpen(run);
  const durationMs = Math.round(performance.now() - started);
  try {
    await database.query(run.trackingSql(String(durationMs)));
  } catch (error) {
    const cause = error as PgError;
    if (isConnectionLoss(cause)) throw lostDuringFile(database, file.displayPath, cause, false);
    throw migrationFailed(file, parsed, {}, cause, [
      `All statements of this no-transaction file ran, but ${run.direction === "up" ? "recording the migration in" : "removing it from"} the tracking table failed; fix the cause and run again (its statements run again, so they must be safe to re-run).`,
    ]);
  }
  await restoreSessionSettings(database, Object.keys(file.directives.settings), run.sessionSettings);
  return durationMs;
}

async function statementFailed(run: FileRun, statement: ParsedStatement, cause: PgError): Promise<MigrateError> {
  const { database, checked } = run;
  const { file, parsed } = checked;
  if (isConnectionLoss(cause)) return lostDuringFile(database, file.displayPath, cause, false);
  // A no-transaction file may open its own transaction (BEGIN ... COMMIT); end it before anything else.
  if (database.inTransaction) await database.query("ROLLBACK").catch(() => undefined);
  let index = statement.start;
  if (cause.position !== undefined) {
    const statementStart = parsed.source.codePointsBefore(statement.start);
    index = parsed.source.indexOfCodePoint(statementStart + Number(cause.position) - 1);
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

async function restoreSessionSettings(
  database: Database,
  names: readonly string[],
  sessionSettings: Readonly<Record<string, string>>,
): Promise<void> {
  if (names.length === 0) return;
  const restore: Record<string, string> = {};
  const reset: string[] = [];
  for (const name of names) {
    const value = sessionSettings[name];
    if (value !== undefined) restore[name] = value;
    else reset.push(`RESET ${name}`);
  }
  const restoreSql = setConfigStatement(restore, false);
  await database.query([...reset, ...(restoreSql ? [restoreSql] : [])].join(";\n"));
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
