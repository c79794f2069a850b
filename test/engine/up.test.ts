// `up` and `plan` against native PostgreSQL: order, idempotence, tracking rows, plan problems, failures.
import { down, loadMigrations, plan, readApplied, up, validateSql } from "pgvector-migrate";
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
  db = await createNativeDatabase("up");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const tables = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      // The tables of the migrations (public) and the tracking table (in its own schema by default).
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'pgvector_migrate') ORDER BY 1",
    )
  ).map((row) => row.name);

/** The one query that reads the tracking table: all its rows as one JSON value (db/tracking-table.ts). */
const trackingRead =
  /^SELECT coalesce\(json_agg\(.* ORDER BY version\), '\[\]'\)::text AS rows, .* FROM "pgvector_migrate"\."schema_migrations"$/;

describe("up", () => {
  it("applies pending migrations in version order, records them, and does nothing the second time", async () => {
    dir.write("0002_second.sql", "INSERT INTO events VALUES ('second');");
    dir.write("0001_first.sql", "CREATE TABLE events (what text);\nINSERT INTO events VALUES ('first');");
    dir.write("0010_tenth.sql", "INSERT INTO events VALUES ('tenth')");
    const set = loadMigrations(dir.path);
    const logger = new CapturingLogger();

    const result = await up(set, engineOptions(db.url, { logger }));
    expect(result.applied.map((applied) => applied.id)).toEqual(["0001_first", "0002_second", "0010_tenth"]);
    expect(result.droppedInvalidIndexes).toEqual([]);
    expect(result.state.map((row) => row.version)).toEqual([1, 2, 10]);
    expect(await query(db.url, "SELECT what FROM events")).toEqual([
      { what: "first" },
      { what: "second" },
      { what: "tenth" },
    ]);

    const rows = await readApplied(engineOptions(db.url));
    expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      set.migrations.map(({ version, name, up: file }) => ({ version, name, checksum: file.checksum })),
    );
    for (const row of rows) {
      expect(row.appliedAt).toBeInstanceOf(Date);
      expect(row.durationMs).toBeGreaterThanOrEqual(0);
      expect(row.appliedBy).toMatch(/^postgres \(pgvm-test on .+\)$/);
    }
    // Exactly what the server stores, applied_at to the millisecond.
    const stored = await query<{ version: number; at: string; duration_ms: number; applied_by: string }>(
      db.url,
      `SELECT version::int, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, duration_ms, applied_by FROM pgvector_migrate.schema_migrations ORDER BY version`,
    );
    expect(
      rows.map((row) => ({
        version: row.version,
        at: row.appliedAt.toISOString(),
        duration_ms: row.durationMs,
        applied_by: row.appliedBy,
      })),
    ).toEqual(stored);
    expect(logger.text()).toContain("info: Applying migrations/0001_first.sql");

    const again = await up(set, engineOptions(db.url));
    expect(again.applied).toEqual([]);
    expect(again.state).toHaveLength(3);
    expect(await query(db.url, "SELECT count(*)::int AS n FROM events")).toEqual([{ n: 3 }]);
  });

  it("plans pending migrations and reports nothing applied on an empty database", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    const set = loadMigrations(dir.path);
    const before = await plan(set, engineOptions(db.url));
    expect(before.applied).toEqual([]);
    expect(before.pending.map((migration) => migration.id)).toEqual(["0001_a", "0002_b"]);
    expect(before.problems).toEqual([]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);

    await up(set, engineOptions(db.url));
    const after = await plan(set, engineOptions(db.url));
    expect(after.pending).toEqual([]);
    expect(after.applied.map((row) => row.version)).toEqual([1, 2]);
  });

  it("plans with one query for the applied set, whatever its size", async () => {
    for (let version = 1; version <= 60; version++) {
      dir.write(`${String(version).padStart(4, "0")}_step.sql`, `CREATE TABLE t${version} (id int);`);
    }
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));
    dir.write("0061_new.sql", "CREATE TABLE t61 (id int);");
    const recorder = await recordQueries(db.url);
    try {
      const result = await plan(loadMigrations(dir.path), engineOptions(recorder.url));
      expect(result.applied).toHaveLength(60);
      expect(result.pending.map((migration) => migration.id)).toEqual(["0061_new"]);
      expect(recorder.queries).toEqual([expect.stringMatching(trackingRead)]);
    } finally {
      recorder.close();
    }
  });

  it("applies one pending migration in four round trips: the lock with the set-up, one read, the file with its row, no flush and no re-read", async () => {
    dir.write("0001_first.sql", "CREATE TABLE t1 (id int);");
    await up(loadMigrations(dir.path), engineOptions(db.url));
    dir.write("0002_second.sql", "CREATE TABLE t2 (id int);");
    const recorder = await recordQueries(db.url);
    try {
      const result = await up(loadMigrations(dir.path), engineOptions(recorder.url));
      expect(result.applied.map((migration) => migration.id)).toEqual(["0002_second"]);
      expect(recorder.queries).toEqual([
        // The session set-up tries the migration lock too.
        expect.stringMatching(
          /^DO \$\$ BEGIN PERFORM set_config\('client_connection_check_interval'[\s\S]*;\nSELECT pg_try_advisory_lock\(\d+\) AS locked$/,
        ),
        expect.stringMatching(trackingRead),
        // The last (here the only) migration commits synchronously: no separate flush of the run's commits.
        expect.stringMatching(/^BEGIN;\nCREATE TABLE t2 \(id int\);\n;\n[\s\S]*INSERT INTO [\s\S]*;\nCOMMIT$/),
        // The final state comes from the tracking row's RETURNING: the table is not read again.
        expect.stringMatching(/^SELECT pg_advisory_unlock\(\d+\)$/),
      ]);
      expect(result.state).toEqual(await readApplied(engineOptions(db.url)));
    } finally {
      recorder.close();
    }
    expect(await tables(db.url)).toEqual(["schema_migrations", "t1", "t2"]);
  });

  it("applies the first migration to a fresh database in seven round trips: one look around after the failed read", async () => {
    dir.write("0001_first.sql", "CREATE TABLE t1 (id int);");
    const recorder = await recordQueries(db.url);
    try {
      await up(loadMigrations(dir.path), engineOptions(recorder.url));
      expect(recorder.queries).toEqual([
        // The session set-up tries the migration lock too.
        expect.stringMatching(
          /^DO \$\$ BEGIN PERFORM set_config\('client_connection_check_interval'[\s\S]*;\nSELECT pg_try_advisory_lock\(\d+\) AS locked$/,
        ),
        expect.stringMatching(trackingRead),
        // The tracking table is missing: whether its schema exists and whether the legacy table is in use, at once.
        expect.stringMatching(
          /^SELECT to_regclass\([^)]*\) IS NOT NULL AS current,\s+to_regnamespace\([\s\S]* AS columns$/,
        ),
        // The populated check knows the tracking table is missing: no second look for a relation of its name.
        expect.stringMatching(/^SELECT n\.nspname \|\| '\.' \|\| c\.relname AS name/),
        // Nor does the creation look again: it knows the schema is missing too.
        expect.stringMatching(/^SELECT set_config\('synchronous_commit', 'off', true\);\nCREATE SCHEMA IF NOT EXISTS/),
        expect.stringMatching(/^BEGIN;\nCREATE TABLE t1 \(id int\);\n;\n[\s\S]*INSERT INTO [\s\S]*;\nCOMMIT$/),
        expect.stringMatching(/^SELECT pg_advisory_unlock\(\d+\)$/),
      ]);
    } finally {
      recorder.close();
    }
    expect(await tables(db.url)).toEqual(["schema_migrations", "t1"]);
  });

  it("returns as its state the tracking table exactly as stored, without reading it again, in every mode", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write(
      "0002_b.sql",
      "-- migrate:no-transaction\nCREATE TABLE b (id int);\nCREATE INDEX CONCURRENTLY b_id ON b (id);",
    );
    const perMigration = await recordQueries(db.url);
    try {
      const first = await up(loadMigrations(dir.path), engineOptions(perMigration.url));
      // JSON: the same fields in the same order (as the CLI's --json and the Pulumi resource's outputs print them).
      expect(JSON.stringify(first.state)).toBe(JSON.stringify(await readApplied(engineOptions(db.url))));
      expect(first.state.map((row) => row.version)).toEqual([1, 2]);
      expect(perMigration.queries.filter((text) => trackingRead.test(text))).toHaveLength(1);
    } finally {
      perMigration.close();
    }

    dir.write("0003_c.sql", "CREATE TABLE c (id int);");
    dir.write("0004_d.sql", "CREATE TABLE d (id int);");
    const recorder = await recordQueries(db.url);
    try {
      const second = await up(loadMigrations(dir.path), engineOptions(recorder.url, { singleTransaction: true }));
      expect(JSON.stringify(second.state)).toBe(JSON.stringify(await readApplied(engineOptions(db.url))));
      expect(second.state.map((row) => row.version)).toEqual([1, 2, 3, 4]);
      expect(recorder.queries.filter((text) => trackingRead.test(text))).toHaveLength(1);
    } finally {
      recorder.close();
    }
  });

  it("uses a configurable, schema-qualified tracking table, creating its schema", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    const options = engineOptions(db.url, { trackingTable: "ops.applied_migrations" });
    await up(loadMigrations(dir.path), options);
    expect(await query(db.url, "SELECT version::int, name FROM ops.applied_migrations")).toEqual([
      { version: 1, name: "a" },
    ]);
    expect(await readApplied(options)).toHaveLength(1);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);
  });

  it("refuses a tracking table that belongs to another tool, and bad table names", async () => {
    // dbmate and golang-migrate keep their own schema_migrations in public: named as the tracking table, it is refused.
    await query(db.url, "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)");
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    const error = await failure(
      up(loadMigrations(dir.path), engineOptions(db.url, { trackingTable: "public.schema_migrations" })),
    );
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("public.schema_migrations exists but is not a pgvector-migrate tracking table");

    const bad = await failure(readApplied(engineOptions(db.url, { trackingTable: 'x"; DROP TABLE a; --' })));
    expect(bad.code).toBe("INVALID_OPTIONS");
    expect(bad.message).toContain("Invalid tracking table name");
  });

  it("refuses a view, or a table with other columns, in place of the tracking table, naming what it found", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    const set = loadMigrations(dir.path);
    const columns =
      "version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms integer NOT NULL, applied_by text NOT NULL";
    await query(
      db.url,
      `CREATE TABLE other_tool (${columns}, tenant text); INSERT INTO other_tool VALUES (1, 'a', 'x', now(), 1, 'someone', 't1')`,
    );
    await query(
      db.url,
      "CREATE VIEW schema_migrations AS SELECT version, name, checksum, applied_at, duration_ms, applied_by FROM other_tool",
    );
    const view = await failure(plan(set, engineOptions(db.url)));
    expect(view.code).toBe("INVALID_OPTIONS");
    expect(view.message).toContain(
      "The table public.schema_migrations exists but is not a pgvector-migrate tracking table: it is a view, not a table;",
    );

    const superset = await failure(up(set, engineOptions(db.url, { trackingTable: "public.other_tool" })));
    expect(superset.code).toBe("INVALID_OPTIONS");
    expect(superset.message).toContain(
      "public.other_tool exists but is not a pgvector-migrate tracking table: its columns are (applied_at timestamp with time zone, applied_by text, checksum text, duration_ms integer, name text, tenant text, version bigint)",
    );

    // Empty, so reading it finds no rows to check: up checks it before writing to it.
    await query(db.url, `CREATE TABLE empty_tool (${columns.replace("version bigint", "version text")})`);
    const empty = await failure(up(set, engineOptions(db.url, { trackingTable: "empty_tool" })));
    expect(empty.code).toBe("INVALID_OPTIONS");
    expect(empty.message).toContain("its columns are (");
    expect(empty.message).toContain("version text)");
    expect(await query(db.url, "SELECT to_regclass('a') IS NULL AS none")).toEqual([{ none: true }]);
  });

  it("refuses a tracking table in a temporary schema", async () => {
    for (const name of ["pg_temp.migrations", "pg_temp_3.migrations"]) {
      const error = await failure(readApplied(engineOptions(db.url, { trackingTable: name })));
      expect(error.code).toBe("INVALID_OPTIONS");
      expect(error.message).toContain(
        `Invalid tracking table name "${name}": ${name.split(".")[0]} is a temporary schema`,
      );
    }
  });

  it("a failing migration leaves schema and tracking table unchanged, and says file:line:column", async () => {
    dir.write("0001_ok.sql", "CREATE TABLE kept (id int);");
    dir.write(
      "0002_broken.sql",
      [
        "/* A multi-line comment",
        "   before the statements. */",
        "CREATE TABLE half_done (id int);",
        "-- ünïcödé comment 😀",
        "INSERT INTO half_done VALUES (1);",
        "INSERT INTO half_done SELECT id FROM",
        "    no_such_table;",
      ].join("\n"),
    );
    dir.write("0003_never.sql", "CREATE TABLE never (id int);");
    const set = loadMigrations(dir.path);
    const error = await failure(up(set, engineOptions(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(
      /^migrations\/0002_broken\.sql:7:5: ERROR 42P01: relation "no_such_table" does not exist\n/,
    );
    expect(error.message).toContain("STATEMENT:\n  INSERT INTO half_done SELECT id FROM\n      no_such_table");
    expect(error.message).toContain("The migration was rolled back");
    expect(error.details).toMatchObject({ file: "migrations/0002_broken.sql", line: 7, column: 5, sqlstate: "42P01" });

    expect(await tables(db.url)).toEqual(["kept", "schema_migrations"]);
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1]);
  });

  it("locates runtime errors without a position by the statement that failed", async () => {
    dir.write(
      "0001_runtime.sql",
      "CREATE TABLE t (n int CHECK (n > 0));\n\nINSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (-1);\nINSERT INTO t VALUES (2);",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.message).toMatch(
      /^migrations\/0001_runtime\.sql:4:3: ERROR 23514: new row for relation "t" violates check constraint/,
    );
    expect(error.message).toContain("DETAIL: Failing row contains (-1).");
    expect(await tables(db.url)).toEqual(["schema_migrations"]);
  });

  it("reports errors raised inside a DO block with their context", async () => {
    dir.write(
      "0001_do.sql",
      "SELECT 1;\nDO $$\nBEGIN\n  RAISE EXCEPTION 'custom failure' USING HINT = 'fix it';\nEND\n$$;",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.message).toMatch(/^migrations\/0001_do\.sql:2:1: ERROR P0001: custom failure\n/);
    expect(error.message).toContain("HINT: fix it");
    expect(error.message).toContain("CONTEXT: PL/pgSQL function inline_code_block line 3 at RAISE");
  });

  it("rejects SQL syntax errors and misplaced statements before running anything", async () => {
    dir.write("0001_fine.sql", "CREATE TABLE fine (id int);");
    dir.write("0002_typo.sql", "-- 😀 comment\nCREATE TABLE a (id int);\nCREAT TABLE b (id int);");
    dir.write("0003_concurrent.sql", "CREATE TABLE c (id int);\nCREATE INDEX CONCURRENTLY c_id ON c (id);");
    dir.write("0004_commit.sql", "CREATE TABLE d (id int);\nCOMMIT;");
    dir.write("0005_empty.sql", "-- nothing yet\n");
    dir.write("0006_copy.sql", "COPY fine FROM STDIN;");
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.message).toContain('migrations/0002_typo.sql:3:1: syntax error at or near "CREAT"');
    expect(error.message).toContain(
      'migrations/0003_concurrent.sql:2:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction: add "-- migrate:no-transaction"',
    );
    expect(error.message).toContain("migrations/0004_commit.sql:2:1: COMMIT ends or starts a transaction");
    expect(error.message).toContain("migrations/0005_empty.sql: contains no SQL statements");
    expect(error.message).toContain("migrations/0006_copy.sql:1:1: COPY ... FROM STDIN");
    expect(await tables(db.url)).toEqual([]);
  });

  it("applies directives: SET LOCAL settings in a transaction, session settings without one", async () => {
    dir.write(
      "0001_settings.sql",
      "-- migrate:set work_mem = '7MB'\n-- migrate:set lock_timeout = '3s'\nCREATE TABLE seen AS SELECT current_setting('work_mem') AS work_mem, current_setting('lock_timeout') AS lock_timeout;",
    );
    dir.write(
      "0002_outside.sql",
      "-- migrate:no-transaction\n-- migrate:set maintenance_work_mem = '77MB'\nINSERT INTO seen VALUES (current_setting('maintenance_work_mem'), 'x');\nVACUUM seen;",
    );
    dir.write(
      "0003_after.sql",
      "INSERT INTO seen VALUES (current_setting('maintenance_work_mem'), current_setting('work_mem'));",
    );
    await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(await query(db.url, "SELECT * FROM seen")).toEqual([
      { work_mem: "7MB", lock_timeout: "3s" },
      { work_mem: "77MB", lock_timeout: "x" },
      { work_mem: "64MB", lock_timeout: "4MB" },
    ]);
  });

  it("reports a setting the server refuses, naming the file, with or without a transaction", async () => {
    dir.write("0001_huge.sql", "-- migrate:set maintenance_work_mem = '99999999TB'\nCREATE TABLE a (id int);");
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(/^migrations\/0001_huge\.sql: ERROR 22023: .*maintenance_work_mem/);
    expect(error.message).toContain(
      'The server refused a "-- migrate:set" directive of this file (maintenance_work_mem)',
    );

    dir.write(
      "0001_huge.sql",
      "-- migrate:no-transaction\n-- migrate:set maintenance_work_mem = '99999999TB'\nCREATE TABLE a (id int);",
    );
    const outside = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(outside.message).toMatch(/^migrations\/0001_huge\.sql: ERROR 22023: /);
    expect(outside.message).toContain("Nothing of this migration was run.");
    expect(await tables(db.url)).toEqual(["schema_migrations"]);
  });

  it("says what stayed applied when a no-transaction migration fails part way, and retries it from the top", async () => {
    dir.write(
      "0001_outside.sql",
      "-- migrate:no-transaction\nCREATE TABLE IF NOT EXISTS first (id int);\nCREATE TABLE second AS SELECT * FROM nowhere;",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.message).toMatch(
      /^migrations\/0001_outside\.sql:3:38: ERROR 42P01: relation "nowhere" does not exist/,
    );
    expect(error.message).toContain("the 1 statement(s) before this one were applied and stay applied");
    expect(await tables(db.url)).toEqual(["first", "schema_migrations"]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);

    dir.write(
      "0001_outside.sql",
      "-- migrate:no-transaction\nCREATE TABLE IF NOT EXISTS first (id int);\nCREATE TABLE second (id int REFERENCES first);",
    );
    await failure(up(loadMigrations(dir.path), engineOptions(db.url))).then((retry) =>
      expect(retry.message).toContain(`there is no primary key for referenced table "first"`),
    );
    dir.write(
      "0001_outside.sql",
      "-- migrate:no-transaction\nCREATE TABLE IF NOT EXISTS first (id int PRIMARY KEY);\nCREATE TABLE second (id int);",
    );
    expect((await up(loadMigrations(dir.path), engineOptions(db.url))).applied).toHaveLength(1);
  });

  it("rolls back a transaction a no-transaction file opened itself when it fails", async () => {
    dir.write(
      "0001_own_transaction.sql",
      "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE inside (id int);\nSELECT 1/0;\nCOMMIT;",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.message).toMatch(/^migrations\/0001_own_transaction\.sql:4:1: ERROR 22012: division by zero/);
    expect(await tables(db.url)).toEqual(["schema_migrations"]);
    // The lock was released: the next run is not blocked.
    dir.write("0001_own_transaction.sql", "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE inside (id int);\nCOMMIT;");
    expect((await up(loadMigrations(dir.path), engineOptions(db.url, { lockTimeoutMs: 0 }))).applied).toHaveLength(1);
    expect(await tables(db.url)).toEqual(["inside", "schema_migrations"]);
  });

  it("refuses a no-transaction file that leaves its own transaction open, and records nothing", async () => {
    dir.write(
      "0001_open.sql",
      "-- migrate:no-transaction\nCREATE TABLE before_begin (id int);\nBEGIN;\nCREATE TABLE inside (id int);",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(
      /^migrations\/0001_open\.sql:3:1: the file opens a transaction here and does not commit it\. That transaction was rolled back and the migration is not recorded: end it with COMMIT/,
    );
    expect(error.details).toMatchObject({ file: "migrations/0001_open.sql", line: 3, column: 1 });
    expect(await tables(db.url)).toEqual(["before_begin", "schema_migrations"]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);
  });

  it("shows the NOTICEs raised by the SQL by default (a logger without notice: warn), at their statement", async () => {
    dir.write("0001_notice.sql", "CREATE TABLE IF NOT EXISTS pg_temp.x (id int);\nDROP TABLE IF EXISTS not_there;");
    dir.write(
      "0002_outside.sql",
      "-- migrate:no-transaction\nSELECT 1;\nDO $$ BEGIN RAISE WARNING 'careful' USING DETAIL = 'why', HINT = 'what to do'; END $$;",
    );
    const logger = new CapturingLogger();
    await up(loadMigrations(dir.path), engineOptions(db.url, { logger }));
    expect(logger.lines).toContain(
      'warn: migrations/0001_notice.sql:2:1: NOTICE: table "not_there" does not exist, skipping',
    );
    expect(logger.lines).toContain(
      "warn: migrations/0002_outside.sql:3:1: WARNING: careful\n  DETAIL: why\n  HINT: what to do",
    );
  });

  it("gives the NOTICEs to the logger's notice when it has one", async () => {
    dir.write("0001_notice.sql", "DROP TABLE IF EXISTS not_there;");
    const notices: string[] = [];
    const logger = { info: () => {}, warn: () => {}, notice: (message: string) => notices.push(message) };
    await up(loadMigrations(dir.path), engineOptions(db.url, { logger }));
    expect(notices).toEqual(['migrations/0001_notice.sql:1:1: NOTICE: table "not_there" does not exist, skipping']);
  });

  it("validateSql checks every up and down file without a database", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0001_a.down.sql", "DROP TABLE a;\nVACUUM;");
    dir.write("0002_b.sql", "CREATE TABLE b (id int;");
    const error = await failure(validateSql(loadMigrations(dir.path)));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.details?.problems).toEqual([
      'migrations/0002_b.sql:1:23: syntax error at or near ";"',
      expect.stringContaining("migrations/0001_a.down.sql:2:1: VACUUM cannot run inside a transaction"),
    ]);
    dir.write("0001_a.down.sql", "DROP TABLE a;");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    await validateSql(loadMigrations(dir.path));
  });

  it("applies sessionSettings to the migration session", async () => {
    await query(db.url, "CREATE SCHEMA app");
    dir.write("0001_a.sql", "CREATE TABLE things (id int);");
    await up(loadMigrations(dir.path), engineOptions(db.url, { sessionSettings: { search_path: "app" } }));
    expect(await query(db.url, "SELECT to_regclass('app.things')::text AS t")).toEqual([{ t: "app.things" }]);
  });

  it("reports sessionSettings the server refuses before running anything", async () => {
    dir.write("0001_a.sql", "CREATE TABLE things (id int);");
    const error = await failure(
      up(loadMigrations(dir.path), engineOptions(db.url, { sessionSettings: { work_mem: "lots" } })),
    );
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain(
      'The server refused the session settings (sessionSettings): invalid value for parameter "work_mem": "lots"',
    );
    expect(error.details).toMatchObject({ sqlstate: "22023" });
    expect(await tables(db.url)).toEqual([]);
  });
});

