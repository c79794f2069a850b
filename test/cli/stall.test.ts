// A stalled network path must not hang the CLI: a proxy that freezes (forwards nothing, reads nothing, while its
// kernel still acknowledges TCP and keepalive probes) stands between the CLI and the native server. Each wait
// of the engine is bounded by a setting: its own queries (--query-timeout), the lock (--lock-timeout, a
// wall-clock deadline) and migration statements (--migration-timeout).
import { loadMigrations, up } from "pgvector-migrate";
import { describe, expect, it } from "vitest";
import { type CliResult, runCli, type StallingProxy, startStallingProxy, withAdminClient } from "../support";
import { perTestResources } from "./fixtures";

const { freshDatabase, project, defer } = perTestResources("stall");

async function withProxy(url: string, options: Parameters<typeof startStallingProxy>[1]): Promise<StallingProxy> {
  const proxy = await startStallingProxy(url, options);
  defer(() => proxy.close());
  return proxy;
}

async function timed(run: Promise<CliResult>): Promise<CliResult & { seconds: number }> {
  const started = performance.now();
  const result = await run;
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

async function sessionsOf(database: string, condition = "TRUE"): Promise<number> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND ${condition}`,
      [database],
    );
    return rows[0]?.count ?? 0;
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

describe("a stalled connection", () => {
  it("ends the run when one of the engine's own queries gets no answer (--query-timeout), and the server ends the orphaned session", async () => {
    const db = await freshDatabase();
    const { dir } = project({ "0001_one.sql": "CREATE TABLE one (id int);\n" });
    const proxy = await withProxy(db.url, { freezeAfter: { text: "schema_migrations" } });
    const result = await timed(
      runCli(["up", "--dir", dir], {
        env: { DATABASE_URL: proxy.url, PGVECTOR_MIGRATE_QUERY_TIMEOUT: "3s" },
        timeoutMs: 40_000,
      }),
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error \[CONNECTION_FAILED\]: Lost the connection to postgres@127\.0\.0\.1:\d+\/stall_\w+: no answer from the server within 3 s \(queryTimeoutMs, --query-timeout\)/,
    );
    expect(result.seconds).toBeLessThan(12);
    // idle_session_timeout (2 x the query timeout, at least 10 s) ends the session the frozen proxy keeps open.
    expect(await waitFor(async () => (await sessionsOf(db.name)) === 0, 25_000)).toBe(true);
  });

  it("ends the wait for the lock at --lock-timeout even when a lock attempt gets no answer", async () => {
    const db = await freshDatabase();
    const files = { "0001_slow.sql": "SELECT pg_sleep(10);\n" };
    const { dir } = project(files);
    // Another runner holds the migration lock while its migration sleeps.
    const holder = up(loadMigrations(dir), { connection: { url: db.url } });
    defer(() =>
      holder.then(
        () => undefined,
        () => undefined,
      ),
    );
    expect(await waitFor(async () => (await sessionsOf(db.name, "query LIKE '%pg_sleep(10)%'")) > 0, 10_000)).toBe(
      true,
    );
    const proxy = await withProxy(db.url, { freezeAfter: { text: "pg_try_advisory_lock", occurrence: 3 } });
    const result = await timed(
      runCli(["up", "--dir", dir, "--lock-timeout", "5s"], {
        // Longer than the lock timeout: the lock's own wall-clock deadline ends the wait.
        env: { DATABASE_URL: proxy.url, PGVECTOR_MIGRATE_QUERY_TIMEOUT: "60s" },
        timeoutMs: 40_000,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error \[LOCK_TIMEOUT\]: Timed out after 5 s waiting for the migration lock of pgvector_migrate\.schema_migrations on .*: the server did not answer the last attempt/,
    );
    expect(result.seconds).toBeLessThan(12);
    await holder;
  });

  it("ends the run when a migration statement gets no answer (--migration-timeout)", async () => {
    const db = await freshDatabase();
    const { dir } = project({ "0001_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(8);\n" });
    const proxy = await withProxy(db.url, { freezeAfter: { text: "pg_sleep" } });
    const result = await timed(
      runCli(["up", "--dir", dir], {
        env: { DATABASE_URL: proxy.url, PGVECTOR_MIGRATE_MIGRATION_TIMEOUT: "3s" },
        timeoutMs: 40_000,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error \[CONNECTION_FAILED\]: Lost the connection to .* while running migrations\/0001_slow\.sql: no answer from the server within 3 s \(migrationTimeoutMs, --migration-timeout\).*It either committed together with its tracking row or not at all/,
    );
    expect(result.seconds).toBeLessThan(12);
  });
});
