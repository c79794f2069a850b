// Transactional files go out as a pipeline (engine/pipelined-files.ts): each file's script is sent before the one
// before it is answered. Against native PostgreSQL: that they are, and that a file sent early never takes effect
// after the one before it failed, in either mode.
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipelineInFlightLimit } from "../../packages/migrate/src/engine/pipelined-files";
import { createNativeDatabase, type NativeDatabase } from "../support";
import {
  CapturingLogger,
  engineOptions,
  failure,
  type MigrationsDir,
  migrationsDir,
  query,
  recordQueries,
} from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("pipeline");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const modes = [
  { mode: "a transaction per migration", extra: {} },
  { mode: "single-transaction mode", extra: { singleTransaction: true } },
] as const;

const tables = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
  ).map((row) => row.name);
const versions = async (url: string) => (await readApplied(engineOptions(url))).map((row) => row.version);

/** The queries that carry a migration's SQL (they create the test's tables), and whether each went out pipelined. */
function migrationQueries(recorder: { queries: string[]; unanswered: number[] }) {
  return recorder.queries.flatMap((text, index) =>
    /CREATE TABLE (t\d)/.test(text)
      ? [{ table: /CREATE TABLE (t\d)/.exec(text)?.[1], pipelined: (recorder.unanswered[index] ?? 0) > 0 }]
      : [],
  );
}

describe.each(modes)("pipelined files, $mode", ({ extra }) => {
  it("sends each file's script before the one before it is answered, and applies them all in order", async () => {
    // The first file takes a moment, so the others are surely sent while it runs.
    dir.write("0001_t1.sql", "CREATE TABLE t1 (id int);\nSELECT pg_sleep(0.2);");
    for (const n of [2, 3, 4]) dir.write(`000${n}_t${n}.sql`, `CREATE TABLE t${n} (id int);`);
    const recorder = await recordQueries(db.url);
    try {
      const result = await up(loadMigrations(dir.path), engineOptions(recorder.url, extra));
      expect(result.applied.map((migration) => migration.id)).toEqual(["0001_t1", "0002_t2", "0003_t3", "0004_t4"]);
      expect(migrationQueries(recorder)).toEqual([
        { table: "t1", pipelined: false },
        { table: "t2", pipelined: true },
        { table: "t3", pipelined: true },
        { table: "t4", pipelined: true },
      ]);
    } finally {
      recorder.close();
    }
    expect(await tables(db.url)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(await versions(db.url)).toEqual([1, 2, 3, 4]);
  });

  it("reports the file that failed, not the ones sent after it, which take no effect", async () => {
    dir.write("0001_t1.sql", "CREATE TABLE t1 (id int);");
    dir.write("0002_t2.sql", "CREATE TABLE t2 (id int);\nSELECT pg_sleep(0.2);\nSELECT * FROM missing_table;");
    dir.write("0003_t3.sql", "CREATE TABLE t3 (id int);");
    dir.write("0004_t4.sql", "CREATE TABLE t4 (id int);");
    const logger = new CapturingLogger();
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url, { ...extra, logger })));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain("migrations/0002_t2.sql:3:");
    expect(error.message).toContain('relation "missing_table" does not exist');
    expect(error.message).not.toContain("current transaction is aborted");
    const single = "singleTransaction" in extra;
    expect(await tables(db.url)).toEqual(single ? [] : ["t1"]);
    expect(await versions(db.url)).toEqual(single ? [] : [1]);
    // The files sent after the failing one were never started, as far as the user is told.
    expect(logger.lines.filter((line) => line.includes("0003_t3") || line.includes("0004_t4"))).toEqual([]);
  });

  it("gives each NOTICE to the file that raised it", async () => {
    dir.write("0001_t1.sql", "CREATE TABLE t1 (id int);\nSELECT pg_sleep(0.1);");
    dir.write("0002_t2.sql", "CREATE TABLE t2 (id int);\nDROP TABLE IF EXISTS not_there_2;");
    dir.write("0003_t3.sql", "DROP TABLE IF EXISTS not_there_3;\nCREATE TABLE t3 (id int);");
    const logger = new CapturingLogger();
    await up(loadMigrations(dir.path), engineOptions(db.url, { ...extra, logger }));
    expect(logger.lines.filter((line) => line.includes("NOTICE"))).toEqual([
      'warn: migrations/0002_t2.sql:2:1: NOTICE: table "not_there_2" does not exist, skipping',
      'warn: migrations/0003_t3.sql:1:1: NOTICE: table "not_there_3" does not exist, skipping',
    ]);
  });

  it("gives each file the whole migration deadline from when it starts, not from when it was sent", async () => {
    for (const n of [1, 2, 3]) dir.write(`000${n}_t${n}.sql`, `CREATE TABLE t${n} (id int);\nSELECT pg_sleep(0.4);`);
    // All three were sent at once; from then on, the third ends after about 1.2 s.
    await up(loadMigrations(dir.path), engineOptions(db.url, { ...extra, migrationTimeoutMs: 900 }));
    expect(await versions(db.url)).toEqual([1, 2, 3]);
  });
});

