// Opening engine connections and translating unexpected errors into MigrateErrors without secrets.
import { hostname } from "node:os";
import { acquireLock, releaseLock, tryLock, tryLockSql } from "../db/advisory-lock";
import { sendCancelRequest } from "../db/cancel";
import { connect } from "../db/connect";
import { type Database, lastResult, type PgError } from "../db/database";
import { quoteLiteral, setConfigStatement } from "../db/quote";
import { MigrateError } from "../errors";
import type { ResolvedOptions } from "./options";

/** A connection for reading (plan, readApplied): no session setup. `signal` abandons the attempt. */
export function openReader(options: ResolvedOptions, signal?: AbortSignal): Promise<Database> {
  return connect(options.connection, {
    deadlines: options.deadlines,
    keepAliveDelayMs: options.keepAliveDelayMs,
    retry: options.retry,
    logger: options.logger,
    redactor: options.redactor,
    ...(signal && { signal }),
  });
}

/** The migrations of a run, or their loading (loadMigrationsAsync): the connection then opens meanwhile. */
export type MigrationSource<S> = S | Promise<S>;

/**
 * Opens the run's connection while its migration files load, with the outcome of loading them first: a file error,
 * or one of `check(files)` (whose result is returned as `checked`), is thrown and the connection abandoned (closed, or its attempt and retries stopped);
 * a connection error counts only once the files loaded and passed the check. With the files already loaded, the
 * check runs before anything connects. Connecting (TCP, TLS, authentication; several round trips to a remote
 * server) then overlaps reading and hashing the files.
 */
export async function openWhileLoading<S, C>(
  source: MigrationSource<S>,
  open: (signal?: AbortSignal) => Promise<Database>,
  check: (files: S) => C,
): Promise<{ files: S; checked: C; database: Database }> {
  if (!(source instanceof Promise)) {
    const checked = check(source);
    return { files: source, checked, database: await open() };
  }
  const abandon = new AbortController();
  const opening = open(abandon.signal);
  // Awaited below once the files are known to be good; until then its failure must not count as unhandled.
  opening.catch(() => undefined);
  let files: S;
  let checked: C;
  try {
    files = await source;
    checked = check(files);
  } catch (error) {
    abandon.abort(error);
    opening.then(
      (database) => database.close(),
      () => undefined,
    );
    throw error;
  }
  return { files, checked, database: await opening };
}

/** resolveOptions for a run whose files may still be loading: a file error comes first, as when loaded before. */
export async function resolveOptionsAfterFiles<S>(
  source: MigrationSource<S>,
  resolve: () => ResolvedOptions,
): Promise<ResolvedOptions> {
  try {
    return resolve();
  } catch (error) {
    await source;
    throw error;
  }
}

/** Sets client_connection_check_interval where the server has it (see openRunner). */
export const connectionCheckSql =
  "DO $$ BEGIN PERFORM set_config('client_connection_check_interval', '1000', false); EXCEPTION WHEN OTHERS THEN NULL; END $$";

/** Whether the set-up query of a runner connection (openRunner) took the migration lock; absent: not known. */
const lockedAtOpen = new WeakMap<Database, boolean>();

/**
 * A connection for running migrations, with the session settings applied. `signal` abandons the attempt. Every
 * runner takes the migration lock next (underMigrationLock), so the set-up query tries it too: one round trip less.
 */
export async function openRunner(options: ResolvedOptions, signal?: AbortSignal): Promise<Database> {
  const database = await openReader(options, signal);
  // client_connection_check_interval (PostgreSQL 14+, Linux) makes the server notice within a second that a
  // runner died during a long statement and roll its migration back, instead of finishing it for nobody.
  // idle_session_timeout (PostgreSQL 14+) ends the session, and so releases the migration lock, when the
  // runner gave up behind a stalled network path the server cannot see (a frozen proxy keeps its socket open).
  // The engine itself never idles that long between queries. Best effort: older servers and other platforms
  // do not have them.
  // The lock comes last: if anything before it failed, it was not tried, and underMigrationLock tries it again.
  const setUp = [connectionCheckSql, idleSessionTimeoutSql(options), tryLockSql(options.tracking)].join(";\n");
  const results = await database.query(setUp).catch(() => undefined);
  const locked = lastResult(results)?.rows[0]?.locked;
  if (typeof locked === "boolean") lockedAtOpen.set(database, locked);
  const settings = setConfigStatement(options.sessionSettings, false);
  if (settings) {
    try {
      await database.query(settings);
    } catch (error) {
      await database.close();
      if (isConnectionLoss(error as PgError)) throw error;
      throw new MigrateError(
        "INVALID_OPTIONS",
        `The server refused the session settings (sessionSettings): ${(error as Error).message}`,
        { sqlstate: (error as PgError).code },
      );
    }
  }
  return database;
}

