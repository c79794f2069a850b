// EngineOptions.signal and onProgress: an abort stops `up` promptly (also while it waits for the lock), with
// INTERRUPTED, the migrations committed before it kept and nothing of the one in progress.
import { loadMigrations, type ProgressEvent, up } from "pgvector-migrate";
import { afterEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
afterEach(async () => {
  dir?.cleanup();
  await db?.drop();
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleeping = async () =>
  (
    await query(
      db.url,
      "SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep(30)%'",
    )
  ).length > 0;

describe("interrupting up", () => {
  it("reports progress, cancels the statement in progress on abort and keeps what committed", async () => {
    db = await createNativeDatabase("interrupt");
    dir = migrationsDir({
      "0001_first.sql": "CREATE TABLE first (id int);\n",
      "0002_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n",
    });
    const events: ProgressEvent[] = [];
    const controller = new AbortController();
    const run = up(
      loadMigrations(dir.path),
      engineOptions(db.url, { signal: controller.signal, onProgress: (event) => events.push(event) }),
    );
    await until(sleeping);
    const aborted = performance.now();
    controller.abort("test");
    const error = await failure(run);
    expect((performance.now() - aborted) / 1000).toBeLessThan(10);
    expect(error.code).toBe("INTERRUPTED");
    expect(error.message).toContain("The run was interrupted (test)");
    expect(events.map((event) => `${event.kind} ${"id" in event ? event.id : event.result.id}`)).toEqual([
      "migration-started 0001_first",
      "migration-done 0001_first",
      "migration-started 0002_slow",
    ]);
    const rows = await query<{ version: string }>(
      db.url,
      "SELECT version FROM pgvector_migrate.schema_migrations ORDER BY 1",
    );
    expect(rows.map((row) => Number(row.version))).toEqual([1]);
    expect(await query(db.url, "SELECT to_regclass('slow') AS t")).toEqual([{ t: null }]);
    expect(await sleeping()).toBe(false);
  });

  it("stops waiting for the lock on abort", async () => {
    db = await createNativeDatabase("interrupt");
    dir = migrationsDir({ "0001_slow.sql": "SELECT pg_sleep(30);\n" });
    const holderControl = new AbortController();
    const holder = up(loadMigrations(dir.path), engineOptions(db.url, { signal: holderControl.signal }));
    await until(sleeping);
    const controller = new AbortController();
    const waiter = up(loadMigrations(dir.path), engineOptions(db.url, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const aborted = performance.now();
    controller.abort();
    const error = await failure(waiter);
    expect(error.code).toBe("INTERRUPTED");
    expect(error.message).toContain("while waiting for the migration lock");
    expect((performance.now() - aborted) / 1000).toBeLessThan(3);
    holderControl.abort();
    expect((await failure(holder)).code).toBe("INTERRUPTED");
  });
});
