// SIGINT / SIGTERM during `up`: the CLI cancels the running statement on the server, says what was rolled back
// and what stays applied, releases the lock, and exits 130 / 143. A second signal exits at once.
import { spawn } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { cliBin, repoRoot, startStallingProxy, withAdminClient } from "../support";
import { collectOutput } from "../support/process";
import { perTestResources } from "./fixtures";

const { freshDatabase, project, defer } = perTestResources("signal");

const earlier = {
  "0001_first.sql": "CREATE TABLE first (id int);\n",
  "0002_second.sql": "CREATE TABLE second (id int);\n",
};

async function query<Row extends pg.QueryResultRow>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

async function appliedVersions(url: string): Promise<number[]> {
  const rows = await query<{ version: string }>(
    url,
    "SELECT version FROM pgvector_migrate.schema_migrations ORDER BY 1",
  );
  return rows.map((row) => Number(row.version));
}

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

/** Sessions of the database running pg_sleep(30) right now. */
async function sleepers(database: string): Promise<number> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep(30)%'",
      [database],
    );
    return rows[0]?.count ?? 0;
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startCli(dir: string, url: string) {
  const child = spawn(process.execPath, [cliBin, "up", "--dir", dir], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url },
  });
  const output = collectOutput(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill("SIGKILL"), 50_000);
  defer(() => clearTimeout(killer));
  return { child, output, exited };
}

describe("a signal during `up`", () => {
  it.each([
    { signal: "SIGINT", code: 130 },
    { signal: "SIGTERM", code: 143 },
  ] as const)(
    "$signal rolls back the migration in progress, keeps the earlier ones and exits $code",
    async ({ signal, code }) => {
      const db = await freshDatabase();
      const { dir } = project({ ...earlier, "0003_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n" });
      const run = startCli(dir, db.url);
      await until(async () => (await sleepers(db.name)) > 0);
      const signalled = performance.now();
      run.child.kill(signal);
      const exit = await run.exited;
      // The statement was cancelled on the server: no waiting for pg_sleep(30) to end.
      expect((performance.now() - signalled) / 1000).toBeLessThan(10);
      expect(exit).toEqual({ code, signal: null });
      const stderr = run.output.stderr();
      expect(stderr).toContain(`error [INTERRUPTED]: interrupted by ${signal}.`);
      expect(stderr).toContain(
        "Rolled back: migrations/0003_slow.sql (one transaction: none of its changes and no tracking row were applied).",
      );
      expect(stderr).toContain("Applied in this run, and kept: 2 migrations (0001_first, 0002_second).");
      expect(await appliedVersions(db.url)).toEqual([1, 2]);
      expect(await tables(db.url)).toEqual(["first", "second"]);
      expect(await sleepers(db.name)).toBe(0);
    },
  );

  it("says which statements of a no-transaction file were applied", async () => {
    const db = await freshDatabase();
    const { dir } = project({
      ...earlier,
      "0003_slow.sql":
        "-- migrate:no-transaction\nCREATE TABLE slow (id int);\nSELECT pg_sleep(30);\nCREATE TABLE after_sleep (id int);\n",
    });
    const run = startCli(dir, db.url);
    await until(async () => (await sleepers(db.name)) > 0);
    run.child.kill("SIGINT");
    expect(await run.exited).toEqual({ code: 130, signal: null });
    expect(run.output.stderr()).toContain(
      "Not completed: migrations/0003_slow.sql runs outside a transaction: its statement 2 of 3 (line 3) was cancelled, or had just completed; the 1 statement(s) before it were applied and stay applied. It is not recorded, so the next run starts it again from the top.",
    );
    expect(await appliedVersions(db.url)).toEqual([1, 2]);
    expect(await tables(db.url)).toEqual(["first", "second", "slow"]);
  });

  it("exits at once on a second signal, even when the cleanup cannot finish (stalled connection)", async () => {
    const db = await freshDatabase();
    const { dir } = project({ ...earlier, "0003_slow.sql": "SELECT pg_sleep(30);\n" });
    // Frozen after sending the migration: the cancel request and the answers cannot get through.
    const proxy = await startStallingProxy(db.url, { freezeAfter: { text: "pg_sleep(30)" } });
    defer(() => proxy.close());
    const run = startCli(dir, proxy.url);
    await until(async () => (await sleepers(db.name)) > 0);
    await proxy.frozen;
    run.child.kill("SIGINT");
    await until(async () => run.output.stderr().includes("SIGINT: cancelling the statement in progress"), 10_000);
    const second = performance.now();
    run.child.kill("SIGINT");
    expect(await run.exited).toEqual({ code: 130, signal: null });
    expect((performance.now() - second) / 1000).toBeLessThan(3);
    expect(run.output.stderr()).toContain("SIGINT: exiting now, without waiting for the cleanup");
  });
});
