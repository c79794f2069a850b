// `importLedger` against native PostgreSQL: what each tool's ledger means (the DDL and semantics of each tool's source,
// cited in packages/migrate/src/ledgers/*), and every refusal, which records nothing.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { importLedger, loadMigrations, type MigrationFormat, plan, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flywayChecksum } from "../../packages/migrate/src/ledgers/checksums";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("import");
  dir = migrationsDir();
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

const sql = (table: string) => `CREATE TABLE ${table} (id int PRIMARY KEY);\n`;
const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");
const load = (format: MigrationFormat) => loadMigrations(dir.path, { format });
const options = () => engineOptions(db.url);
const trackingSchemaExists = async () =>
  (await query<{ found: boolean }>(db.url, "SELECT to_regnamespace('pgvector_migrate') IS NOT NULL AS found"))[0]
    ?.found;

/** A refusal records nothing: the tracking table is not even created. */
async function expectRefused(promise: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  const error = await failure(promise);
  expect(error.code).toBe(code);
  for (const part of parts) expect(error.message).toContain(part);
  expect(await trackingSchemaExists()).toBe(false);
}

describe("drizzle-kit", () => {
  const whens = [1796162203982, 1796162208075, 1796162212294];
  function writeDrizzle(): void {
    mkdirSync(join(dir.path, "meta"));
    const tags = ["0000_documents", "0001_chunks", "0002_tags"];
    const entries = tags.map((tag, idx) => ({ idx, version: "7", when: whens[idx], tag, breakpoints: true }));
    writeFileSync(
      join(dir.path, "meta/_journal.json"),
      JSON.stringify({ version: "7", dialect: "postgresql", entries }),
    );
    for (const [index, tag] of tags.entries())
      dir.write(`${tag}.sql`, sql(["documents", "chunks", "tags"][index] ?? ""));
  }
  // drizzle-orm/src/pg-core/dialect.ts, PgDialect.migrate.
  async function drizzleLedger(rows: [hash: string, when: number][]): Promise<void> {
    await query(
      db.url,
      `CREATE SCHEMA IF NOT EXISTS "drizzle";
       CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
    );
    for (const [hash, when] of rows) {
      await query(db.url, `INSERT INTO "drizzle"."__drizzle_migrations" ("hash", "created_at") values($1, $2)`, [
        hash,
        when,
      ]);
    }
  }
  const fileHash = (tag: string) => sha256(readFileSync(join(dir.path, `${tag}.sql`)));

  it("counts every journal entry up to the newest row as applied, as drizzle-orm's migrator does", async () => {
    writeDrizzle();
    // A row missing in the middle: drizzle-orm compares with the newest row only, so it never runs 0000 again.
    await drizzleLedger([[fileHash("0001_chunks"), whens[1] ?? 0]]);
    const result = await importLedger(load("drizzle"), options());
    expect(result.tool).toBe("drizzle-kit");
    expect(result.imported.map((row) => row.id)).toEqual(["0000_documents", "0001_chunks"]);
    expect((await plan(load("drizzle"), options())).pending.map((migration) => migration.id)).toEqual(["0002_tags"]);
  });

  it("refuses a hash that is not the file's, naming the file and both checksums", async () => {
    writeDrizzle();
    const recorded = sha256("CREATE TABLE documents (id int);");
    await drizzleLedger([[recorded, whens[0] ?? 0]]);
    await expectRefused(
      importLedger(load("drizzle"), options()),
      "PLAN_PROBLEMS",
      "migrations/0000_documents.sql: drizzle-kit recorded it as applied with checksum",
      recorded,
      fileHash("0000_documents"),
      "nothing was recorded",
    );
  });

  it("refuses a row whose created_at is no journal entry's `when`", async () => {
    writeDrizzle();
    await drizzleLedger([[sha256("gone"), 1700000000000]]);
    await expectRefused(
      importLedger(load("drizzle"), options()),
      "PLAN_PROBLEMS",
      "drizzle.__drizzle_migrations: the row with hash",
      "created_at 1700000000000",
    );
  });
});

describe("golang-migrate", () => {
  function writeGolang(): void {
    for (const [index, table] of ["documents", "chunks", "tags"].entries()) {
      dir.write(`00000${index + 1}_${table}.up.sql`, sql(table));
      dir.write(`00000${index + 1}_${table}.down.sql`, `DROP TABLE ${table};\n`);
    }
  }
  // golang-migrate/migrate database/postgres/postgres.go, ensureVersionTable and SetVersion.
  async function golangLedger(version: number, dirty: boolean): Promise<void> {
    await query(
      db.url,
      "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)",
    );
    await query(db.url, "INSERT INTO schema_migrations (version, dirty) VALUES ($1, $2)", [version, dirty]);
  }

  it("takes every migration up to the one row's version; up then applies the rest", async () => {
    writeGolang();
    await golangLedger(2, false);
    const result = await importLedger(load("golang-migrate"), options());
    expect(result.ledger).toBe("public.schema_migrations");
    expect(result.imported.map((row) => row.version)).toEqual([1, 2]);
    expect((await up(load("golang-migrate"), options())).applied.map((row) => row.version)).toEqual([3]);
  });

  it("refuses a dirty version, naming it and `migrate force`", async () => {
    writeGolang();
    await golangLedger(2, true);
    await expectRefused(
      importLedger(load("golang-migrate"), options()),
      "PLAN_PROBLEMS",
      "golang-migrate marks version 2 as dirty",
      "`migrate force 2`",
    );
  });

  it("plan with importToolLedger shows what up would import and what it would then run, changing nothing", async () => {
    writeGolang();
    await golangLedger(2, false);
    const planned = await plan(load("golang-migrate"), engineOptions(db.url, { importToolLedger: true }));
    expect(planned.toImport?.tool).toBe("golang-migrate");
    expect(planned.toImport?.migrations.map((migration) => migration.version)).toEqual([1, 2]);
    expect(planned.pending.map((migration) => migration.version)).toEqual([3]);
    expect(planned.problems).toEqual([]);
    expect(await trackingSchemaExists()).toBe(false);
    await query(db.url, "UPDATE schema_migrations SET dirty = true");
    const dirty = await plan(load("golang-migrate"), engineOptions(db.url, { importToolLedger: true }));
    expect(dirty.problems).toEqual([
      { kind: "tool-ledger", severity: "error", message: expect.stringContaining("`migrate force 2`") },
    ]);
  });

  it("up with importToolLedger imports, then applies what is newer, in one call", async () => {
    writeGolang();
    await golangLedger(1, false);
    await query(db.url, sql("documents"));
    const result = await up(load("golang-migrate"), engineOptions(db.url, { importToolLedger: true }));
    expect(result.applied.map((row) => row.version)).toEqual([2, 3]);
    const applied = await readApplied(options());
    expect(applied.map((row) => [row.version, row.appliedBy.endsWith("(imported from golang-migrate)")])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
  });
});

describe("Flyway", () => {
  function writeFlyway(): void {
    dir.write("V1__documents.sql", sql("documents"));
    dir.write("V1.1__chunks.sql", "-- chunks\r\nCREATE TABLE chunks (id int PRIMARY KEY);\r\n");
    dir.write("U1.1__chunks.sql", "DROP TABLE chunks;\n");
    dir.write("V2__tags.sql", sql("tags"));
  }
  /** Flyway's checksum, computed with Node's CRC-32 (flyway-core .../resolver/ChecksumCalculator.java). */
  const checksumOf = (file: string) =>
    readFileSync(join(dir.path, file), "utf8")
      .split(/\r\n|\r|\n/)
      .filter((line, index, lines) => index < lines.length - 1 || line !== "")
      .reduce((crc, line) => crc32(Buffer.from(line), crc), 0) | 0;
  // flyway-core .../database/postgresql/createMetaDataTable.sql.
  async function history(
    rows: [version: string | null, type: string, script: string, checksum: number | null, success: boolean][],
  ) {
    await query(
      db.url,
      `CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50),
         "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL,
         "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
         "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)`,
    );
    for (const [index, [version, type, script, checksum, success]] of rows.entries()) {
      await query(
        db.url,
        `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
         VALUES ($1, $2, 'x', $3, $4, $5, 'postgres', 1, $6)`,
        [index + 1, version, type, script, checksum, success],
      );
    }
  }

  it("computes Flyway's CRC-32: lines without their breaks, so CRLF and LF files have the same checksum", () => {
    // The standard CRC-32 check value of "123456789" (0xCBF43926) as Java's signed int.
    expect(flywayChecksum("123456789")).toBe(0xcbf43926 | 0);
    expect(flywayChecksum("a\r\nb\r\n")).toBe(flywayChecksum("a\nb"));
    expect(flywayChecksum("\uFEFFab")).toBe(flywayChecksum("ab"));
  });

  it("takes successful versioned rows, drops undone ones and failed ones", async () => {
    writeFlyway();
    await history([
      ["1", "SQL", "V1__documents.sql", checksumOf("V1__documents.sql"), true],
      ["1.1", "SQL", "V1.1__chunks.sql", checksumOf("V1.1__chunks.sql"), true],
      ["1.1", "UNDO_SQL", "U1.1__chunks.sql", checksumOf("U1.1__chunks.sql"), true],
      ["2", "SQL", "V2__tags.sql", checksumOf("V2__tags.sql"), false],
    ]);
    const result = await importLedger(load("flyway"), options());
    expect(result.imported.map((row) => row.id)).toEqual(["V1__documents"]);
  });

  it("takes every version up to a BASELINE row", async () => {
    writeFlyway();
    await history([
      ["1.1", "BASELINE", "<< Flyway Baseline >>", null, true],
      ["2", "SQL", "V2__tags.sql", checksumOf("V2__tags.sql"), true],
    ]);
    const result = await importLedger(load("flyway"), options());
    expect(result.imported.map((row) => row.id)).toEqual(["V1__documents", "V1.1__chunks", "V2__tags"]);
  });

  it("refuses a checksum that is not the file's, naming the file and both checksums", async () => {
    writeFlyway();
    await history([["1", "SQL", "V1__documents.sql", 12345, true]]);
    await expectRefused(
      importLedger(load("flyway"), options()),
      "PLAN_PROBLEMS",
      "migrations/V1__documents.sql: Flyway recorded it as applied with checksum 12345, but the file's is",
      String(checksumOf("V1__documents.sql")),
    );
  });
});