/**
 * Runs `action` on a runner connection under the migration lock, for up, down, baseline and import: the connection
 * is cancelled on abort and always closed, the lock released unless the connection was lost (the server releases
 * it then). Usually the lock is free and is taken at once; when another runner holds it, `beforeWaiting` runs first
 * on the same connection (checks that need the database, so that bad files fail fast), then the run waits.
 * `opened`: a runner connection (openRunner) the caller opened, which this then owns.
 */
export async function underMigrationLock<T>(
  options: ResolvedOptions,
  action: (database: Database) => Promise<T>,
  beforeWaiting?: (database: Database) => Promise<void>,
  opened?: Database,
): Promise<T> {
  const database = opened ?? (await openRunner(options));
  const stopCancelling = cancelOnAbort(database, options);
  try {
    throwIfInterrupted(options);
    if (!(lockedAtOpen.get(database) ?? (await tryLock(database, options.tracking)))) {
      await beforeWaiting?.(database);
      throwIfInterrupted(options);
      await acquireLock(database, options.tracking, options.lockTimeoutMs, options.logger, options.signal);
    }
    try {
      return await action(database);
    } finally {
      if (!database.lostError) await releaseLock(database, options.tracking).catch(() => undefined);
    }
  } finally {
    stopCancelling();
    await database.close();
  }
}

/** Twice the query timeout, at least 10 s: longer than any pause of the engine between its queries. */
function idleSessionTimeoutSql(options: ResolvedOptions): string {
  const ms = Math.max(2 * options.deadlines.queryMs, 10_000);
  return `DO $$ BEGIN PERFORM set_config('idle_session_timeout', '${ms}', false); EXCEPTION WHEN OTHERS THEN NULL; END $$`;
}

/** SQL expression for the tracking table's applied_by column: the database user and where the run came from. */
export function appliedBySql(options: ResolvedOptions): string {
  return `current_user || ${quoteLiteral(` (${options.connection.applicationName} on ${hostname()})`)}`;
}

/** Every error leaving the public API is a MigrateError with secrets removed. */
export async function withEngineErrors<T>(options: ResolvedOptions, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const failure = toMigrateError(error, options);
    if (!options.signal?.aborted || failure.code === "INTERRUPTED") throw failure;
    // The cancelled statement's error (57014) is the interruption itself; the cause is kept for the record.
    throw interrupted(options, { cause: failure.message, causeCode: failure.code });
  }
}

/** Throws INTERRUPTED once the run's signal fired: called before each step that would change something. */
export function throwIfInterrupted(options: ResolvedOptions): void {
  if (options.signal?.aborted) throw interrupted(options, {});
}

function interrupted(options: ResolvedOptions, details: Record<string, string>): MigrateError {
  const reason = options.signal?.reason;
  const why = typeof reason === "string" ? ` (${reason})` : "";
  return new MigrateError(
    "INTERRUPTED",
    `The run was interrupted${why}: the statement in progress was cancelled and no further migration was started.`,
    details,
  );
}

/** While the run lasts, an abort sends a cancel request for the statement the connection is running. */
export function cancelOnAbort(database: Database, options: ResolvedOptions): () => void {
  const signal = options.signal;
  if (!signal) return () => {};
  const cancel = () => void sendCancelRequest(database.client);
  signal.addEventListener("abort", cancel, { once: true });
  return () => signal.removeEventListener("abort", cancel);
}

function toMigrateError(error: unknown, options: ResolvedOptions): MigrateError {
  const redact = (text: string) => options.redactor.redact(text);
  if (error instanceof MigrateError) {
    return new MigrateError(error.code, redact(error.message), options.redactor.redactDetails(error.details));
  }
  const pgError = error as PgError;
  const message = pgError?.message ?? String(error);
  if (isConnectionLoss(pgError)) {
    return new MigrateError(
      "CONNECTION_FAILED",
      redact(`Lost the connection to ${options.connection.target}: ${message}. Run again to continue.`),
    );
  }
  const code = pgError?.code ? ` ${pgError.code}` : "";
  return new MigrateError("MIGRATION_FAILED", redact(`Unexpected error${code}: ${message}`), {
    ...(pgError?.code !== undefined && { sqlstate: pgError.code }),
  });
}

export function isConnectionLoss(error: PgError | undefined): boolean {
  if (!error) return false;
  if (error.code && /^(08|57P0[123])/.test(error.code)) return true;
  if (error.code && ["ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(error.code)) return true;
  return /Connection terminated|not queryable|connection lost/i.test(error.message ?? "");
}
