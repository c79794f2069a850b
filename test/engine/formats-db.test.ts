// Each migration format's fixture against real PostgreSQL with pgvector (PGlite): plan, up, a second up that does
// nothing, down where the format has down scripts, and a migration made by `new` applied after the others.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as drizzleMigrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { createMigration, down, loadMigrations, type MigrationFormat, plan, up } from "pgvector-migrate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import { copyFixture } from "./format-fixtures";
import { engineOptions, query } from "./helpers";

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
  // Every fixture builds the same schema in public: start each format from an empty database.
  await query(
    server.url,
    "DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS pgvector_migrate CASCADE",
  );
});

const embedding = (seed: number) =>
  `[${Array.from({ length: 768 }, (_, index) => ((index * seed) % 7) / 7).join(",")}]`;

async function tables(): Promise<string[]> {
  const rows = await query<{ tablename: string }>(
    server.url,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1",
  );
  return rows.map((row) => row.tablename);
}

/** What every fixture builds: HNSW and IVFFlat indexes, a tsvector kept by a trigger, a vector(768) function, RLS. */
async function expectSchema(): Promise<void> {
  expect(await tables()).toEqual(["chunks", "documents"]);
  const indexes = await query<{ indexdef: string }>(
    server.url,
    "SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' ORDER BY indexname",
  );
  const definitions = indexes.map((index) => index.indexdef).join("\n");
  expect(definitions).toMatch(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='16', ef_construction='64'\)/);
  // vector_l2_ops is ivfflat's default operator class, which pg_indexes leaves out.
  expect(definitions).toMatch(/USING ivfflat \(embedding\) WITH \(lists='100'\)/);
  expect(definitions).toContain("USING gin (content_tsv)");
  const [rls] = await query<{ relrowsecurity: boolean }>(
    server.url,
    "SELECT relrowsecurity FROM pg_class WHERE oid = 'public.documents'::regclass",
  );
  expect(rls?.relrowsecurity).toBe(true);
  await query(server.url, "INSERT INTO documents (owner_id, title) VALUES (current_user, 'Handbook')");
  await query(
    server.url,
    `INSERT INTO chunks (document_id, content, embedding) VALUES
       (1, 'Vacation policy', '${embedding(1)}'), (1, 'Expense reports are due monthly', '${embedding(2)}')`,
  );
  const [tsv] = await query<{ content_tsv: string }>(
    server.url,
    "SELECT content_tsv::text FROM chunks WHERE content LIKE 'Expense%'",
  );
  expect(tsv?.content_tsv).toContain("'expens'");
  const matches = await query<{ content: string }>(
    server.url,
    `SELECT content FROM match_chunks('${embedding(2)}', 1)`,
  );
  expect(matches.map((match) => match.content)).toEqual(["Expense reports are due monthly"]);
}

describe.each([
  ["native", true],
  ["drizzle", false],
  ["supabase", false],
  ["dbmate", true],
  ["golang-migrate", true],
  ["flyway", true],
  ["prisma", false],
] as const)("the %s fixture", (format: MigrationFormat, hasDown: boolean) => {
  it("plans, applies, applies again as a no-op, reverts where it can, and takes a new migration", async () => {
    const root = mkdtempSync(join(tmpdir(), "pgvm-formats-db-"));
    roots.push(root);
    const path = copyFixture(format, root);
    const set = loadMigrations(path);
    expect(set.format).toBe(format);
    const options = engineOptions(server.url);

    const before = await plan(set, options);
    expect(before.problems).toEqual([]);
    expect(before.pending.map((migration) => migration.id)).toEqual(set.migrations.map((migration) => migration.id));

    const applied = await up(set, options);
    expect(applied.applied.map((result) => result.id)).toEqual(set.migrations.map((migration) => migration.id));
    expect(applied.state.map((row) => row.version)).toEqual(set.migrations.map((migration) => migration.version));
    await expectSchema();

    const again = await up(loadMigrations(path), options);
    expect(again.applied).toEqual([]);
    expect((await plan(loadMigrations(path), options)).pending).toEqual([]);

    if (hasDown) {
      const reverted = await down(set, 0, options);
      expect(reverted.reverted.map((result) => result.id)).toEqual(
        [...set.migrations].reverse().map((migration) => migration.id),
      );
      expect(await tables()).toEqual([]);
      await up(set, options);
    }

    if (format === "drizzle" || format === "prisma") {
      expect(() => createMigration(path, "add_tags")).toThrow(/generated by/);
      return;
    }
    const created = createMigration(path, "add_tags");
    const sql = "ALTER TABLE documents ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\n";
    writeFileSync(created.upPath, format === "dbmate" ? `-- migrate:up\n${sql}\n-- migrate:down\n` : sql);
    const next = loadMigrations(path);
    expect(next.migrations.at(-1)?.up.path).toBe(created.upPath);
    const result = await up(next, options);
    expect(result.applied.map((applied) => applied.id)).toEqual([next.migrations.at(-1)?.id]);
    const columns = await query(server.url, "SELECT 1 FROM information_schema.columns WHERE column_name = 'tags'");
    expect(columns).toHaveLength(1);
  });
});

describe("the tools themselves", () => {
  function fixtureCopy(format: MigrationFormat): string {
    const root = mkdtempSync(join(tmpdir(), "pgvm-formats-tool-"));
    roots.push(root);
    return copyFixture(format, root);
  }

  it("dbmate applies its fixture in the order, and records the versions, this engine reads", async () => {
    const path = fixtureCopy("dbmate");
    // Asynchronously: the PGlite server answers from this process.
    await promisify(execFile)(join(repoRoot, "node_modules/.bin/dbmate"), [
      "--url",
      server.url,
      "--migrations-dir",
      path,
      "--no-dump-schema",
      "up",
    ]);
    const rows = await query<{ version: string }>(
      server.url,
      "SELECT version FROM public.schema_migrations ORDER BY 1",
    );
    expect(rows.map((row) => row.version)).toEqual(loadMigrations(path).migrations.map((m) => m.versionText));
    await expectSchema();
  });

  it("drizzle-orm's migrator records each migration's `when` and a hash equal to this engine's checksum", async () => {
    const path = fixtureCopy("drizzle");
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await drizzleMigrate(drizzle(client), { migrationsFolder: path });
    } finally {
      await client.end();
    }
    const rows = await query<{ hash: string; created_at: string }>(
      server.url,
      "SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id",
    );
    const set = loadMigrations(path);
    expect(rows.map((row) => [row.hash, Number(row.created_at)])).toEqual(
      set.migrations.map((migration) => [migration.up.checksum, migration.version]),
    );
    await expectSchema();
    await query(server.url, "DROP SCHEMA drizzle CASCADE");
  });
});