describe("Prisma", () => {
  function writePrisma(): void {
    for (const [index, table] of ["documents", "chunks", "tags"].entries()) {
      mkdirSync(join(dir.path, `2026010${index + 1}000000_${table}`));
      dir.write(`2026010${index + 1}000000_${table}/migration.sql`, sql(table));
    }
    dir.write("migration_lock.toml", 'provider = "postgresql"\n');
  }
  // prisma-engines .../flavour/postgres.rs, create_migrations_table.
  async function prismaLedger(rows: [name: string, checksum: string, finished: boolean, rolledBack: boolean][]) {
    await query(
      db.url,
      `CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
         finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
         started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
    );
    for (const [name, checksum, finished, rolledBack] of rows) {
      await query(
        db.url,
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at)
         VALUES ($1, $2, CASE WHEN $3 THEN now() END, $4, CASE WHEN $5 THEN now() END)`,
        [randomUUID(), checksum, finished, name, rolledBack],
      );
    }
  }

  it("takes finished migrations that were not rolled back; a CRLF checksum of an LF file matches, as in Prisma", async () => {
    writePrisma();
    await prismaLedger([
      ["20260101000000_documents", sha256(sql("documents").replace(/\n/g, "\r\n")), true, false],
      ["20260102000000_chunks", sha256(sql("chunks")), true, true],
    ]);
    const result = await importLedger(load("prisma"), options());
    expect(result.imported.map((row) => row.id)).toEqual(["20260101000000_documents"]);
  });

  it("refuses a migration that started and did not finish, naming `prisma migrate resolve`", async () => {
    writePrisma();
    await prismaLedger([["20260101000000_documents", sha256(sql("documents")), false, false]]);
    await expectRefused(
      importLedger(load("prisma"), options()),
      "PLAN_PROBLEMS",
      "20260101000000_documents started but did not finish",
      "prisma migrate resolve --applied 20260101000000_documents",
    );
  });

  it("refuses a checksum that is not the file's", async () => {
    writePrisma();
    await prismaLedger([["20260101000000_documents", sha256("other"), true, false]]);
    await expectRefused(
      importLedger(load("prisma"), options()),
      "PLAN_PROBLEMS",
      "migrations/20260101000000_documents/migration.sql: Prisma recorded it as applied with checksum",
      sha256("other"),
      sha256(sql("documents")),
    );
  });
});

