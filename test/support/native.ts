// Fresh databases on the run's native PostgreSQL server (see global-setup.ts).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface NativeDatabase {
  /** postgres://postgres:<password>@127.0.0.1:<port>/<name> — a superuser connection to the new database. */
  url: string;
  name: string;
  /** Terminates the database's remaining sessions and drops it. */
  drop(): Promise<void>;
}

/** Superuser URL of the `postgres` database: for pg_stat_activity, pg_terminate_backend, CREATE ROLE... */
export function nativeAdminUrl(): string {
  return inject("nativeAdminUrl");
}

/** Runs `fn` with a connected admin client (database `postgres`) and closes it afterwards. */
export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: nativeAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Replaces the database name of a postgres:// URL. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export async function createNativeDatabase(prefix = "t"): Promise<NativeDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`.toLowerCase();
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: urlForDatabase(nativeAdminUrl(), name),
    name,
    drop: () =>
      withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
