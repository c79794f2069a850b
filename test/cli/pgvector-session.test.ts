// The CLI against PostgreSQL with pgvector (PGlite): --search-path for a vector installed in schema `extensions`
// (plan's extension preflight fails a CI gate before up), and pgvector's NOTICEs shown without --verbose.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, runCli, startPgvectorServer } from "../support";
import { migrationsProject } from "./fixtures";

let server: PgvectorServer;
let admin: pg.Client;
beforeAll(async () => {
  server = await startPgvectorServer();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("CREATE SCHEMA extensions; CREATE EXTENSION vector SCHEMA extensions");
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  // PGlite's connections share one session: undo what a run set.
  await admin.query("SET search_path TO DEFAULT");
});

function project(files: Record<string, string>): string {
  const { dir, remove } = migrationsProject(files);
  cleanups.push(remove);
  return dir;
}

const env = () => ({ DATABASE_URL: server.url });

describe("--search-path", () => {
  it("plan --exit-code fails (1) when the SQL names vector off the search_path, and passes the gate with it", async () => {
    const dir = project({ "0001_items.sql": "CREATE TABLE items (embedding vector(3));\n" });
    const tracking = ["--tracking-table", "ops.plan_gate"];

    const refused = await runCli(["plan", "--dir", dir, "--exit-code", "--no-lint", ...tracking], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Extensions: 1 problem (`up` checks them before running anything)");
    expect(refused.stdout).toContain(
      'error: The PostgreSQL extension "vector" (pgvector) is installed in schema "extensions" of database "postgres", which is not on the search_path of the migration session (public); migrations/0001_items.sql:1:1 names its objects without a schema',
    );
    expect(refused.stdout).toContain("CLI --search-path public,extensions");

    const json = await runCli(["plan", "--dir", dir, "--json", "--no-lint", ...tracking], { env: env() });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      extensionProblems: [
        { kind: "extension-off-search-path", severity: "error", extension: "vector", schema: "extensions" },
      ],
    });

    const withPath = ["--search-path", "public,extensions"];
    const gate = await runCli(["plan", "--dir", dir, "--exit-code", "--no-lint", ...tracking, ...withPath], {
      env: env(),
    });
    expect(gate.code).toBe(3);
    expect(gate.stdout).not.toContain("Extensions:");

    const up = await runCli(["up", "--dir", dir, "--allow-populated", ...tracking, ...withPath], { env: env() });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("Applied 0001_items");
  });

  it("up refuses without it and runs nothing", async () => {
    const dir = project({ "0001_other.sql": "CREATE TABLE other_items (embedding vector(3));\n" });
    const up = await runCli(["up", "--dir", dir, "--allow-populated", "--tracking-table", "ops.refused"], {
      env: env(),
    });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      'error [EXTENSION_MISSING]: The PostgreSQL extension "vector" (pgvector) is installed in schema "extensions"',
    );
    expect(up.stderr).toContain("Nothing was run.");
    const { rows } = await admin.query("SELECT to_regclass('other_items') AS t");
    expect(rows).toEqual([{ t: null }]);
  });

  it.each([[""], [" , "], ["public,,extensions"]])("refuses %j as a usage error", async (value) => {
    const dir = project({ "0001_x.sql": "SELECT 1;\n" });
    const result = await runCli(["plan", "--dir", dir, "--search-path", value], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: option '--search-path <schemas>' argument '${value}' is invalid. give schema names separated by commas, e.g. public,extensions`,
    );
  });
});

describe("server notices", () => {
  it("shows pgvector's ivfflat notice on an empty table by default, with its DETAIL and HINT", async () => {
    const dir = project({
      "0001_docs.sql": "SET LOCAL search_path = public, extensions;\nCREATE TABLE docs (embedding vector(3));\n",
      "0002_docs_ivfflat.sql":
        "-- migrate:set search_path = 'public, extensions'\nCREATE INDEX docs_ivfflat ON docs\n  USING ivfflat (embedding vector_l2_ops) WITH (lists = 10);\n",
    });
    const up = await runCli(["up", "--dir", dir, "--allow-populated", "--tracking-table", "ops.notices"], {
      env: env(),
    });
    expect(up.code).toBe(0);
    // pgvector's src/ivfbuild.c: ereport(NOTICE, errmsg("ivfflat index created with little data"), errdetail(...), errhint(...)).
    expect(up.stderr).toBe(
      "migrations/0002_docs_ivfflat.sql:2:1: NOTICE: ivfflat index created with little data\n" +
        "  DETAIL: This will cause low recall.\n" +
        "  HINT: Drop the index until the table has more data.\n",
    );
  });

  it("shows pgvector's notice when an HNSW graph outgrows maintenance_work_mem", async () => {
    await admin.query(
      "CREATE TABLE big (embedding extensions.vector(3)); INSERT INTO big SELECT ARRAY[random(), random(), random()]::extensions.vector FROM generate_series(1, 6000)",
    );
    const dir = project({
      "0001_big_hnsw.sql":
        "-- migrate:set maintenance_work_mem = '1MB'\n-- migrate:set search_path = 'public, extensions'\nCREATE INDEX big_hnsw ON big USING hnsw (embedding vector_l2_ops);\n",
    });
    const up = await runCli(["up", "--dir", dir, "--allow-populated", "--tracking-table", "ops.hnsw"], { env: env() });
    expect(up.code).toBe(0);
    // pgvector's src/hnswbuild.c: ereport(NOTICE, errmsg("hnsw graph no longer fits into maintenance_work_mem after ...")).
    expect(up.stderr).toMatch(
      /^migrations\/0001_big_hnsw\.sql:3:1: NOTICE: hnsw graph no longer fits into maintenance_work_mem after \d+ tuples\n {2}DETAIL: Building will take significantly more time\.\n {2}HINT: Increase maintenance_work_mem to speed up builds\.\n$/,
    );
  });
});
