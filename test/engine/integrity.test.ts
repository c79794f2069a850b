// Data integrity of `up` on native PostgreSQL: INVALID concurrent indexes are never recorded as done, migrations
// cannot release the migration lock, session state a migration changes does not leak into the engine's statements
// or the next migration, and a refused run creates nothing.
import { randomBytes } from "node:crypto";
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveTrackingTable } from "../../packages/migrate/src/db/tracking-table";
import { createNativeDatabase, type NativeDatabase, urlForDatabase, withAdminClient } from "../support";
import { CapturingLogger, engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("integrity");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const appliedVersions = async (url: string) => (await readApplied(engineOptions(url))).map((row) => row.version);
const indexValidity = (url: string, qualifiedName: string) =>
  query(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", [qualifiedName]);

describe("INVALID indexes left by failed concurrent builds", () => {
  const uniqueIndex = "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS docs_k_key ON docs (k);";
  const variants = [
    {
      how: "a -- migrate:set search_path directive",
      file: `-- migrate:no-transaction\n-- migrate:set search_path = 'app'\n${uniqueIndex}`,
      options: {},
    },
    {
      how: "a SET search_path statement earlier in the file",
      file: `-- migrate:no-transaction\nSET search_path = app;\n${uniqueIndex}`,
      options: {},
    },
    {
      how: "the engine's sessionSettings",
      file: `-- migrate:no-transaction\n${uniqueIndex}`,
      options: { sessionSettings: { search_path: "app" } },
    },
  ];

  it.each(variants)("finds the leftover where the file's statements put it: $how", async ({ file, options }) => {
    dir.write(
      "0001_table.sql",
      "CREATE SCHEMA app;\nCREATE TABLE app.docs (k int);\nINSERT INTO app.docs VALUES (1), (1);",
    );
    dir.write("0002_unique.sql", file);
    const set = loadMigrations(dir.path);
    const error = await failure(up(set, engineOptions(db.url, options)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain("The failed concurrent build left the INVALID index app.docs_k_key");
    expect(await indexValidity(db.url, "app.docs_k_key")).toEqual([{ indisvalid: false }]);

    await query(db.url, "DELETE FROM app.docs WHERE ctid = (SELECT max(ctid) FROM app.docs)");
    const logger = new CapturingLogger();
    const result = await up(set, engineOptions(db.url, { ...options, logger }));
    expect(result.droppedInvalidIndexes).toEqual(["app.docs_k_key"]);
    expect(result.applied.map((applied) => applied.id)).toEqual(["0002_unique"]);
    expect(logger.text()).toContain("warn: Dropping the INVALID index app.docs_k_key");
    expect(await indexValidity(db.url, "app.docs_k_key")).toEqual([{ indisvalid: true }]);
  });

  it("refuses to record a migration whose concurrent index stays INVALID", async () => {
    // An INVALID index of the same name on another table of the schema: IF NOT EXISTS keeps it.
    await query(db.url, "CREATE TABLE old_docs (k int); INSERT INTO old_docs VALUES (1), (1)");
    await failure(query(db.url, "CREATE UNIQUE INDEX CONCURRENTLY docs_k_key ON old_docs (k)"));
    dir.write("0001_docs.sql", "CREATE TABLE docs (k int);");
    dir.write("0002_unique.sql", `-- migrate:no-transaction\n${uniqueIndex}`);

    // old_docs predates the first migration: the run is told that the database is populated on purpose.
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url, { allowPopulated: true })));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain(
      "migrations/0002_unique.sql: the index public.docs_k_key that this file builds concurrently is INVALID",
    );
    expect(error.message).toContain("DROP INDEX CONCURRENTLY public.docs_k_key;");
    expect(await appliedVersions(db.url)).toEqual([1]);
  });
});

describe("the migration lock cannot be released by a migration", () => {
  const lockKey = () => resolveTrackingTable().lockKey;

  it("refuses DISCARD ALL and advisory unlocks of the engine's lock before running anything", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_discard.sql", "-- migrate:no-transaction\nCREATE TABLE b (id int);\nDISCARD ALL;");
    dir.write("0003_unlock_all.sql", "CREATE TABLE c (id int);\n  SELECT pg_advisory_unlock_all();");
    dir.write("0004_unlock.sql", `SELECT pg_advisory_unlock(${lockKey()}::bigint);`);
    dir.write("0005_own_lock.sql", "SELECT pg_advisory_lock(42);\nSELECT pg_advisory_unlock(42);");

    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.details?.problems).toEqual([
      expect.stringMatching(/^migrations\/0002_discard\.sql:3:1: DISCARD ALL releases the session's advisory locks/),
      expect.stringMatching(/^migrations\/0003_unlock_all\.sql:2:3: pg_advisory_unlock_all\(\) releases/),
      expect.stringMatching(
        new RegExp(`^migrations/0004_unlock\\.sql:1:1: pg_advisory_unlock\\(${lockKey()}\\) releases`),
      ),
    ]);
    expect(error.message).toContain("including the engine's migration lock");
    expect(await query(db.url, "SELECT to_regclass('schema_migrations') IS NULL AS none")).toEqual([{ none: true }]);
  });

  it("stops without recording a no-transaction file during which the lock was lost", async () => {
    // The release hides in a function body, which no check of the file's SQL can see.
    dir.write(
      "0001_function.sql",
      "CREATE FUNCTION release_everything() RETURNS boolean LANGUAGE sql AS 'SELECT pg_advisory_unlock_all() IS NULL';",
    );
    dir.write("0002_release.sql", "-- migrate:no-transaction\nSELECT release_everything();");
    dir.write("0003_after.sql", "CREATE TABLE after_release (id int);");

    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain(
      "migrations/0002_release.sql: the migration lock of pgvector_migrate.schema_migrations was released while this no-transaction file ran",
    );
    expect(await appliedVersions(db.url)).toEqual([1]);
    expect(await query(db.url, "SELECT to_regclass('after_release') IS NULL AS none")).toEqual([{ none: true }]);
  });
});

