// `up` refusing a populated database, and `baseline --to`, through the built command.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { runCli } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("cli-baseline");

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("pgvector-migrate baseline", () => {
  it("up refuses a populated database; baseline --to records 0001, then up applies only 0002", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    await run(database.url, "CREATE TABLE documents (id bigint PRIMARY KEY, title text NOT NULL)");

    const refused = await runCli(["up", "--dir", dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("pgvector-migrate baseline --to <version>");
    expect(refused.stderr).toContain("public.documents");

    const baselined = await runCli(["baseline", "--to", "1", "--dir", dir], { env });
    expect(baselined.code).toBe(0);
    expect(baselined.stdout).toContain("Recorded 0001_create_documents as applied (not run)");
    const again = await runCli(["baseline", "--to", "0001", "--dir", dir, "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ command: "baseline", ok: true, baselined: [], appliedTotal: 1 });

    const up = await runCli(["up", "--dir", dir], { env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Applied 0002_add_body \(\d+ ms\)/);
    expect(up.stdout).not.toContain("0001_create_documents");
  });

  it("refuses a version that is not in the folder (exit 2)", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const result = await runCli(["baseline", "--to", "5", "--dir", dir], { env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has version 5");
  });

  it("up --allow-populated applies everything", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    await run(database.url, "CREATE TABLE unrelated (id int)");
    const result = await runCli(["up", "--allow-populated", "--dir", dir], { env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Applied 2 migrations");
  });
});
