// Adopting a database another tool migrated, per format, against PostgreSQL with pgvector (PGlite): the tool runs
// the format's fixture and keeps its ledger (the real dbmate binary; drizzle-orm's migrator, which `drizzle-kit
// migrate` runs; for the others their files run as the tool sends them and their ledger rows are written with the
// DDL and values of the tool's source, cited at each). Then `up` refuses with advice, `import` records the ledger,
// `plan` shows nothing pending, and a new migration applies exactly once (beside drizzle-kit and the Supabase CLI
// with keepToolLedger, so their tool then has nothing to do).
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as drizzleMigrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import {
  createMigration,
  importLedger,
  loadMigrations,
  type MigrationFormat,
  type MigrationSet,
  plan,
  up,
} from "pgvector-migrate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import { copyFixture } from "./format-fixtures";
import { engineOptions, failure, query } from "./helpers";

let server: PgvectorServer;
beforeAll(async () => {
  server = await startPgvectorServer();
});
afterAll(async () => {
  await server.stop();
});

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  await query(
    server.url,
    `DROP SCHEMA public CASCADE; CREATE SCHEMA public;
     DROP SCHEMA IF EXISTS pgvector_migrate CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE;
     DROP SCHEMA IF EXISTS supabase_migrations CASCADE`,
  );
});

function fixtureCopy(format: MigrationFormat): string {
  const root = mkdtempSync(join(tmpdir(), "pgvm-adopt-"));
  roots.push(root);
  return copyFixture(format, root);
}

/** Each file's SQL sent as one multi-statement query, as golang-migrate, the Supabase CLI and Prisma send it. */
async function runFiles(set: MigrationSet): Promise<void> {
  for (const migration of set.migrations) await query(server.url, readFileSync(migration.up.path, "utf8"));
}

