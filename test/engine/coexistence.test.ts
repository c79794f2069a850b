// keepToolLedger: each migration this engine applies is also recorded in the ledger of drizzle-kit or the Supabase
// CLI, so the team's tool, run afterwards, sees it as applied. drizzle-kit is the real one (generate and migrate)
// against native PostgreSQL; the Supabase CLI does not install from npm, so its `db push` decision is emulated from
// its source (supabase/cli pkg/migration/apply.go, FindPendingMigrations).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadMigrations, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase, repoRoot } from "../support";
import { engineOptions, query } from "./helpers";

let db: NativeDatabase;
let root: string;
beforeEach(async () => {
  db = await createNativeDatabase("coexist");
  root = mkdtempSync(join(tmpdir(), "pgvm-coexist-"));
});
afterEach(async () => {
  rmSync(root, { recursive: true, force: true });
  await db.drop();
});

const documentsTable = `export const documents = pgTable("documents", {
  id: serial("id").primaryKey(),
  title: text("title").notNull(),
});`;
const tagsTable = `export const tags = pgTable("tags", {
  name: text("name").primaryKey(),
});`;

function writeDrizzleProject(tables: string[]): void {
  writeFileSync(
    join(root, "schema.ts"),
    `import { pgTable, serial, text } from "drizzle-orm/pg-core";\n\n${tables.join("\n\n")}\n`,
  );
  writeFileSync(
    join(root, "drizzle.config.ts"),
    `import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({ dialect: "postgresql", schema: "./schema.ts", out: "./migrations", dbCredentials: { url: process.env.DATABASE_URL ?? "" } });\n`,
  );
}

/** The real drizzle-kit, asynchronously (the test database's server is another process, but keep the event loop free). */
async function drizzleKit(...args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(join(repoRoot, "node_modules/.bin/drizzle-kit"), args, {
    cwd: root,
    env: { ...process.env, NODE_PATH: join(repoRoot, "node_modules"), DATABASE_URL: db.url },
  });
  return `${stdout}${stderr}`;
}

async function drizzleLedger(): Promise<{ hash: string; created_at: string }[]> {
  return query(db.url, 'SELECT hash, created_at::text AS created_at FROM "drizzle"."__drizzle_migrations" ORDER BY id');
}

describe("beside drizzle-kit", () => {
  it("drizzle-kit migrate does nothing after up; a newly generated migration applies once through the engine", async () => {
    writeDrizzleProject([documentsTable]);
    await drizzleKit("generate", "--name=documents");
    const path = join(root, "migrations");
    const options = engineOptions(db.url, { keepToolLedger: true });

    const first = await up(loadMigrations(path), options);
    expect(first.applied.map((result) => result.id)).toEqual(["0000_documents"]);
    const journal = JSON.parse(readFileSync(join(path, "meta/_journal.json"), "utf8"));
    const fileHash = (tag: string) =>
      createHash("sha256")
        .update(readFileSync(join(path, `${tag}.sql`)))
        .digest("hex");
    expect(await drizzleLedger()).toEqual([
      { hash: fileHash("0000_documents"), created_at: String(journal.entries[0].when) },
    ]);

    // Had drizzle-kit run 0000 again, CREATE TABLE "documents" would fail and the command exit non-zero.
    await drizzleKit("migrate");
    expect(await drizzleLedger()).toHaveLength(1);

    writeDrizzleProject([documentsTable, tagsTable]);
    await drizzleKit("generate", "--name=tags");
    const generated = readdirSync(path).filter((name) => name.endsWith(".sql"));
    expect(generated).toEqual(["0000_documents.sql", "0001_tags.sql"]);

    const second = await up(loadMigrations(path), options);
    expect(second.applied.map((result) => result.id)).toEqual(["0001_tags"]);
    expect((await up(loadMigrations(path), options)).applied).toEqual([]);
    await drizzleKit("migrate");
    expect((await drizzleLedger()).map((row) => row.hash)).toEqual([fileHash("0000_documents"), fileHash("0001_tags")]);
    expect(await query(db.url, "SELECT to_regclass('public.tags') IS NOT NULL AS found")).toEqual([{ found: true }]);
  }, 120_000);

  it("a migration that fails leaves no row in either ledger", async () => {
    writeDrizzleProject([documentsTable]);
    await drizzleKit("generate", "--name=documents");
    const path = join(root, "migrations");
    await query(db.url, "CREATE TABLE documents (id int)");
    const error = await up(
      loadMigrations(path),
      engineOptions(db.url, { keepToolLedger: true, allowPopulated: true }),
    ).catch((failure: Error & { code?: string }) => failure);
    expect((error as { code?: string }).code).toBe("MIGRATION_FAILED");
    expect(await drizzleLedger()).toEqual([]);
  }, 60_000);
});

