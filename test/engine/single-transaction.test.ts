// `up` in single-transaction mode (singleTransaction / --single-transaction) against native PostgreSQL.
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
  db = await createNativeDatabase("single");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const single = (url: string, extra = {}) => engineOptions(url, { singleTransaction: true, ...extra });
const userTables = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1",
    )
  ).map((row) => row.name);
/** The transaction-control statements among the recorded queries, each query's text split on semicolons. */
const transactionControl = (queries: readonly string[]) =>
  queries.flatMap((text) =>
    text
      .split(";")
      .map((statement) => statement.trim())
      .filter((statement) => /^(BEGIN|COMMIT|ROLLBACK)$/.test(statement)),
  );

describe("up in single-transaction mode", () => {
  it("applies every pending migration and its tracking row in one transaction with one COMMIT", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int)");
    const recorder = await recordQueries(db.url);
    try {
      const result = await up(loadMigrations(dir.path), single(recorder.url));
      expect(result.applied.map((migration) => migration.id)).toEqual(["0001_a", "0002_b", "0003_c"]);
      expect(result.state.map((row) => row.version)).toEqual([1, 2, 3]);
      expect(transactionControl(recorder.queries)).toEqual(["BEGIN", "COMMIT"]);
      // The migrations commit as one transaction: the same transaction id on every tracking row's xmin.
      const xmins = await query<{ n: number }>(
        db.url,
        "SELECT count(DISTINCT xmin::text)::int AS n FROM pgvector_migrate.schema_migrations",
      );
      expect(xmins).toEqual([{ n: 1 }]);
    } finally {
      recorder.close();
    }
    expect(await userTables(db.url)).toEqual(["a", "b", "c"]);

    // Without the mode, one transaction each (the baseline this mode saves on).
    dir.write("0004_d.sql", "CREATE TABLE d (id int);");
    dir.write("0005_e.sql", "CREATE TABLE e (id int);");
    const perMigration = await recordQueries(db.url);
    try {
      await up(loadMigrations(dir.path), engineOptions(perMigration.url));
      expect(transactionControl(perMigration.queries).filter((statement) => statement === "BEGIN")).toHaveLength(2);
    } finally {
      perMigration.close();
    }
  });

  it("rolls back every migration of the run when one fails, and says so", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    dir.write("0003_bad.sql", "CREATE TABLE c (id int);\nSELECT * FROM missing_table;");
    const error = await failure(up(loadMigrations(dir.path), single(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain("migrations/0003_bad.sql:2");
    expect(error.message).toContain('relation "missing_table" does not exist');
    expect(error.message).toContain(
      "Single-transaction mode: the whole run was rolled back; none of the 3 pending migration(s) and no tracking row were applied.",
    );
    expect(await userTables(db.url)).toEqual([]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);
  });

  it("rolls back the run when its COMMIT fails on a deferred constraint", async () => {
    dir.write(
      "0001_parent.sql",
      "CREATE TABLE parent (id int PRIMARY KEY);\nCREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);",
    );
    dir.write("0002_orphan.sql", "INSERT INTO child VALUES (42);");
    const error = await failure(up(loadMigrations(dir.path), single(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.details?.sqlstate).toBe("23503");
    expect(error.message).toContain("The COMMIT of the single transaction failed");
    expect(error.message).toContain("none of the 2 pending migration(s)");
    expect(await userTables(db.url)).toEqual([]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);
  });

  it("refuses a pending no-transaction file before running anything, naming it", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_index.sql", "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);");
    const error = await failure(up(loadMigrations(dir.path), single(db.url)));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.message).toContain("Single-transaction mode");
    expect(error.details?.problems).toEqual(["migrations/0002_index.sql"]);
    // Nothing was run, not even the tracking table.
    expect(
      await query(
        db.url,
        "SELECT to_regclass('pgvector_migrate.schema_migrations') AS t, to_regclass('public.a') AS a",
      ),
    ).toEqual([{ t: null, a: null }]);

    // Once applied without the mode, it is no obstacle to later runs in the mode.
    await up(loadMigrations(dir.path), engineOptions(db.url));
    dir.write("0003_b.sql", "CREATE TABLE b (id int);");
    const result = await up(loadMigrations(dir.path), single(db.url));
    expect(result.applied.map((migration) => migration.id)).toEqual(["0003_b"]);
  });

  it("scopes each file's -- migrate:set settings to that file, back to the engine's session settings after it", async () => {
    dir.write(
      "0001_first.sql",
      "-- migrate:set lock_timeout = '1234ms'\n-- migrate:set statement_timeout = '9s'\nCREATE TABLE seen AS SELECT 1 AS file, current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout;",
    );
    dir.write(
      "0002_second.sql",
      "INSERT INTO seen SELECT 2, current_setting('lock_timeout'), current_setting('statement_timeout');",
    );
    const logger = new CapturingLogger();
    await up(loadMigrations(dir.path), single(db.url, { sessionSettings: { statement_timeout: "5min" }, logger }));
    expect(await query(db.url, "SELECT * FROM seen ORDER BY file")).toEqual([
      { file: 1, lock_timeout: "1234ms", statement_timeout: "9s" },
      { file: 2, lock_timeout: "0", statement_timeout: "5min" },
    ]);
    expect(logger.text()).toContain("info: Applying 2 migration(s) in one transaction");
  });

  it("does nothing, and opens no transaction, when nothing is pending", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    await up(loadMigrations(dir.path), single(db.url));
    const recorder = await recordQueries(db.url);
    try {
      const again = await up(loadMigrations(dir.path), single(recorder.url));
      expect(again.applied).toEqual([]);
      expect(again.state).toHaveLength(1);
      expect(transactionControl(recorder.queries)).toEqual([]);
    } finally {
      recorder.close();
    }
  });
});
