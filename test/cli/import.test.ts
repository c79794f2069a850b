// `pgvector-migrate import` and up's --import-tool-ledger / --keep-tool-ledger through the built command, on a
// database the real dbmate migrated.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("cli-import");

const dbmateMigrations = {
  "20260101000000_documents.sql":
    "-- migrate:up\nCREATE TABLE documents (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE documents;\n",
  "20260102000000_body.sql": "-- migrate:up\nALTER TABLE documents ADD COLUMN body text;\n-- migrate:down\n",
} as const;

async function dbmateUp(url: string, dir: string): Promise<void> {
  await promisify(execFile)(join(repoRoot, "node_modules/.bin/dbmate"), [
    "--url",
    url,
    "--migrations-dir",
    dir,
    "--no-dump-schema",
    "up",
  ]);
}

describe("pgvector-migrate import", () => {
  it("up refuses with advice; import records dbmate's ledger; plan shows nothing pending", async () => {
    const database = await freshDatabase();
    const { dir } = project(dbmateMigrations);
    const env = { DATABASE_URL: `${database.url}?sslmode=disable` };
    await dbmateUp(env.DATABASE_URL, dir);

    const refused = await runCli(["up", "--dir", dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("`pgvector-migrate import`");
    expect(refused.stderr).toContain("dbmate");

    const preview = await runCli(["plan", "--import-tool-ledger", "--no-lint", "--dir", dir], { env });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      "To import from dbmate's public.schema_migrations (recorded as applied, not run): 2\n  migrations/20260101000000_documents.sql",
    );
    expect(preview.stdout).toContain("Pending: none");

    const imported = await runCli(["import", "--dir", dir], { env });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Recorded 20260101000000_documents as applied (imported, not run)");
    expect(imported.stdout).toContain(
      "Imported 2 migrations from dbmate's public.schema_migrations; 2 applied in total",
    );

    const again = await runCli(["import", "--dir", dir, "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({
      command: "import",
      ok: true,
      format: "dbmate",
      tool: "dbmate",
      imported: [],
      appliedTotal: 2,
    });
    const plan = await runCli(["plan", "--dir", dir, "--exit-code", "--no-lint"], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("Pending: none");
  });

  it("up --import-tool-ledger imports, then applies only the new migration", async () => {
    const database = await freshDatabase();
    const { dir } = project(dbmateMigrations);
    const env = { DATABASE_URL: `${database.url}?sslmode=disable` };
    await dbmateUp(env.DATABASE_URL, dir);
    writeFileSync(
      join(dir, "20260103000000_title.sql"),
      "-- migrate:up\nALTER TABLE documents ADD COLUMN title text;\n-- migrate:down\n",
    );
    const result = await runCli(["up", "--import-tool-ledger", "--dir", dir], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Applied 20260103000000_title \(\d+ ms\)$/m);
    expect(result.stdout).toContain("Applied 1 migration");
  });

  it("refuses a native folder and --keep-tool-ledger on a dbmate folder (exit 2), naming what to do", async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url };
    const native = project(basicMigrations);
    const refused = await runCli(["import", "--dir", native.dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is read as format native");
    expect(refused.stderr).toContain("--format");

    const dbmate = project(dbmateMigrations);
    const keep = await runCli(["up", "--keep-tool-ledger", "--dir", dbmate.dir], { env });
    expect(keep.code).toBe(2);
    expect(keep.stderr).toContain("keepToolLedger (--keep-tool-ledger)");
  });

  it("lists import and the ledger flags in the help", async () => {
    const help = await runCli(["--help"]);
    expect(help.stdout).toContain("import");
    const upHelp = await runCli(["up", "--help"]);
    expect(upHelp.stdout).toContain("--import-tool-ledger");
    expect(upHelp.stdout).toContain("--keep-tool-ledger");
  });
});