describe("Supabase CLI and dbmate", () => {
  it("Supabase: refuses a recorded version without its file, naming `supabase migration repair`", async () => {
    dir.write("20260203101500_documents.sql", sql("documents"));
    // supabase/cli pkg/migration/history.go.
    await query(
      db.url,
      `CREATE SCHEMA supabase_migrations;
       CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
       INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES ('20260203101500', 'documents'), ('20260101000000', 'gone')`,
    );
    await expectRefused(
      importLedger(load("supabase"), options()),
      "PLAN_PROBLEMS",
      "version 20260101000000 is recorded as applied, but no file of the folder has that version",
      "supabase migration repair --status reverted 20260101000000",
    );
  });

  it("dbmate: takes the recorded versions only", async () => {
    dir.write("20260101000000_documents.sql", `-- migrate:up\n${sql("documents")}`);
    dir.write("20260102000000_chunks.sql", `-- migrate:up\n${sql("chunks")}`);
    // amacneil/dbmate pkg/driver/postgres/postgres.go, CreateMigrationsTable.
    await query(
      db.url,
      "create table if not exists public.schema_migrations (version varchar(255) primary key); insert into schema_migrations values ('20260101000000')",
    );
    const result = await importLedger(load("dbmate"), options());
    expect(result.imported.map((row) => row.version)).toEqual([20260101000000]);
  });
});

