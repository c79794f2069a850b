// pgvector installed in a schema that is not on the migration session's search_path (as on Supabase, where it lives
// in schema `extensions`): the extension preflight of `up` and of `plan` says so and names the fix, instead of
// PostgreSQL's `type "vector" does not exist`. PGlite with pgvector.
import pg from "pg";
import { loadMigrations, plan, readApplied, up } from "pgvector-migrate";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PgvectorServer, startPgvectorServer } from "../support";
import { CapturingLogger, engineOptions, failure, type MigrationsDir, migrationsDir } from "./helpers";

let server: PgvectorServer;
let admin: pg.Client;
let dir: MigrationsDir;
let run = 0;
/** A tracking table of its own per test: PGlite is one database for the whole file. */
let trackingTable: string;

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
beforeEach(async () => {
  run += 1;
  trackingTable = `ops.applied_${run}`;
  // PGlite's connections share one session: undo what an earlier run set.
  await admin.query("SET search_path TO DEFAULT");
  dir = migrationsDir({
    [`0001_docs_${run}.sql`]: `CREATE TABLE docs_${run} (\n  id bigint PRIMARY KEY,\n  embedding vector(3)\n);\n`,
  });
});
afterEach(() => dir.cleanup());

const options = (extra: Parameters<typeof engineOptions>[1] = {}) =>
  engineOptions(server.url, { trackingTable, allowPopulated: true, ...extra });

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await admin.query("SELECT to_regclass($1) IS NOT NULL AS exists", [name]);
  return rows[0].exists;
}

describe("vector installed in a schema off the search_path", () => {
  it("up refuses before anything runs, naming the schema, the search_path and the fix", async () => {
    const error = await failure(up(loadMigrations(dir.path), options()));
    expect(error.code).toBe("EXTENSION_MISSING");
    expect(error.message).toContain(
      `The PostgreSQL extension "vector" (pgvector) is installed in schema "extensions" of database "postgres", which is not on the search_path of the migration session (public); migrations/0001_docs_${run}.sql:1:1 names its objects without a schema, so PostgreSQL would fail there`,
    );
    expect(error.message).toContain('set it to "public, extensions" (CLI --search-path public,extensions;');
    expect(error.message).toContain('stack setting migrationsSearchPath ["public","extensions"]');
    expect(error.message).toContain("Nothing was run.");
    expect(error.details).toMatchObject({ missing: [], notOnSearchPath: ["vector (schema extensions)"] });
    expect(await tableExists(`docs_${run}`)).toBe(false);
    expect(await readApplied(options())).toEqual([]);
  });

  it("plan reports the same problem, so a CI gate catches it before up", async () => {
    const result = await plan(loadMigrations(dir.path), options());
    expect(result.pending).toHaveLength(1);
    expect(result.extensionProblems).toEqual([
      expect.objectContaining({
        kind: "extension-off-search-path",
        severity: "error",
        extension: "vector",
        schema: "extensions",
      }),
    ]);
  });

  it("applies with the schema on the search path (the searchPath option), and plan then finds nothing", async () => {
    const withPath = options({ sessionSettings: { search_path: "public, extensions" } });
    expect((await plan(loadMigrations(dir.path), withPath)).extensionProblems).toEqual([]);
    const result = await up(loadMigrations(dir.path), withPath);
    expect(result.applied.map((migration) => migration.id)).toEqual([`0001_docs_${run}`]);
  });

  it("accepts a file whose own search_path directive or SET search_path reaches the schema", async () => {
    dir.write(
      `0001_docs_${run}.sql`,
      `-- migrate:set search_path = 'public, extensions'\nCREATE TABLE docs_${run} (embedding vector(3));\n`,
    );
    dir.write(
      `0002_more_${run}.sql`,
      `SET search_path = public, extensions;\nCREATE TABLE more_${run} (embedding vector(3));\n`,
    );
    const result = await up(loadMigrations(dir.path), options());
    expect(result.applied).toHaveLength(2);
  });

  it("accepts SQL that qualifies pgvector's names", async () => {
    dir.write(
      `0001_docs_${run}.sql`,
      `CREATE TABLE docs_${run} (embedding extensions.vector(3));\nCREATE INDEX ON docs_${run} USING hnsw (embedding extensions.vector_l2_ops);\n`,
    );
    const result = await up(loadMigrations(dir.path), options());
    expect(result.applied).toHaveLength(1);
  });

  it("only warns about a required vector off the search_path when the SQL qualifies its names", async () => {
    dir.write(`0001_docs_${run}.sql`, `CREATE TABLE docs_${run} (embedding extensions.vector(3));\n`);
    const logger = new CapturingLogger();
    const result = await up(loadMigrations(dir.path), options({ requiredExtensions: ["vector"], logger }));
    expect(result.applied).toHaveLength(1);
    expect(logger.text()).toContain(
      'warn: The PostgreSQL extension "vector" (pgvector) is installed in schema "extensions" of database "postgres", which is not on the search_path of the migration session',
    );
  });

  it("still reports an extension that is not installed at all", async () => {
    const result = await plan(loadMigrations(dir.path), options({ requiredExtensions: ["pg_trgm"] }));
    expect(result.extensionProblems?.map((problem) => [problem.kind, problem.extension])).toEqual([
      ["extension-missing", "pg_trgm"],
      ["extension-off-search-path", "vector"],
    ]);
  });
});
