// Shared helpers of the engine tests: temporary migration directories, engine options, captured logs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