describe("plan problems", () => {
  it("reports edited and deleted files (not line-ending changes), and up refuses to run", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int);\n");
    await up(loadMigrations(dir.path), engineOptions(db.url));
    const applied = await readApplied(engineOptions(db.url));

    dir.write("0001_a.sql", "CREATE TABLE a (id bigint);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int);\r\n");
    dir.write("0004_d.sql", "CREATE TABLE d (id int);");
    const set = loadMigrations(dir.path);
    const result = await plan(set, engineOptions(db.url));
    expect(result.pending.map((migration) => migration.id)).toEqual(["0004_d"]);
    expect(result.problems).toEqual([
      {
        kind: "checksum-mismatch",
        severity: "error",
        version: 1,
        name: "a",
        displayPath: "migrations/0001_a.sql",
        appliedChecksum: applied[0]?.checksum,
        fileChecksum: set.migrations[0]?.up.checksum,
        message: expect.stringContaining(
          `changed after it was applied (applied checksum ${applied[0]?.checksum}, file checksum ${set.migrations[0]?.up.checksum})`,
        ),
      },
    ]);
    const refusedEdit = await failure(up(set, engineOptions(db.url)));
    expect(refusedEdit.code).toBe("PLAN_PROBLEMS");
    expect(refusedEdit.message).toContain("migrations/0001_a.sql changed after it was applied");
    expect(await tables(db.url)).not.toContain("d");

    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.remove("0002_b.sql");
    dir.remove("0004_d.sql");
    dir.remove("0003_c.sql");
    const deleted = await plan(loadMigrations(dir.path), engineOptions(db.url));
    expect(deleted.problems.map((problem) => [problem.kind, problem.version])).toEqual([
      ["missing-file", 2],
      ["missing-file", 3],
    ]);
    expect(deleted.problems[0]?.message).toContain("Migration 2 (b) is applied but its file is gone from migrations/");
    const refused = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(refused.code).toBe("PLAN_PROBLEMS");
    expect(refused.message).toContain("Migration 3 (c) is applied but its file is gone");
  });

  it("treats a pending migration older than the newest applied one as an error unless allowed", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int);");
    await up(loadMigrations(dir.path), engineOptions(db.url));
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    const set = loadMigrations(dir.path);

    const strict = await plan(set, engineOptions(db.url));
    expect(strict.pending.map((migration) => migration.version)).toEqual([2]);
    expect(strict.problems).toMatchObject([
      {
        kind: "out-of-order",
        severity: "error",
        version: 2,
        newestAppliedVersion: 3,
        displayPath: "migrations/0002_b.sql",
      },
    ]);
    const refused = await failure(up(set, engineOptions(db.url)));
    expect(refused.code).toBe("PLAN_PROBLEMS");
    expect(refused.message).toContain("migrations/0002_b.sql is older than the newest applied migration (3)");
    expect(await tables(db.url)).not.toContain("b");

    const logger = new CapturingLogger();
    const allowed = await up(set, engineOptions(db.url, { allowOutOfOrder: true, logger }));
    expect(allowed.applied.map((applied) => applied.version)).toEqual([2]);
    expect(logger.text()).toContain(
      "warn: migrations/0002_b.sql is older than the newest applied migration (3); it will be applied out of order",
    );
    expect((await plan(set, engineOptions(db.url))).problems).toEqual([]);
  });
});