describe("refusals before anything is read", () => {
  it("refuses a native folder, which has no other tool, pointing to --format and baseline", async () => {
    dir.write("0001_documents.sql", sql("documents"));
    await expectRefused(
      importLedger(load("native"), options()),
      "INVALID_OPTIONS",
      "is read as format native",
      "--format",
      "pgvector-migrate baseline --to <version>",
    );
  });

  it("refuses a database without the tool's ledger, naming it and baseline", async () => {
    dir.write("1_documents.up.sql", sql("documents"));
    await expectRefused(
      importLedger(load("golang-migrate"), options()),
      "INVALID_TARGET",
      "has no golang-migrate ledger (schema_migrations)",
      "baseline --to",
    );
  });

  it("refuses a table of the ledger's name that is another tool's (dbmate's, read for golang-migrate)", async () => {
    dir.write("1_documents.up.sql", sql("documents"));
    await query(db.url, "create table schema_migrations (version varchar(255) primary key)");
    await expectRefused(
      importLedger(load("golang-migrate"), options()),
      "INVALID_TARGET",
      "schema_migrations exists but is not golang-migrate's ledger",
      "--format",
    );
  });

  it("refuses a migration recorded here with another checksum", async () => {
    dir.write("1_documents.up.sql", sql("documents"));
    await up(load("golang-migrate"), options());
    dir.write("1_documents.up.sql", sql("documents_v2"));
    await query(
      db.url,
      "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null); INSERT INTO schema_migrations VALUES (1, false)",
    );
    const error = await failure(importLedger(load("golang-migrate"), options()));
    expect(error.code).toBe("PLAN_PROBLEMS");
    expect(error.message).toContain("migrations/1_documents.up.sql is recorded in pgvector_migrate.schema_migrations");
  });

  it("keepToolLedger refuses a format whose tool this engine does not write for", async () => {
    dir.write("1_documents.up.sql", sql("documents"));
    const error = await failure(up(load("golang-migrate"), engineOptions(db.url, { keepToolLedger: true })));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("keepToolLedger (--keep-tool-ledger)");
    expect(error.message).toContain("drizzle or supabase");
    expect(await trackingSchemaExists()).toBe(false);
  });
});
