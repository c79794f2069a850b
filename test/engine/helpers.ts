// Shared helpers of the engine tests: temporary migration directories, engine options, captured logs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { EngineOptions, Logger } from "pgvector-migrate";

export interface MigrationsDir {
  /** The migrations directory (named "migrations", inside a fresh temporary directory). */
  path: string;
  write(fileName: string, sql: string): void;
  remove(fileName: string): void;
  cleanup(): void;
}

export function migrationsDir(files: Readonly<Record<string, string>> = {}): MigrationsDir {
  const root = mkdtempSync(join(tmpdir(), "pgvm-"));
  const path = join(root, "migrations");
  mkdirSync(path);
  const dir: MigrationsDir = {
    path,
    write: (fileName, sql) => writeFileSync(join(path, fileName), sql),
    remove: (fileName) => rmSync(join(path, fileName)),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [fileName, sql] of Object.entries(files)) dir.write(fileName, sql);
  return dir;
}

export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  text(): string {
    return this.lines.join("\n");
  }
}

export function engineOptions(url: string, extra: Partial<EngineOptions> = {}): EngineOptions {
  return { connection: { url, applicationName: "pgvm-test" }, lockTimeoutMs: 30_000, ...extra };
}

/** Runs one query on a fresh connection. */
export async function query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The rejection of a promise that must fail. */
export async function failure(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the operation to fail, but it succeeded");
}

/** The synchronous error of a function that must throw. */
export function thrown(action: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the call to throw, but it returned");
}

export interface QueryRecorder {
  /** The database URL through the recorder (sslmode=disable: it reads the protocol in the clear). */
  url: string;
  /** The SQL of every query the clients sent (simple Query and extended-protocol Parse messages), in order. */
  queries: string[];
  /**
   * For each of `queries`, how many requests of its connection (the startup, simple Queries and Syncs) the server
   * had not answered (ReadyForQuery) when the query arrived: more than 0 for a query sent in a pipeline.
   */
  unanswered: number[];
  close(): void;
}

/**
 * A TCP relay in front of a real server that records the queries clients send: it reads PostgreSQL's frontend
 * protocol (after the startup message, each message is a type byte and a length) without changing anything.
 */
export async function recordQueries(url: string): Promise<QueryRecorder> {
  const target = new URL(url);
  const queries: string[] = [];
  const unanswered: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let buffered = Buffer.alloc(0);
    let startup = true;
    let requests = 0;
    let answers = 0;
    let fromServer = Buffer.alloc(0);
    // Listeners run before the relay passes the data on, so an answer is counted before the client can react to it.
    upstream.on("data", (chunk: Buffer) => {
      fromServer = Buffer.concat([fromServer, chunk]);
      while (fromServer.length >= 5 && fromServer.length >= 1 + fromServer.readInt32BE(1)) {
        if (fromServer[0] === "Z".charCodeAt(0)) answers += 1;
        fromServer = fromServer.subarray(1 + fromServer.readInt32BE(1));
      }
    });
    client.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const header = startup ? 0 : 1;
        if (buffered.length < header + 4) break;
        const length = buffered.readInt32BE(header);
        if (buffered.length < header + length) break;
        const type = startup ? "" : String.fromCharCode(buffered[0] ?? 0);
        const body = buffered.subarray(header + 4, header + length);
        if (type === "Q") {
          queries.push(body.toString("utf8", 0, body.indexOf(0)));
          unanswered.push(requests - answers);
        }
        if (type === "P") {
          const statementNameEnd = body.indexOf(0);
          queries.push(body.toString("utf8", statementNameEnd + 1, body.indexOf(0, statementNameEnd + 1)));
          unanswered.push(requests - answers);
        }
        if (startup || type === "Q" || type === "S") requests += 1;
        buffered = buffered.subarray(header + length);
        startup = false;
      }
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.port = String((server.address() as AddressInfo).port);
  proxied.searchParams.set("sslmode", "disable");
  return {
    url: proxied.toString(),
    queries,
    unanswered,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