/** supabase/cli pkg/migration/apply.go, FindPendingMigrations: what `supabase db push` would apply, or its error. */
function supabasePending(local: readonly string[], remote: readonly string[]): { pending: string[]; error?: string } {
  const unapplied: string[] = [];
  const missing: string[] = [];
  let i = 0;
  let j = 0;
  while (i < remote.length && j < local.length) {
    const remoteVersion = remote[i] ?? "";
    const localVersion = /^([0-9]+)_/.exec(local[j] ?? "")?.[1] ?? "";
    if (remoteVersion === localVersion) {
      i++;
      j++;
    } else if (remoteVersion < localVersion) {
      missing.push(remoteVersion);
      i++;
    } else {
      unapplied.push(local[j] ?? "");
      j++;
    }
  }
  if (j === local.length) missing.push(...remote.slice(i));
  if (missing.length > 0) return { pending: missing, error: "ErrMissingLocal" };
  if (unapplied.length > 0) return { pending: unapplied, error: "ErrMissingRemote" };
  return { pending: local.slice(remote.length) };
}

describe("beside the Supabase CLI", () => {
  it("records version, name and statements as the CLI does, so `supabase db push` has nothing to apply", async () => {
    const path = join(root, "supabase/migrations");
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, "20260203101500_documents.sql"), "CREATE TABLE documents (id int PRIMARY KEY);\n");
    writeFileSync(
      join(path, "20260203101600_Add-Tags.sql"),
      "CREATE TABLE tags (name text);\nCREATE INDEX tags_name ON tags (name);\n",
    );
    const options = engineOptions(db.url, { keepToolLedger: true });
    await up(loadMigrations(path), options);

    // LIST_MIGRATION_VERSION and SELECT_VERSION_TABLE of pkg/migration/history.go.
    const rows = await query<{ version: string; name: string; statements: string[] }>(
      db.url,
      "SELECT version, coalesce(name, '') AS name, statements FROM supabase_migrations.schema_migrations ORDER BY version",
    );
    expect(rows).toEqual([
      { version: "20260203101500", name: "documents", statements: ["CREATE TABLE documents (id int PRIMARY KEY)"] },
      {
        version: "20260203101600",
        name: "Add-Tags",
        statements: ["CREATE TABLE tags (name text)", "CREATE INDEX tags_name ON tags (name)"],
      },
    ]);
    const local = readdirSync(path).sort();
    expect(
      supabasePending(
        local,
        rows.map((row) => row.version),
      ),
    ).toEqual({ pending: [] });

    writeFileSync(join(path, "20260203101700_more.sql"), "ALTER TABLE tags ADD COLUMN note text;\n");
    expect(
      supabasePending(
        readdirSync(path).sort(),
        rows.map((row) => row.version),
      ).pending,
    ).toEqual(["20260203101700_more.sql"]);
    expect((await up(loadMigrations(path), options)).applied.map((result) => result.id)).toEqual([
      "20260203101700_more",
    ]);
    const after = await query<{ version: string }>(
      db.url,
      "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1",
    );
    expect(
      supabasePending(
        readdirSync(path).sort(),
        after.map((row) => row.version),
      ),
    ).toEqual({ pending: [] });
  });
});