describe("session state a migration changes", () => {
  let role: string;
  beforeEach(async () => {
    role = `weak_${randomBytes(4).toString("hex")}`;
    await withAdminClient((client) => client.query(`CREATE ROLE ${role} NOLOGIN`));
  });
  afterEach(async () => {
    await withAdminClient((client) => client.query(`DROP ROLE IF EXISTS ${role}`));
  });

  const owner = (url: string, table: string) =>
    query(url, "SELECT tableowner AS owner FROM pg_tables WHERE tablename = $1", [table]);

  it("a SET ROLE to a weaker role does not reach the tracking row or the next migration", async () => {
    dir.write("0001_role.sql", `CREATE TABLE a (id int);\nSET ROLE ${role};`);
    dir.write("0002_after.sql", "CREATE TABLE b (id int);");
    dir.write(
      "0003_no_transaction.sql",
      `-- migrate:no-transaction\nCREATE TABLE c (id int);\nSET SESSION AUTHORIZATION ${role};`,
    );
    dir.write("0004_last.sql", "CREATE TABLE d (id int);");
    const logger = new CapturingLogger();

    const result = await up(loadMigrations(dir.path), engineOptions(db.url, { logger }));
    expect(result.applied.map((applied) => applied.version)).toEqual([1, 2, 3, 4]);
    expect(await owner(db.url, "b")).toEqual([{ owner: "postgres" }]);
    expect(await owner(db.url, "d")).toEqual([{ owner: "postgres" }]);
    expect((await readApplied(engineOptions(db.url))).map((row) => row.appliedBy.split(" ")[0])).toEqual([
      "postgres",
      "postgres",
      "postgres",
      "postgres",
    ]);
    expect(logger.text()).toContain(
      "warn: migrations/0001_role.sql changes session settings for the rest of the session: role (line 2)",
    );
    expect(logger.text()).toContain(
      "migrations/0003_no_transaction.sql changes session settings for the rest of the session: session_authorization (line 3)",
    );
  });

  it("resets the role for a runner that is not a superuser, too", async () => {
    const runner = `runner_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    await withAdminClient(async (client) => {
      await client.query(`CREATE ROLE ${runner} LOGIN PASSWORD '${password}'`);
      await client.query(`GRANT ${role} TO ${runner}`);
      await client.query(`ALTER DATABASE "${db.name}" OWNER TO ${runner}`);
    });
    try {
      const url = new URL(db.url);
      url.username = runner;
      url.password = password;
      dir.write("0001_role.sql", `CREATE TABLE a (id int);\nSET ROLE ${role};`);
      dir.write("0002_no_transaction.sql", `-- migrate:no-transaction\nCREATE TABLE b (id int);\nSET ROLE ${role};`);
      dir.write("0003_last.sql", "CREATE TABLE c (id int);");

      const result = await up(loadMigrations(dir.path), engineOptions(url.toString()));
      expect(result.applied.map((applied) => applied.version)).toEqual([1, 2, 3]);
      for (const table of ["a", "b", "c"]) expect(await owner(db.url, table)).toEqual([{ owner: runner }]);
    } finally {
      await db.drop();
      await withAdminClient((client) => client.query(`DROP ROLE IF EXISTS ${runner}`));
    }
  });

  it("a session search_path or setting of one migration does not apply to the next", async () => {
    dir.write(
      "0001_path.sql",
      "CREATE SCHEMA s;\nSET search_path = s;\nSELECT set_config('statement_timeout', '1', false);",
    );
    dir.write("0002_after.sql", "CREATE TABLE t AS SELECT current_setting('statement_timeout') AS timeout;");
    const logger = new CapturingLogger();

    await up(
      loadMigrations(dir.path),
      engineOptions(db.url, { logger, sessionSettings: { statement_timeout: "5min" } }),
    );
    expect(await query(db.url, "SELECT schemaname, timeout FROM pg_tables, public.t WHERE tablename = 't'")).toEqual([
      { schemaname: "public", timeout: "5min" },
    ]);
    expect(logger.text()).toContain("search_path (line 2), statement_timeout (line 3)");
  });
});

describe("error positions in a SQL_ASCII database", () => {
  let asciiUrl: string;
  let name: string;
  beforeEach(async () => {
    name = `ascii_${randomBytes(4).toString("hex")}`;
    await withAdminClient((client) =>
      client.query(`CREATE DATABASE ${name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`),
    );
    asciiUrl = urlForDatabase(db.url, name);
  });
  afterEach(async () => {
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  // The server counts bytes in SQL_ASCII: multibyte characters before the error must not shift the position.
  const sql =
    "-- Überblick: ÄÖÜ äöü ✓✓✓ 🚀\nCREATE TABLE notes (note text DEFAULT 'déjà vu ✓');\nSELECT 'ÄÖÜ✓' AS x, missing_column FROM notes;";

  it.each([
    ["in a transaction", sql],
    ["outside a transaction", `-- migrate:no-transaction\n${sql}`],
  ])("reports the line and column of the error %s", async (_how, content) => {
    dir.write("0001_a.sql", content);
    const line = content.startsWith("-- migrate:no-transaction") ? 4 : 3;
    const error = await failure(up(loadMigrations(dir.path), engineOptions(asciiUrl)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(
      new RegExp(`^migrations/0001_a\\.sql:${line}:21: ERROR 42703: column "missing_column" does not exist`),
    );
    expect(error.details).toMatchObject({ line, column: 21 });
  });
});

describe("files with CR-only line endings", () => {
  it("run outside a transaction as their directive says, and report errors on the right line", async () => {
    dir.write("0001_table.sql", "CREATE TABLE t (x int);");
    dir.write("0002_index.sql", "-- migrate:no-transaction\rCREATE INDEX CONCURRENTLY t_x ON t (x);\r");
    dir.write("0003_broken.sql", "-- Broken\rSELECT 1;\rSELECT missing FROM t;\r");
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.message).toMatch(/^migrations\/0003_broken\.sql:3:8: ERROR 42703: column "missing" does not exist/);
    expect(await appliedVersions(db.url)).toEqual([1, 2]);
    expect(await indexValidity(db.url, "t_x")).toEqual([{ indisvalid: true }]);
  });
});
