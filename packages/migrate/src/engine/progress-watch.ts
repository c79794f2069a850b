// Progress of a long migration statement, read from a second connection: pg_stat_progress_create_index for index
// builds, pg_stat_activity and pg_locks for anything else. The second connection is opened only when a round trip
// outlasts progressAfterMs (a quick statement costs one timer), once per run, with the same connection settings;
// it takes no lock and changes nothing, so the runner's lock, session reset and cancel logic are untouched.
import { connect } from "../db/connect";
import type { Database } from "../db/database";
import type { StatementProgress } from "../types";
import type { ResolvedOptions } from "./options";

/** What a watched round trip runs: the file, and the line of its statement running now, when known. */
export interface WatchedWork {
  id: string;
  displayPath: string;
  line(): number | undefined;
}

interface ProgressRow {
  wait_event_type: string | null;
  wait_event: string | null;
  command: string | null;
  phase: string | null;
  index_name: string | null;
  table_name: string | null;
  blocks_done: string | null;
  blocks_total: string | null;
  tuples_done: string | null;
  tuples_total: string | null;
  locktype: string | null;
  mode: string | null;
  relation: string | null;
  blocked_by: number[] | null;
}

const progressSql = `SELECT a.wait_event_type, a.wait_event,
       p.command, p.phase, p.index_relid::regclass::text AS index_name, p.relid::regclass::text AS table_name,
       p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total,
       l.locktype, l.mode, l.relation::regclass::text AS relation,
       CASE WHEN l.mode IS NULL THEN NULL ELSE pg_blocking_pids(a.pid) END AS blocked_by
  FROM pg_stat_activity a
  LEFT JOIN pg_stat_progress_create_index p ON p.pid = a.pid
  LEFT JOIN LATERAL (SELECT locktype, mode, relation FROM pg_locks WHERE pid = a.pid AND NOT granted LIMIT 1) l ON true
 WHERE a.pid = $1`;

export class ProgressWatch {
  private monitor?: Promise<Database | undefined>;

  constructor(private readonly options: ResolvedOptions) {}

  /** Reports the round trip `database` runs while it lasts longer than progressAfterMs; call the result when it ends. */
  watch(database: Database, work: WatchedWork): () => void {
    const { progressAfterMs, progressEveryMs } = this.options;
    const pid = (database.client as unknown as { processID: number | null }).processID;
    if (!(progressAfterMs > 0) || pid === null) return () => {};
    const started = performance.now();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      const event = await this.sample(pid, work, Math.round(performance.now() - started));
      if (stopped) return;
      if (event) this.options.onProgress(event);
      if (event !== undefined) timer = setTimeout(() => void tick(), progressEveryMs);
    };
    timer = setTimeout(() => void tick(), progressAfterMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  /** Closes the second connection, if it was opened. */
  async close(): Promise<void> {
    const monitor = await this.monitor;
    await monitor?.close();
  }

  /** One look at the runner's backend; undefined when the second connection is not available (warned once). */
  private async sample(pid: number, work: WatchedWork, elapsedMs: number): Promise<StatementProgress | undefined> {
    this.monitor ??= this.open();
    let monitor = await this.monitor;
    if (monitor?.lostError) {
      // Closed while idle between two long statements (a server's idle_session_timeout): open another.
      await monitor.close();
      this.monitor = this.open();
      monitor = await this.monitor;
    }
    if (!monitor || monitor.lostError) return undefined;
    try {
      const row = (await monitor.query<ProgressRow>(progressSql, [pid])).rows[0];
      return progressEvent(work, elapsedMs, row);
    } catch (error) {
      this.options.logger.warn(`Cannot report the progress of ${work.displayPath}: ${(error as Error).message}`);
      await monitor.close();
      this.monitor = Promise.resolve(undefined);
      return undefined;
    }
  }

  private async open(): Promise<Database | undefined> {
    const { connection } = this.options;
    try {
      return await connect(
        { ...connection, applicationName: `${connection.applicationName} (progress)` },
        {
          deadlines: this.options.deadlines,
          keepAliveDelayMs: this.options.keepAliveDelayMs,
          retry: { attempts: 1 },
          redactor: this.options.redactor,
        },
      );
    } catch (error) {
      this.options.logger.warn(`Cannot report the progress of long statements: ${(error as Error).message}`);
      return undefined;
    }
  }
}

function progressEvent(work: WatchedWork, elapsedMs: number, row: ProgressRow | undefined): StatementProgress {
  const line = work.line();
  const event: StatementProgress = {
    kind: "statement-progress",
    id: work.id,
    displayPath: work.displayPath,
    ...(line !== undefined && { line }),
    elapsedMs,
    message: "",
  };
  if (row?.wait_event_type && row.wait_event) event.wait = { type: row.wait_event_type, event: row.wait_event };
  if (row?.mode && row.locktype) {
    event.lock = {
      locktype: row.locktype,
      mode: row.mode,
      ...(row.relation !== null && { relation: row.relation }),
      blockedBy: row.blocked_by ?? [],
    };
  }
  if (row?.command && row.phase) {
    const count = (value: string | null) => Number(value ?? 0);
    const index = {
      command: row.command,
      phase: row.phase,
      // 0 (no name yet) until CREATE INDEX CONCURRENTLY has created the index's catalog entry.
      ...(row.index_name !== null && row.index_name !== "-" && row.index_name !== "0" && { name: row.index_name }),
      ...(row.table_name !== null && { table: row.table_name }),
      blocksDone: count(row.blocks_done),
      blocksTotal: count(row.blocks_total),
      tuplesDone: count(row.tuples_done),
      tuplesTotal: count(row.tuples_total),
    };
    const [done, total] =
      index.blocksTotal > 0 ? [index.blocksDone, index.blocksTotal] : [index.tuplesDone, index.tuplesTotal];
    event.index = { ...index, ...(total > 0 && { percent: Math.min(100, Math.floor((100 * done) / total)) }) };
  }
  event.message = progressMessage(event);
  return event;
}

/** The event as one line. */
export function progressMessage(event: Omit<StatementProgress, "message">): string {
  const where = `${event.displayPath}${event.line === undefined ? "" : `:${event.line}`}`;
  const elapsed = formatElapsed(event.elapsedMs);
  const { index, lock, wait } = event;
  if (lock) {
    const what = lock.relation ? `${lock.locktype} ${lock.relation}` : lock.locktype;
    const holders = lock.blockedBy.length > 0 ? `, held by pid ${lock.blockedBy.join(", ")}` : "";
    return `${where}: waiting ${elapsed} for ${lock.mode} on ${what}${holders}`;
  }
  if (index) {
    const amounts = [
      index.blocksTotal > 0 ? `${index.blocksDone} of ${index.blocksTotal} blocks` : undefined,
      index.tuplesTotal > 0 ? `${index.tuplesDone} of ${index.tuplesTotal} tuples` : undefined,
    ].filter((amount) => amount !== undefined);
    const percent = index.percent === undefined ? "" : ` (${index.percent}%)`;
    const done = amounts.length > 0 ? `, ${amounts.join(", ")}${percent}` : "";
    const target = `${index.name ? ` ${index.name}` : ""}${index.table ? ` on ${index.table}` : ""}`;
    return `${where}: ${index.command}${target}: ${index.phase}${done}, ${elapsed}`;
  }
  return `${where}: running for ${elapsed}${wait ? ` (waiting: ${wait.type} ${wait.event})` : ""}`;
}

/** 12 s, 3 min 05 s, 2 h 03 min. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
