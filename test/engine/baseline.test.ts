// Refusing to run into a populated database, and `baseline`, against native PostgreSQL.

import pg from "pg";
import { baseline, loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveTrackingTable } from "../../packages/migrate/src/db/tracking-table";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("baseline");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const schemaExists = async (url: string, schema: string) =>
  (await query<{ found: boolean }>(url, "SELECT to_regnamespace($1) IS NOT NULL AS found", [schema]))[0]?.found;

function writeThree(): void {
  dir.write("0001_documents.sql", "CREATE TABLE documents (id int PRIMARY KEY);");
  dir.write("0002_chunks.sql", "CREATE TABLE chunks (id int PRIMARY KEY, document_id int REFERENCES documents);");
  dir.write("0003_tags.sql", "CREATE TABLE tags (name text);");
}

describe("up into a populated database", () => {
  it("refuses when nothing is recorded but tables exist, creating nothing, and names what to do", async () => {
    writeThree();
    await query(
      db.url,
      "CREATE TABLE legacy_orders (id int); CREATE SCHEMA app; CREATE VIEW app.orders AS SELECT 1 AS id",
    );
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("INVALID_TARGET");
    expect(error.message).toContain("2 table(s) or view(s) (app.orders, public.legacy_orders)");
    expect(error.message).toContain("pgvector-migrate baseline --to <version>");
    expect(error.message).toContain("--allow-populated");
    expect(error.message).toContain("allowPopulated");
    expect(await schemaExists(db.url, "pgvector_migrate")).toBe(false);
    expect(await query(db.url, "SELECT to_regclass('documents') AS t")).toEqual([{ t: null }]);
  });

  it("on Supabase, ignores the platform's own schemas (auth, storage, ...) but not the application's tables", async () => {
    writeThree();
    // A new Supabase project has tables in auth and storage before any migration ran.
    await query(
      db.url,
      "CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid); CREATE SCHEMA storage; CREATE TABLE storage.objects (id uuid)",
    );
    await up(loadMigrations(dir.path), engineOptions(db.url, { platform: "supabase" }));
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1, 2, 3]);

    const other = await createNativeDatabase("baseline_supabase");
    try {
      await query(
        other.url,
        "CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid); CREATE TABLE public.orders (id int)",
      );
      const error = await failure(up(loadMigrations(dir.path), engineOptions(other.url, { platform: "supabase" })));
      expect(error.code).toBe("INVALID_TARGET");
      expect(error.message).toContain("1 table(s) or view(s) (public.orders)");
      // Elsewhere the same auth table is the application's.
      const generic = await failure(up(loadMigrations(dir.path), engineOptions(other.url)));
      expect(generic.message).toContain("2 table(s) or view(s) (auth.users, public.orders)");
    } finally {
      await other.drop();
    }
  });

  it("still sees the tables of public when the tracking table is in public", async () => {
    writeThree();
    await query(db.url, "CREATE TABLE legacy_orders (id int)");
    const options = engineOptions(db.url, { trackingTable: "public.app_migrations" });
    const error = await failure(up(loadMigrations(dir.path), options));
    expect(error.code).toBe("INVALID_TARGET");
    expect(error.message).toContain("1 table(s) or view(s) (public.legacy_orders)");
  });

  it("refuses when the tracking table exists but is empty", async () => {
    writeThree();
    await query(db.url, "CREATE TABLE legacy_orders (id int)");
    await baseline(loadMigrations(dir.path), 1, engineOptions(db.url));
    await query(db.url, "DELETE FROM pgvector_migrate.schema_migrations");
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("INVALID_TARGET");
    expect(await query(db.url, "SELECT to_regclass('documents') AS t")).toEqual([{ t: null }]);
  });

  it("treats a database holding only extensions (and their tables and views) as empty", async () => {
    writeThree();
    // pg_buffercache creates a view in public that belongs to the extension (pg_depend deptype 'e').
    await query(db.url, "CREATE EXTENSION pg_buffercache");
    const result = await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(result.applied.map((applied) => applied.id)).toEqual(["0001_documents", "0002_chunks", "0003_tags"]);
  });

  it("applies everything with allowPopulated", async () => {
    writeThree();
    await query(db.url, "CREATE TABLE legacy_orders (id int)");
    const result = await up(loadMigrations(dir.path), engineOptions(db.url, { allowPopulated: true }));
    expect(result.applied).toHaveLength(3);
  });

  it("does not check once migrations are recorded", async () => {
    writeThree();
    await up(loadMigrations(dir.path), engineOptions(db.url));
    dir.write("0004_more.sql", "CREATE TABLE more (id int);");
    const result = await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(result.applied.map((applied) => applied.id)).toEqual(["0004_more"]);
  });
});

