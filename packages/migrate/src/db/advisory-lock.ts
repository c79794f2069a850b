// The migration lock: a session-level advisory lock, taken by polling pg_try_advisory_lock.
//
// Polling (instead of a blocking pg_advisory_lock) matters: a runner blocked inside pg_advisory_lock is a
// running statement with a snapshot, and CREATE INDEX CONCURRENTLY in the runner holding the lock waits for
// every such transaction to finish: a deadlock. A polling runner holds no transaction between attempts.
//
// The lock is held by the same session that runs the migrations. If the runner process dies mid-migration,
// its backend keeps the lock until it has finished or abandoned that migration, so the next runner cannot
// start the same migration while the old one is still executing on the server.
//
// The lock timeout is a wall-clock deadline: an attempt the server does not answer in time (a stalled network
// path) ends the wait at the deadline too, instead of waiting for an answer that may never come.
import { MigrateError } from "../errors";
import type { Logger } from "../types";
import { type Database, DeadlineError, formatMs } from "./database";
import type { TrackingTable } from "./tracking-table";

interface LockHolder {
  pid: number;
  applicationName: string | null;
  user: string | null;
  clientAddress: string | null;
  backendStart: Date | null;
  state: string | null;
}

const firstPollMs = 100;
const maxPollMs = 1_000;
const reportEveryMs = 10_000;
/** How long the attempt made at the deadline may take to be answered. */
const lastAttemptMs = 1_000;

export async function acquireLock(
  database: Database,
  tracking: TrackingTable,
  timeoutMs: number,
  logger?: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let poll = firstPollMs;
  let nextReport = started + Math.min(reportEveryMs, timeoutMs / 2);
  // Within the engine's query timeout, and never much past the lock deadline.
  const attempt = <T>(run: (ms: number) => Promise<T>): Promise<T> => {
    const ms = Math.min(database.deadlines.queryMs, Math.max(deadline - Date.now(), lastAttemptMs));
    return run(ms).catch((error: unknown) => {
      if (error instanceof DeadlineError && ms < database.deadlines.queryMs)
        throw stalledAtDeadline(database, tracking, timeoutMs);
      throw error;
    });
  };
  const lockSetting = "lockTimeoutMs, --lock-timeout";
  for (;;) {
    const result = await attempt((ms) =>
      database.query<{ locked: boolean }>(tryLockSql(tracking), undefined, {
        ms,
        setting: lockSetting,
      }),
    );
    if (result.rows[0]?.locked) return;
    const now = Date.now();
    if (now >= deadline) {
      const holder = await findHolder(database, tracking);
      throw new MigrateError(
        "LOCK_TIMEOUT",
        `Timed out after ${formatMs(timeoutMs)} waiting for the migration lock of ${tracking.display} on ${database.target}: ${describeHolder(holder)}. Wait for that run to finish and try again${holder ? `; if it is stuck, end it with SELECT pg_terminate_backend(${holder.pid})` : ""}.`,
        { ...(holder && { holderPid: holder.pid, holderApplicationName: holder.applicationName }) },
      );
    }
    if (now >= nextReport) {
      const holder = await attempt((ms) => findHolder(database, tracking, { ms, setting: lockSetting }));
      logger?.info(`Waiting for the migration lock: ${describeHolder(holder)}`);
      nextReport = now + reportEveryMs;
    }
    await sleep(Math.min(poll, Math.max(0, started + timeoutMs - now)), signal);
    if (signal?.aborted) {
      throw new MigrateError("INTERRUPTED", "The run was interrupted while waiting for the migration lock.");
    }
    poll = Math.min(maxPollMs, poll * 2);
  }
}

/** One attempt, no wait: true when this session now holds the lock. */
/** One attempt at the lock: a row with `locked`. */
export function tryLockSql(tracking: TrackingTable): string {
  return `SELECT pg_try_advisory_lock(${tracking.lockKey}) AS locked`;
}

export async function tryLock(database: Database, tracking: TrackingTable): Promise<boolean> {
  const result = await database.query<{ locked: boolean }>(tryLockSql(tracking));
  return result.rows[0]?.locked === true;
}

export async function releaseLock(database: Database, tracking: TrackingTable): Promise<void> {
  await database.query(`SELECT pg_advisory_unlock(${tracking.lockKey})`);
}

function stalledAtDeadline(database: Database, tracking: TrackingTable, timeoutMs: number): MigrateError {
  return new MigrateError(
    "LOCK_TIMEOUT",
    `Timed out after ${formatMs(timeoutMs)} waiting for the migration lock of ${tracking.display} on ${database.target}: the server did not answer the last attempt (the network path or a proxy may be stalled), so the connection was closed. Check the connection and try again.`,
    { stalled: true },
  );
}

/** pg_locks conditions (alias l) matching the granted migration lock of the tracking table. */
function lockConditions(tracking: TrackingTable): string {
  // A bigint advisory lock appears in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
  const high = tracking.lockKey >> 32n;
  const low = tracking.lockKey & 0xffff_ffffn;
  return `l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${high}::bigint::oid AND l.objid = ${low}::bigint::oid`;
}

/** SQL boolean expression: this session still holds the migration lock. */
export function lockHeldSql(tracking: TrackingTable): string {
  return `EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = pg_backend_pid() AND ${lockConditions(tracking)})`;
}

/** The session holding the lock (pg_locks + pg_stat_activity), if it is still there. */
async function findHolder(
  database: Database,
  tracking: TrackingTable,
  deadline?: { ms: number; setting: string },
): Promise<LockHolder | undefined> {
  const result = await database.query<{
    pid: number;
    application_name: string | null;
    usename: string | null;
    client_addr: string | null;
    backend_start: Date | null;
    state: string | null;
  }>(
    `SELECT l.pid, a.application_name, a.usename, a.client_addr::text AS client_addr, a.backend_start, a.state
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE ${lockConditions(tracking)}
      LIMIT 1`,
    undefined,
    deadline,
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid,
    applicationName: row.application_name,
    user: row.usename,
    clientAddress: row.client_addr,
    backendStart: row.backend_start,
    state: row.state,
  };
}

function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "the holder has just released it";
  const parts = [
    `application_name "${holder.applicationName ?? "unknown"}"`,
    ...(holder.user ? [`user ${holder.user}`] : []),
    ...(holder.clientAddress ? [`from ${holder.clientAddress}`] : []),
    ...(holder.backendStart ? [`connected since ${holder.backendStart.toISOString()}`] : []),
    ...(holder.state ? [`state ${holder.state}`] : []),
  ];
  return `held by pid ${holder.pid} (${parts.join(", ")})`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
