// One engine connection: plain queries, multi-statement scripts that report how far they got, safe close.
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

export interface ScriptResult {
  /** Text fields of the last row the script returned, if any. */
  lastRow?: (string | null)[];
}

export class Database {
  readonly client: pg.Client;
  /** "user@host:port/database", safe to print. */
  readonly target: string;
  private lost?: Error;

  constructor(client: pg.Client, target: string) {
    this.client = client;
    this.target = target;
    // Without a listener, a connection dropped while idle would crash the process.
    client.on("error", (error) => {
      this.lost ??= error;
    });
  }

  /** Set when the connection broke; queries fail after that. */
  get lostError(): Error | undefined {
    return this.lost;
  }

  /** True while the session is inside a transaction block (ReadyForQuery status T or E). */
  get inTransaction(): boolean {
    const status = this.client.getTransactionStatus();
    return status === "T" || status === "E";
  }

  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<Row>> {
    return this.client.query<Row>(text, values as unknown[] | undefined);
  }

  /**
   * Runs several statements in one round trip (simple query protocol). PostgreSQL stops at the first error;
   * the error says how many statements completed, which identifies the failing one.
   */
  runScript(text: string): Promise<ScriptResult> {
    return new Promise((resolve, reject) => {
      this.client.query(new ScriptQuery(text, resolve, reject));
    });
  }

  async close(): Promise<void> {
    try {
      await this.client.end();
    } catch {
      // Already closed or broken: nothing left to release.
    }
  }
}

/** pg "Submittable": counts CommandComplete messages so a failure can be tied to its statement. */
class ScriptQuery {
  private completed = 0;
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