// Single-transaction mode refuses no-transaction files.
describe("pipelined files, a transaction per migration", () => {
  it("waits for the files before a no-transaction file, which runs on its own, and pipelines the ones after it", async () => {
    dir.write("0001_t1.sql", "CREATE TABLE t1 (id int);");
    dir.write("0002_t2.sql", "CREATE TABLE t2 (id int);");
    dir.write("0003_index.sql", "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY t1_id ON t1 (id);");
    dir.write("0004_t4.sql", "CREATE TABLE t4 (id int);\nSELECT pg_sleep(0.1);");
    dir.write("0005_t5.sql", "CREATE TABLE t5 (id int);");
    const recorder = await recordQueries(db.url);
    try {
      await up(loadMigrations(dir.path), engineOptions(recorder.url));
      const index = recorder.queries.findIndex((text) => text.includes("CREATE INDEX CONCURRENTLY"));
      expect(recorder.unanswered[index]).toBe(0);
      expect(migrationQueries(recorder)).toEqual([
        { table: "t1", pipelined: false },
        { table: "t2", pipelined: true },
        { table: "t4", pipelined: false },
        { table: "t5", pipelined: true },
      ]);
    } finally {
      recorder.close();
    }
    expect(await versions(db.url)).toEqual([1, 2, 3, 4, 5]);
  });

  it("does not run a file sent early when the one before it fails at COMMIT (a deferred constraint)", async () => {
    dir.write(
      "0001_deferred.sql",
      [
        "CREATE TABLE parent (id int PRIMARY KEY);",
        "CREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);",
        "INSERT INTO child VALUES (42);",
        "SELECT pg_sleep(0.2);",
      ].join("\n"),
    );
    dir.write("0002_t2.sql", "CREATE TABLE t2 (id int);");
    dir.write("0003_t3.sql", "CREATE TABLE t3 (id int);");
    const recorder = await recordQueries(db.url);
    let error: Error & { code?: string };
    try {
      error = await failure(up(loadMigrations(dir.path), engineOptions(recorder.url)));
      // The next file was on its way when the COMMIT failed.
      expect(migrationQueries(recorder)).toContainEqual({ table: "t2", pipelined: true });
    } finally {
      recorder.close();
    }
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain("migrations/0001_deferred.sql");
    expect(error.message).toContain("at COMMIT (deferred constraints)");
    expect(error.message).toContain('violates foreign key constraint "child_parent_id_fkey"');
    expect(await tables(db.url)).toEqual([]);
    expect(await versions(db.url)).toEqual([]);
  });

  it("keeps at most pipelineInFlightLimit of SQL in flight, and always the file after the one running", async () => {
    // Each file a little over half the limit: the second goes out with the first, the third only once the first is
    // answered.
    const padding = `-- ${"x".repeat(Math.ceil(pipelineInFlightLimit * 0.6))}\n`;
    dir.write("0001_t1.sql", `${padding}CREATE TABLE t1 (id int);\nSELECT pg_sleep(0.1);`);
    for (const n of [2, 3, 4]) dir.write(`000${n}_t${n}.sql`, `${padding}CREATE TABLE t${n} (id int);`);
    const recorder = await recordQueries(db.url);
    try {
      await up(loadMigrations(dir.path), engineOptions(recorder.url));
      const arrivals = recorder.queries.flatMap((text, index) =>
        text.includes("CREATE TABLE t") ? [recorder.unanswered[index]] : [],
      );
      expect(arrivals).toEqual([0, 1, 1, 1]);
    } finally {
      recorder.close();
    }
    expect(await versions(db.url)).toEqual([1, 2, 3, 4]);
  });
});