describe("baseline", () => {
  it("records migrations up to the version without running them; up then runs only the newer ones", async () => {
    writeThree();
    // The schema of 0001 and 0002, built before the database was tracked.
    await query(
      db.url,
      "CREATE TABLE documents (id int PRIMARY KEY); CREATE TABLE chunks (id int PRIMARY KEY, document_id int REFERENCES documents)",
    );
    const set = loadMigrations(dir.path);
    const result = await baseline(set, 2, engineOptions(db.url));
    expect(result.baselined.map((row) => [row.id, row.checksum, row.durationMs])).toEqual([
      ["0001_documents", set.migrations[0]?.up.checksum, 0],
      ["0002_chunks", set.migrations[1]?.up.checksum, 0],
    ]);
    const rows = await readApplied(engineOptions(db.url));
    expect(rows.map((row) => [row.version, row.appliedBy])).toEqual([
      [1, "postgres (baseline)"],
      [2, "postgres (baseline)"],
    ]);

    const applied = await up(set, engineOptions(db.url));
    expect(applied.applied.map((row) => row.id)).toEqual(["0003_tags"]);
    expect(applied.state.map((row) => row.version)).toEqual([1, 2, 3]);
  });

  it("is a no-op the second time", async () => {
    writeThree();
    const set = loadMigrations(dir.path);
    await baseline(set, 2, engineOptions(db.url));
    const before = await readApplied(engineOptions(db.url));
    const again = await baseline(set, 2, engineOptions(db.url));
    expect(again.baselined).toEqual([]);
    expect(again.state).toHaveLength(2);
    expect(await readApplied(engineOptions(db.url))).toEqual(before);
  });

  it("refuses a version that is not in the folder, recording nothing", async () => {
    writeThree();
    const error = await failure(baseline(loadMigrations(dir.path), 7, engineOptions(db.url)));
    expect(error.code).toBe("INVALID_TARGET");
    expect(error.message).toContain("has version 7");
    expect(await schemaExists(db.url, "pgvector_migrate")).toBe(false);
  });

  it("refuses when a migration up to the version is recorded with another checksum, recording nothing", async () => {
    writeThree();
    await baseline(loadMigrations(dir.path), 1, engineOptions(db.url));
    dir.write("0001_documents.sql", "CREATE TABLE documents (id bigint PRIMARY KEY);");
    const error = await failure(baseline(loadMigrations(dir.path), 2, engineOptions(db.url)));
    expect(error.code).toBe("PLAN_PROBLEMS");
    expect(error.message).toContain("0001_documents.sql is recorded as applied with checksum");
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1]);
  });

  it("waits for the migration lock of a running up", async () => {
    writeThree();
    const set = loadMigrations(dir.path);
    // Another runner holding the migration lock.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(${resolveTrackingTable().lockKey}::bigint)`);
      const error = await failure(baseline(set, 1, engineOptions(db.url, { lockTimeoutMs: 200 })));
      expect(error.code).toBe("LOCK_TIMEOUT");
      expect(await schemaExists(db.url, "pgvector_migrate")).toBe(false);
    } finally {
      await client.end();
    }
  });
});
