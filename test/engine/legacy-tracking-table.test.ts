// The default tracking table moved from public.schema_migrations to pgvector_migrate.schema_migrations: databases
// migrated with the old default keep their history, on native PostgreSQL.
import { down, loadMigrations, plan, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { CapturingLogger, engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("legacy_tracking");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const legacy = "public.schema_migrations";
const where = async () =>
  (
    await query<{ legacy: boolean; current: boolean }>(
      db.url,
      `SELECT to_regclass('public.schema_migrations') IS NOT NULL AS legacy,
              to_regclass('pgvector_migrate.schema_migrations') IS NOT NULL AS current`,
    )
  )[0];

/** A database an earlier version migrated: its tracking table in public. */
async function migratedWithTheOldDefault(): Promise<void> {
  dir.write("0001_notes.sql", "CREATE TABLE notes (id int);");
  dir.write("0002_tags.sql", "CREATE TABLE tags (id int);");
  await up(loadMigrations(dir.path), engineOptions(db.url, { trackingTable: legacy }));
  expect(await where()).toEqual({ legacy: true, current: false });
}

describe("the default tracking table", () => {
  it("is pgvector_migrate.schema_migrations, created with its schema on a fresh database", async () => {
    dir.write("0001_notes.sql", "CREATE TABLE notes (id int);");
    await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(await where()).toEqual({ legacy: false, current: true });
    expect(await query(db.url, "SELECT version::int FROM pgvector_migrate.schema_migrations")).toEqual([
      { version: 1 },
    ]);
  });
});

describe("a database migrated with the old default, public.schema_migrations", () => {
  it("is read where it is by plan and readApplied, which write nothing", async () => {
    await migratedWithTheOldDefault();
    dir.write("0003_links.sql", "CREATE TABLE links (id int);");
    const result = await plan(loadMigrations(dir.path), engineOptions(db.url));
    expect(result.applied.map((row) => row.version)).toEqual([1, 2]);
    expect(result.pending.map((migration) => migration.id)).toEqual(["0003_links"]);
    expect(await readApplied(engineOptions(db.url))).toHaveLength(2);
    expect(await where()).toEqual({ legacy: true, current: false });
  });

  it("is moved by up into pgvector_migrate, with its rows, under the lock and logged; nothing runs twice", async () => {
    await migratedWithTheOldDefault();
    dir.write("0003_links.sql", "CREATE TABLE links (id int);");
    const logger = new CapturingLogger();
    const result = await up(loadMigrations(dir.path), engineOptions(db.url, { logger }));
    expect(result.applied.map((applied) => applied.id)).toEqual(["0003_links"]);
    expect(await where()).toEqual({ legacy: false, current: true });
    expect(await query(db.url, "SELECT version::int, name FROM pgvector_migrate.schema_migrations ORDER BY 1")).toEqual(
      [
        { version: 1, name: "notes" },
        { version: 2, name: "tags" },
        { version: 3, name: "links" },
      ],
    );
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^info: Moved the tracking table public\.schema_migrations to pgvector_migrate\.schema_migrations/,
      ),
    );
    // The next run finds it in its new place and moves nothing.
    const again = new CapturingLogger();
    await up(loadMigrations(dir.path), engineOptions(db.url, { logger: again }));
    expect(again.text()).not.toContain("Moved the tracking table");
  });

  it("is moved by down too, which then reverts from it", async () => {
    await migratedWithTheOldDefault();
    dir.write("0002_tags.down.sql", "DROP TABLE tags;");
    const result = await down(loadMigrations(dir.path), 1, engineOptions(db.url));
    expect(result.reverted.map((reverted) => reverted.id)).toEqual(["0002_tags"]);
    expect(await where()).toEqual({ legacy: false, current: true });
    expect(await query(db.url, "SELECT version::int FROM pgvector_migrate.schema_migrations")).toEqual([
      { version: 1 },
    ]);
  });

  it("stays where it is when named as the tracking table", async () => {
    await migratedWithTheOldDefault();
    await up(loadMigrations(dir.path), engineOptions(db.url, { trackingTable: legacy }));
    expect(await where()).toEqual({ legacy: true, current: false });
  });

  it("is not taken when it belongs to another tool (dbmate's schema_migrations): the default table is created", async () => {
    await query(db.url, "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)");
    dir.write("0001_notes.sql", "CREATE TABLE notes (id int);");
    await up(loadMigrations(dir.path), engineOptions(db.url));
    expect(await where()).toEqual({ legacy: true, current: true });
    expect(await query(db.url, "SELECT count(*)::int AS n FROM public.schema_migrations")).toEqual([{ n: 0 }]);
  });

  it("fails clearly, changing nothing, when the runner may not move it", async () => {
    await migratedWithTheOldDefault();
    const role = `${db.name}_runner`;
    await query(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'runner-pw'`);
    try {
      await query(db.url, `GRANT SELECT ON public.schema_migrations TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      url.password = "runner-pw";
      dir.write("0003_links.sql", "CREATE TABLE links (id int);");
      const error = await failure(up(loadMigrations(dir.path), engineOptions(url.toString())));
      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.message).toContain(
        "Cannot move the tracking table public.schema_migrations to pgvector_migrate.schema_migrations: permission denied for database",
      );
      expect(error.message).toContain('trackingTable "public.schema_migrations"');
      expect(await where()).toEqual({ legacy: true, current: false });
      expect(await query(db.url, "SELECT to_regclass('links') AS links")).toEqual([{ links: null }]);
    } finally {
      await query(db.url, `DROP OWNED BY ${role}`);
      await query(db.url, `DROP ROLE ${role}`);
    }
  });
});
