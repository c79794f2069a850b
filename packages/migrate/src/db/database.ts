// One engine connection: plain queries, multi-statement scripts that report how far they got, safe close.
// Every round trip has a client-side deadline: a stalled network path (a frozen proxy still acknowledges TCP,
// so keepalive cannot tell) would otherwise leave the engine waiting forever. On a deadline the socket is
// destroyed: the protocol offers no way to abandon one query and keep using the connection.
import pg from "pg";

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
  private pipeline?: ScriptPipeline;

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
    return (this.pipeline ? this.pipeline.running : this.script)?.completedStatements;
  }

  /** While a pipeline is open: how many of its scripts the server has answered (the running one's 0-based index). */
  get pipelineAnswered(): number | undefined {
    return this.pipeline?.answered;
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
    const script = new ScriptQuery(text);
    this.client.query(script);
    return this.answerOf(script);
  }

  /**
   * Scripts sent without waiting for the answer to the one before (pg's pipeline mode): the server starts each as
   * soon as the previous one ends instead of idling for a round trip. The answers come in order; a script after one
   * that failed inside a transaction block fails too ("current transaction is aborted"). Close it before sending
   * anything else on the connection.
   */
  openPipeline(): ScriptPipeline {
    if (this.pipeline) throw new Error("Database.openPipeline: a pipeline is already open");
    const pipeline = new ScriptPipeline(
      this.client,
      (script) => this.answerOf(script),
      () => {
        if (this.pipeline === pipeline) this.pipeline = undefined;
      },
    );
    this.pipeline = pipeline;
    return pipeline;
  }

  /** The answer to a script that was sent; its deadline starts now, and it counts as the running script meanwhile. */
  private answerOf(script: ScriptQuery): Promise<ScriptResult> {
    this.script = script;
    return this.withDeadline(script.answer, this.deadlines.migrationMs, (ms) => {
      throw new ScriptError(new DeadlineError(ms, migrationTimeoutSetting), script.completedStatements);
    }).finally(() => {
      if (this.script === script) this.script = undefined;
    });
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

/**
 * Scripts in flight on one connection (Database.openPipeline). Each answer's deadline starts when the answer before
 * it arrives, since the server runs them one after the other.
 */
export class ScriptPipeline {
  private last: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly unanswered: ScriptQuery[] = [];
  private answeredCount = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly answerOf: (script: ScriptQuery) => Promise<ScriptResult>,
    private readonly onClosed: () => void,
  ) {
    setPipelineMode(client, true);
  }

  /** Sends the script now; resolves or rejects (ScriptError) when the server has run it. */
  send(text: string): Promise<ScriptResult> {
    if (this.closed) throw new Error("ScriptPipeline: send after close");
    const script = new ScriptQuery(text);
    this.unanswered.push(script);
    this.client.query(script);
    const answer = this.last.then(() => this.answerOf(script));
    this.last = answer.catch(() => undefined);
    return answer;
  }

  /**
   * The script the server is running: the first not answered. Known as soon as the driver has read the answer
   * before it, so a notice that arrives in the same network read as that answer is already the next script's.
   */
  get running(): ScriptQuery | undefined {
    this.forgetAnswered();
    return this.unanswered[0];
  }

  /** How many scripts the server has answered. */
  get answered(): number {
    this.forgetAnswered();
    return this.answeredCount;
  }

  private forgetAnswered(): void {
    while (this.unanswered[0]?.isAnswered) {
      this.unanswered.shift();
      this.answeredCount += 1;
    }
  }

  /** Waits for every script sent to be answered (or to fail), then leaves pipeline mode. */
  async close(): Promise<void> {
    this.closed = true;
    await this.last;
    setPipelineMode(this.client, false);
    this.onClosed();
  }
}

/**
 * pg's `pipeline` option is fixed at construction in its types, but the client reads it at each query; switching it
 * while nothing is in flight is safe. Only the engine's pipelined scripts use it: every other query waits for its
 * answer anyway.
 */
function setPipelineMode(client: pg.Client, on: boolean): void {
  (client as unknown as { pipeline: boolean }).pipeline = on;
}

/**
 * pg "Submittable": counts CommandComplete messages so a failure can be tied to its statement. A pg Query by class,
 * because in pipeline mode pg refuses other submittables (those that keep a portal open across round trips, which
 * a simple-protocol script never does).
 */
class ScriptQuery extends (pg.Query as unknown as new (text: string) => object) {
  private completed = 0;
  get completedStatements(): number {
    return this.completed;
  }
  private lastRow?: (string | null)[];
  private settled = false;
  /** The server answered: ReadyForQuery or an error. */
  get isAnswered(): boolean {
    return this.settled;
  }
  private resolveAnswer!: (result: ScriptResult) => void;
  private rejectAnswer!: (error: Error) => void;
  /** Settles when the server answered: ReadyForQuery, or the first error. */
  readonly answer = new Promise<ScriptResult>((resolve, reject) => {
    this.resolveAnswer = resolve;
    this.rejectAnswer = reject;
  });

  constructor(private readonly script: string) {
    super(script);
    // Rejections are handled by whoever awaits the answer; a script nobody awaited any more must not crash the process.
    this.answer.catch(() => undefined);
  }

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.script);
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
    this.rejectAnswer(new ScriptError(error, this.completed));
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveAnswer(this.lastRow ? { lastRow: this.lastRow } : {});
  }
}
