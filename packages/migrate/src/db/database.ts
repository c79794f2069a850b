// One engine connection: plain queries, multi-statement scripts that report how far they got, safe close.
// Every round trip has a client-side deadline: a stalled network path (a frozen proxy still acknowledges TCP,
// so keepalive cannot tell) would otherwise leave the engine waiting forever. On a deadline the socket is
// destroyed: the protocol offers no way to abandon one query and keep using the connection.
import type pg from "pg";

/** A PostgreSQL error as the pg driver reports it (ErrorResponse fields). */
export interface PgError extends Error {
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the query text. */
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** A script (several statements in one simple-protocol query) that failed part way. */
export class ScriptError extends Error {
  readonly error: PgError;
  /** Statements that completed before the failing one: the failing statement's 0-based index. */
  readonly completedStatements: number;
  constructor(error: PgError, completedStatements: number) {
    super(error.message);
    this.error = error;
    this.completedStatements = completedStatements;
  }
}

/** Client-side deadlines of a connection, in milliseconds. */
export interface Deadlines {
  /** The engine's own queries (tracking table, lock attempts, preflight, session setup). */
  queryMs: number;
  /** One migration round trip (a transactional file, or one statement of a no-transaction file); 0 = none. */
  migrationMs: number;
}

/** A round trip that got no answer in time; the connection was closed. Treated as a lost connection. */
export class DeadlineError extends Error implements PgError {
  readonly code = "ETIMEDOUT";
  readonly timeoutMs: number;
  constructor(timeoutMs: number, setting: string) {
    super(
      `no answer from the server within ${formatMs(timeoutMs)} (${setting}), so the connection was closed; the network path or a proxy may be stalled`,
    );
    this.timeoutMs = timeoutMs;
  }
}

export interface ScriptResult {
  /** Text fields of the last row the script returned, if any. */
  lastRow?: (string | null)[];
}

export class Database {
  readonly client: pg.Client;
  /** "user@host:port/database", safe to print. */
  readonly target: string;
  readonly deadlines: Deadlines;
  private lost?: Error;
  private script?: ScriptQuery;

  constructor(client: pg.Client, target: string, deadlines: Deadlines) {
    this.client = client;
    this.target = target;
    this.deadlines = deadlines;
    // Without a listener, a connection dropped while idle would crash the process.
    client.on("error", (error) => {
      this.lost ??= error;
    });
  }

  /** Set when the connection broke; queries fail after that. */
  get lostError(): Error | undefined {
    return this.lost;
  }

  /** While `runScript` runs: how many of its statements completed (the running one's 0-based index). */
  get scriptStatementsCompleted(): number | undefined {
    return this.script?.completedStatements;
  }

  /** True while the session is inside a transaction block (ReadyForQuery status T or E). */
  get inTransaction(): boolean {
    const status = this.client.getTransactionStatus();
    return status === "T" || status === "E";
  }

  /** One of the engine's own queries, answered within `deadlines.queryMs` (or the given deadline). */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
    deadline: { ms: number; setting: string } = { ms: this.deadlines.queryMs, setting: queryTimeoutSetting },
  ): Promise<pg.QueryResult<Row>> {
    return this.withDeadline(this.client.query<Row>(text, values as unknown[] | undefined), deadline.ms, (ms) => {
      throw new DeadlineError(ms, deadline.setting);
    });
  }

  /** A statement of a migration file, answered within `deadlines.migrationMs` (0: no client-side limit). */
  runStatement(text: string): Promise<pg.QueryResult> {
    return this.query(text, undefined, { ms: this.deadlines.migrationMs, setting: migrationTimeoutSetting });
  }

  /**
   * Runs several statements in one round trip (simple query protocol), within `deadlines.migrationMs`.
   * PostgreSQL stops at the first error; the error says how many statements completed, which identifies the
   * failing one.
   */
  runScript(text: string): Promise<ScriptResult> {
    let script: ScriptQuery | undefined;
    const done = new Promise<ScriptResult>((resolve, reject) => {
      script = new ScriptQuery(text, resolve, reject);
      this.script = script;
      this.client.query(script);
    });
    const finished = () => {
      if (this.script === script) this.script = undefined;
    };
    return this.withDeadline(done, this.deadlines.migrationMs, (ms) => {
      throw new ScriptError(new DeadlineError(ms, migrationTimeoutSetting), script?.completedStatements ?? 0);
    }).finally(finished);
  }

  async close(): Promise<void> {
    const stream = socketOf(this.client);
    // A graceful end waits for the server's side of the close, which a stalled path never delivers.
    const timer = setTimeout(() => stream?.destroy(), Math.min(this.deadlines.queryMs, closeTimeoutMs));
    try {
      if (this.lost) stream?.destroy();
      await this.client.end();
    } catch {
      // Already closed or broken: nothing left to release.
    } finally {
      clearTimeout(timer);
    }
  }

  private async withDeadline<T>(work: Promise<T>, ms: number, onTimeout: (ms: number) => never): Promise<T> {
    if (!(ms > 0)) return work;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        try {
          onTimeout(ms);
        } catch (error) {
          this.lost ??= error as Error;
          reject(error);
        }
        socketOf(this.client)?.destroy();
      }, ms);
    });
    // The driver rejects the abandoned query once the socket is destroyed: that rejection is expected.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The result of a query's last statement: pg answers a query of several statements with one result each. */
export function lastResult(result: pg.QueryResult | readonly pg.QueryResult[] | undefined): pg.QueryResult | undefined {
  return Array.isArray(result) ? result.at(-1) : (result as pg.QueryResult | undefined);
}

export const queryTimeoutSetting = "queryTimeoutMs, --query-timeout";
export const migrationTimeoutSetting = "migrationTimeoutMs, --migration-timeout";
const closeTimeoutMs = 5_000;

/** The driver's socket: destroying it ends whatever the client is doing (connecting included). */
export function socketOf(client: pg.Client): { destroy(): void } | undefined {
  return (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
}

export function formatMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** pg "Submittable": counts CommandComplete messages so a failure can be tied to its statement. */
class ScriptQuery {
  private completed = 0;
  get completedStatements(): number {
    return this.completed;
  }
  private lastRow?: (string | null)[];
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly resolve: (result: ScriptResult) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  handleRowDescription(): void {}

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.lastRow = message.fields;
  }

  handleCommandComplete(): void {
    this.completed += 1;
  }

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: pg.Connection): void {
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail(
      "COPY FROM STDIN is not supported in migrations",
    );
  }

  handleCopyData(): void {}

  handleError(error: PgError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(new ScriptError(error, this.completed));
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.lastRow ? { lastRow: this.lastRow } : {});
  }
}