/** Flyway's checksum, computed here with Node's own CRC-32 (see ledgers/checksums.ts for Flyway's source). */
function flywayChecksum(path: string): number {
  const lines = readFileSync(path, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines.reduce((crc, line) => crc32(Buffer.from(line, "utf8"), crc), 0) | 0;
}

const sha256 = async (path: string) =>
  (await import("node:crypto")).createHash("sha256").update(readFileSync(path)).digest("hex");

/** What the tool does to migrate the fixture and record it. */
const migratedByTool: Record<Exclude<MigrationFormat, "native">, (path: string) => Promise<void>> = {
  drizzle: async (path) => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await drizzleMigrate(drizzle(client), { migrationsFolder: path });
    } finally {
      await client.end();
    }
  },
  dbmate: async (path) => {
    // Asynchronously: the PGlite server answers from this process.
    await promisify(execFile)(join(repoRoot, "node_modules/.bin/dbmate"), [
      "--url",
      server.url,
      "--migrations-dir",
      path,
      "--no-dump-schema",
      "up",
    ]);
  },
  supabase: async (path) => {
    const set = loadMigrations(path);
    await runFiles(set);
    // supabase/cli pkg/migration/history.go: CreateMigrationTable, INSERT_MIGRATION_VERSION.
    await query(
      server.url,
      `CREATE SCHEMA IF NOT EXISTS supabase_migrations;
       CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text`,
    );
    for (const migration of set.migrations) {
      await query(
        server.url,
        "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)",
        [migration.versionText, migration.name, [readFileSync(migration.up.path, "utf8")]],
      );
    }
  },
  "golang-migrate": async (path) => {
    const set = loadMigrations(path);
    await runFiles(set);
    // golang-migrate/migrate database/postgres/postgres.go: ensureVersionTable, SetVersion (one row).
    await query(
      server.url,
      "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)",
    );
    await query(server.url, "INSERT INTO schema_migrations (version, dirty) VALUES ($1, $2)", [
      set.migrations.at(-1)?.version,
      false,
    ]);
  },
  flyway: async (path) => {
    const set = loadMigrations(path);
    await runFiles(set);
    // flyway-core .../database/postgresql/createMetaDataTable.sql.
    await query(
      server.url,
      `CREATE TABLE "public"."flyway_schema_history" (
         "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
         "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
         "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
         "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
       ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
       CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")`,
    );
    for (const [index, migration] of set.migrations.entries()) {
      await query(
        server.url,
        `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
         VALUES ($1, $2, $3, 'SQL', $4, $5, 'postgres', 12, true)`,
        [
          index + 1,
          migration.versionText,
          migration.name.replace(/_/g, " "),
          `${migration.id}.sql`,
          flywayChecksum(migration.up.path),
        ],
      );
    }
  },
  prisma: async (path) => {
    const set = loadMigrations(path);
    await runFiles(set);
    // prisma-engines schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs, create_migrations_table.
    await query(
      server.url,
      `CREATE TABLE _prisma_migrations (
         id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
         migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
         started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
    );
    for (const migration of set.migrations) {
      await query(
        server.url,
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), await sha256(migration.up.path), migration.id],
      );
    }
  },
};

const tagsSql = "ALTER TABLE documents ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\n";

/** A new migration written as the team would for its format. */
function addMigration(format: MigrationFormat, path: string): void {
  if (format === "drizzle") {
    // As `drizzle-kit generate --custom --name=tags` writes it: a journal entry and its file.
    const journalPath = join(path, "meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: "0003_tags" });
    writeFileSync(journalPath, JSON.stringify(journal, null, 2));
    writeFileSync(join(path, "0003_tags.sql"), tagsSql);
    return;
  }
  if (format === "prisma") {
    mkdirSync(join(path, "20260104000000_tags"));
    writeFileSync(join(path, "20260104000000_tags/migration.sql"), tagsSql);
    return;
  }
  const created = createMigration(path, "add_tags");
  writeFileSync(created.upPath, format === "dbmate" ? `-- migrate:up\n${tagsSql}\n-- migrate:down\n` : tagsSql);
}

const ledgers: Record<Exclude<MigrationFormat, "native">, string> = {
  drizzle: "drizzle.__drizzle_migrations",
  supabase: "supabase_migrations.schema_migrations",
  dbmate: "schema_migrations",
  "golang-migrate": "schema_migrations",
  flyway: "flyway_schema_history",
  prisma: "_prisma_migrations",
};

describe.each(["drizzle", "dbmate", "supabase", "golang-migrate", "flyway", "prisma"] as const)(
  "adopting a database %s migrated",
  (format) => {
    it("up refuses with advice; import records the ledger; nothing is pending; a new migration applies once", async () => {
      const path = fixtureCopy(format);
      await migratedByTool[format](path);
      const set = loadMigrations(path);
      expect(set.format).toBe(format);
      const options = engineOptions(server.url);

      const refused = await failure(up(set, options));
      expect(refused.code).toBe("INVALID_TARGET");
      expect(refused.message).toContain("`pgvector-migrate import`");
      expect(refused.message).toContain(ledgers[format]);

      const imported = await importLedger(set, options);
      expect(imported.ledger).toMatch(new RegExp(`^(public\\.)?${ledgers[format].replace(/\./g, "\\.")}$`));
      expect(imported.imported.map((result) => result.id)).toEqual(set.migrations.map((migration) => migration.id));
      expect(imported.state.map((row) => row.appliedBy)).toEqual(
        set.migrations.map(() => expect.stringMatching(/\(imported from .+\)$/)),
      );
      expect(imported.state.map((row) => row.checksum)).toEqual(set.migrations.map((m) => m.up.checksum));

      const after = await plan(set, options);
      expect(after.problems).toEqual([]);
      expect(after.pending).toEqual([]);
      expect((await importLedger(set, options)).imported).toEqual([]);

      addMigration(format, path);
      const next = loadMigrations(path);
      // Beside drizzle-kit and the Supabase CLI, the new migration goes into their ledger too.
      const keepToolLedger = format === "drizzle" || format === "supabase";
      const applied = await up(next, { ...options, keepToolLedger });
      expect(applied.applied.map((result) => result.id)).toEqual([next.migrations.at(-1)?.id]);
      expect(
        await query(server.url, "SELECT 1 FROM information_schema.columns WHERE column_name = 'tags'"),
      ).toHaveLength(1);
      expect((await up(loadMigrations(path), options)).applied).toEqual([]);
      if (format === "drizzle") {
        // drizzle-orm's migrator would fail on ADD COLUMN tags had it run 0003_tags again.
        await migratedByTool.drizzle(path);
        expect(await query(server.url, "SELECT 1 FROM drizzle.__drizzle_migrations")).toHaveLength(4);
      }
      if (format === "supabase") {
        const versions = await query<{ version: string }>(
          server.url,
          "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1",
        );
        expect(versions.map((row) => row.version)).toEqual(next.migrations.map((migration) => migration.versionText));
      }
    }, 60_000);
  },
);