describe("down", () => {
  it("reverts to a target in reverse order, each down file with its tracking row", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0001_a.down.sql", "DROP TABLE a;");
    dir.write("0002_b.sql", "CREATE TABLE b (id int PRIMARY KEY);");
    dir.write("0002_b.down.sql", "DROP TABLE b;");
    dir.write("0003_c.sql", "CREATE TABLE c (id int REFERENCES b);");
    dir.write("0003_c.down.sql", "DROP TABLE c;");
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));

    const result = await down(set, 1, engineOptions(db.url));
    expect(result.reverted.map((reverted) => reverted.id)).toEqual(["0003_c", "0002_b"]);
    expect(result.state.map((row) => row.version)).toEqual([1]);
    expect(await tables(db.url)).toEqual(["a", "schema_migrations"]);

    const none = await down(set, 1, engineOptions(db.url));
    expect(none.reverted).toEqual([]);
    const all = await down(set, 0, engineOptions(db.url));
    expect(all.reverted.map((reverted) => reverted.version)).toEqual([1]);
    expect(await tables(db.url)).toEqual(["schema_migrations"]);

    await up(set, engineOptions(db.url));
    expect(await tables(db.url)).toEqual(["a", "b", "c", "schema_migrations"]);
  });

  it("times a down file by the clock, not by a row the file itself returns last", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0001_a.down.sql", "DROP TABLE a;\nSELECT 987654321;");
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));
    const result = await down(set, 0, engineOptions(db.url));
    expect(result.reverted.map((reverted) => reverted.id)).toEqual(["0001_a"]);
    expect(result.reverted[0]?.durationMs).toBeLessThan(60_000);
  });

  it("refuses before running anything when a needed down file is missing", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0001_a.down.sql", "DROP TABLE a;");
    dir.write("0002_b.sql", "CREATE TABLE b (id int);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int);");
    dir.write("0003_c.down.sql", "DROP TABLE c;");
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));
    const error = await failure(down(set, 0, engineOptions(db.url)));
    expect(error.code).toBe("DOWN_MISSING");
    expect(error.message).toContain("migrations/0002_b.sql has no down file: add 0002_b.down.sql");
    expect(await tables(db.url)).toEqual(["a", "b", "c", "schema_migrations"]);
    expect((await down(set, 2, engineOptions(db.url))).reverted.map((reverted) => reverted.version)).toEqual([3]);

    dir.remove("0002_b.sql");
    const gone = await failure(down(loadMigrations(dir.path), 0, engineOptions(db.url)));
    expect(gone.code).toBe("DOWN_MISSING");
    expect(gone.details?.problems).toEqual([
      "migration 2 (b) is applied but its files are gone from migrations/: restore them, or choose a later target",
    ]);
    expect(await tables(db.url)).toEqual(["a", "b", "schema_migrations"]);
  });

  it("rejects a target that is not applied", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0003_c.sql", "CREATE TABLE c (id int);");
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));
    const error = await failure(down(set, 2, engineOptions(db.url)));
    expect(error.code).toBe("INVALID_TARGET");
    expect(error.message).toContain(
      "Version 2 is not applied, so it cannot be the target of down (applied versions: 1, 3)",
    );
    expect((await failure(down(set, -1, engineOptions(db.url)))).code).toBe("INVALID_TARGET");
  });

  it("a failing down file leaves the migration applied", async () => {
    dir.write("0001_a.sql", "CREATE TABLE a (id int);");
    dir.write("0001_a.down.sql", "DROP TABLE a;\nDROP TABLE not_there;");
    const set = loadMigrations(dir.path);
    await up(set, engineOptions(db.url));
    const error = await failure(down(set, 0, engineOptions(db.url)));
    expect(error.message).toMatch(/^migrations\/0001_a\.down\.sql:2:1: ERROR 42P01: table "not_there" does not exist/);
    expect(error.message).toContain(
      "The down migration was rolled back: none of its changes were applied, and the migration stays recorded as applied.",
    );
    expect(await tables(db.url)).toEqual(["a", "schema_migrations"]);
    expect(await readApplied(engineOptions(db.url))).toHaveLength(1);
  });
});
