// Locking and crash safety on native PostgreSQL: concurrent runners, a runner waiting behind
// CREATE INDEX CONCURRENTLY, lock timeouts, a runner killed mid-migration, failed concurrent index builds.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase, repoRoot } from "../support";
import { CapturingLogger, engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("lock");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

/** Polls until `check` returns a value (bounded, so a broken test fails instead of hanging). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function activeQuery(url: string, applicationName: string, like: string): Promise<number | undefined> {
  const rows = await query<{ pid: number }>(
    url,
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND state = 'active' AND query LIKE $2",
    [applicationName, like],
  );
  return rows[0]?.pid;
}

describe("the migration lock", () => {
  it("lets many concurrent runners apply each migration exactly once", async () => {
    dir.write("0001_log.sql", "CREATE TABLE log (version int PRIMARY KEY, runner text NOT NULL);");
    for (let version = 2; version <= 6; version++) {
      dir.write(
        `000${version}_step.sql`,
        `SELECT pg_sleep(0.05);\nINSERT INTO log VALUES (${version}, current_setting('application_name'));`,
      );
    }
    const set = loadMigrations(dir.path);
    const runners = Array.from({ length: 8 }, (_, index) =>
      up(set, { ...engineOptions(db.url), connection: { url: db.url, applicationName: `runner-${index}` } }),
    );
    const results = await Promise.all(runners);

    const appliedIds = results.flatMap((result) => result.applied.map((applied) => applied.id));
    expect(appliedIds.sort()).toEqual(set.migrations.map((migration) => migration.id));
    for (const result of results) expect(result.state).toHaveLength(6);
    const log = await query<{ version: number; runner: string }>(db.url, "SELECT version, runner FROM log ORDER BY 1");
    expect(log.map((row) => row.version)).toEqual([2, 3, 4, 5, 6]);
    expect(await readApplied(engineOptions(db.url))).toHaveLength(6);
  });

  it("a runner waits for another's CREATE INDEX CONCURRENTLY without deadlock, then finds nothing to do", async () => {
    dir.write(
      "0001_table.sql",
      [
        "CREATE TABLE items (id int PRIMARY KEY);",
        "INSERT INTO items SELECT generate_series(1, 40);",
        "-- An index expression slow enough for the second runner to arrive during the build.",
        "CREATE FUNCTION slow_id(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 FROM (SELECT pg_sleep(0.02)) AS s';",
      ].join("\n"),
    );
    dir.write(
      "0002_index.sql",
      "-- migrate:no-transaction\n-- migrate:set maintenance_work_mem = '64MB'\nCREATE INDEX CONCURRENTLY items_slow ON items (slow_id(id));",
    );
    const set = loadMigrations(dir.path);
    const options = (name: string) => ({
      ...engineOptions(db.url),
      connection: { url: db.url, applicationName: name },
    });

    const first = up(set, options("runner-first"));
    await eventually("the concurrent index build", () =>
      activeQuery(db.url, "runner-first", "CREATE INDEX CONCURRENTLY%"),
    );
    const second = up(set, options("runner-second"));
    // The second runner is connected and polling while the build is still running.
    await eventually("the second runner", async () => {
      const rows = await query(db.url, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'runner-second'");
      return rows.length > 0 ? true : undefined;
    });
    expect(await activeQuery(db.url, "runner-first", "CREATE INDEX CONCURRENTLY%")).toBeDefined();

    const [firstResult, secondResult] = await Promise.all([first, second]);
    expect(firstResult.applied.map((applied) => applied.id)).toEqual(["0001_table", "0002_index"]);
    expect(secondResult.applied).toEqual([]);
    expect(secondResult.state).toHaveLength(2);
    expect(await query(db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_slow'::regclass")).toEqual([
      { indisvalid: true },
    ]);
  });

  it("gives up after lockTimeoutMs, naming the holder's pid and application_name", async () => {
    dir.write("0001_slow.sql", "SELECT pg_sleep(3);");
    const set = loadMigrations(dir.path);
    const holder = up(set, { ...engineOptions(db.url), connection: { url: db.url, applicationName: "slow-holder" } });
    const pid = await eventually("the slow migration", () => activeQuery(db.url, "slow-holder", "%pg_sleep(3)%"));

    const error = await failure(
      up(set, {
        ...engineOptions(db.url),
        lockTimeoutMs: 300,
        connection: { url: db.url, applicationName: "impatient" },
      }),
    );
    expect(error.code).toBe("LOCK_TIMEOUT");
    expect(error.message).toContain("waiting for the migration lock of pgvector_migrate.schema_migrations");
    expect(error.message).toContain(`held by pid ${pid} (application_name "slow-holder", user postgres`);
    expect(error.message).toContain(`SELECT pg_terminate_backend(${pid})`);
    expect(error.details).toMatchObject({ holderPid: pid, holderApplicationName: "slow-holder" });
    await holder;
  });
});

describe("crash safety", () => {
  const runnerScript = join(__dirname, "fixtures/up-runner.cjs");

  function spawnRunner(applicationName: string): ChildProcess {
    if (!existsSync(join(repoRoot, "packages/migrate/dist/index.js"))) {
      throw new Error("packages/migrate/dist is missing: run `npm run build` first (npm test does it)");
    }
    return spawn(process.execPath, [runnerScript, dir.path, applicationName], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: "ignore",
    });
  }

  it("a runner killed with SIGKILL mid-migration leaves a consistent database, and the next run completes", async () => {
    dir.write(
      "0001_table.sql",
      "CREATE TABLE t (n int);\nCREATE TABLE pause (seconds float8);\nINSERT INTO pause VALUES (60);",
    );
    dir.write(
      "0002_slow.sql",
      "INSERT INTO t VALUES (1);\nSELECT pg_sleep(seconds) FROM pause;\nINSERT INTO t VALUES (2);",
    );
    dir.write("0003_after.sql", "INSERT INTO t VALUES (3);");

    const child = spawnRunner("doomed-runner");
    const exited = new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    const pid = await eventually("the slow migration", () =>
      activeQuery(db.url, "doomed-runner", "%pg_sleep(seconds)%"),
    );
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // The server notices the dead client (client_connection_check_interval) and rolls the migration back;
    // until then its session keeps the migration lock, so no other runner can start the same migration.
    await eventually("the orphaned backend to end", async () => {
      const rows = await query(db.url, "SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
      return rows.length === 0 ? true : undefined;
    });
    expect(await query(db.url, "SELECT n FROM t")).toEqual([]);
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1]);

    await query(db.url, "UPDATE pause SET seconds = 0");
    const result = await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(result.applied.map((applied) => applied.id)).toEqual(["0002_slow", "0003_after"]);
    expect(await query(db.url, "SELECT n FROM t ORDER BY n")).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });
});

describe("failed concurrent index builds", () => {
  it("reports the INVALID index left behind, then drops and rebuilds it on the next run", async () => {
    dir.write(
      "0001_table.sql",
      "CREATE TABLE emails (address text);\nINSERT INTO emails VALUES ('a@x'), ('a@x'), ('b@x');",
    );
    dir.write(
      "0002_unique.sql",
      "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS emails_address ON emails (address);",
    );
    const set = loadMigrations(dir.path);
    const error = await failure(up(set, engineOptions(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(
      /^migrations\/0002_unique\.sql:2:1: ERROR 23505: could not create unique index "emails_address"/,
    );
    expect(error.message).toContain("The failed concurrent build left the INVALID index public.emails_address");
    expect(
      await query(db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'emails_address'::regclass"),
    ).toEqual([{ indisvalid: false }]);
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1]);

    await query(db.url, "DELETE FROM emails WHERE ctid = (SELECT max(ctid) FROM emails WHERE address = 'a@x')");
    const logger = new CapturingLogger();
    const result = await up(set, engineOptions(db.url, { logger }));
    expect(result.droppedInvalidIndexes).toEqual(["public.emails_address"]);
    expect(result.applied.map((applied) => applied.id)).toEqual(["0002_unique"]);
    expect(logger.text()).toContain("warn: Dropping the INVALID index public.emails_address");
    expect(
      await query(db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'emails_address'::regclass"),
    ).toEqual([{ indisvalid: true }]);
  });
});
