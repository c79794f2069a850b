// The extension preflight on native PostgreSQL, which has no pgvector.
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let dir: MigrationsDir;
beforeEach(async () => {
  db = await createNativeDatabase("preflight");
  dir = migrationsDir({
    "0001_documents.sql": "CREATE TABLE documents (id bigint PRIMARY KEY);",
    "0002_chunks.sql": "-- Embeddings\nCREATE TABLE chunks (\n  id bigint PRIMARY KEY,\n  embedding vector(1536)\n);",
  });
});
afterEach(async () => {
  dir.cleanup();
  await db.drop();
});

describe("extension preflight", () => {
  it("refuses to run anything when the SQL uses vector and the extension is missing", async () => {
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    expect(error.code).toBe("EXTENSION_MISSING");
    expect(error.message).toContain(
      'The PostgreSQL extension "vector" (pgvector) is needed by migrations/0002_chunks.sql:2:1 but is not installed in database',
    );
    expect(error.message).toContain("This server does not offer it at all (it is not in pg_available_extensions).");
    expect(error.message).toContain("Run CREATE EXTENSION IF NOT EXISTS vector;");
    expect(error.message).toContain("Nothing was run.");
    expect(error.message).not.toContain('type "vector" does not exist');
    expect(error.details).toMatchObject({ missing: ["vector"], platform: "generic" });
    expect(await query(db.url, "SELECT to_regclass('documents') AS t")).toEqual([{ t: null }]);
    expect(await readApplied(engineOptions(db.url))).toEqual([]);
  });

  it("creates neither the tracking table nor its schema when it refuses", async () => {
    const options = engineOptions(db.url, { trackingTable: "ops.applied_migrations" });
    const error = await failure(up(loadMigrations(dir.path), options));
    expect(error.code).toBe("EXTENSION_MISSING");
    expect(
      await query(
        db.url,
        "SELECT to_regnamespace('ops') AS schema, to_regclass('ops.applied_migrations') AS table, to_regclass('public.schema_migrations') AS default_table",
      ),
    ).toEqual([{ schema: null, table: null, default_table: null }]);
  });

  it.each([
    [
      "azure",
      ["add VECTOR to the server parameter azure.extensions", "then run CREATE EXTENSION IF NOT EXISTS vector;"],
    ],
    ["supabase", ["CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;"]],
    ["neon", ["On Neon, run CREATE EXTENSION IF NOT EXISTS vector; as the database owner."]],
  ] as const)("gives %s advice", async (platform, expected) => {
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url, { platform })));
    expect(error.code).toBe("EXTENSION_MISSING");
    for (const text of expected) expect(error.message).toContain(text);
  });

  it("checks requiredExtensions even when the SQL does not use them", async () => {
    dir.remove("0002_chunks.sql");
    const error = await failure(
      up(loadMigrations(dir.path), engineOptions(db.url, { requiredExtensions: ["pg_trgm", "vector"] })),
    );
    expect(error.code).toBe("EXTENSION_MISSING");
    expect(error.message).toContain('"pg_trgm" is needed by the engine options (requiredExtensions)');
    expect(error.message).toContain("The server offers version");
    expect(error.message).toContain('"vector" (pgvector) is needed by the engine options');
    expect(error.details).toMatchObject({ missing: ["pg_trgm", "vector"] });

    await query(db.url, "CREATE EXTENSION pg_trgm");
    const result = await up(loadMigrations(dir.path), engineOptions(db.url, { requiredExtensions: ["pg_trgm"] }));
    expect(result.applied).toHaveLength(1);
  });

  it("lets a migration that creates the extension itself through to the server", async () => {
    dir.write("0002_chunks.sql", "CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE chunks (embedding vector(3));");
    const error = await failure(up(loadMigrations(dir.path), engineOptions(db.url)));
    // The preflight does not block it; the server then says why CREATE EXTENSION fails.
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toMatch(
      /^migrations\/0002_chunks\.sql:1:1: ERROR 0A000: extension "vector" is not available/,
    );
    expect(error.message).toContain("Run CREATE EXTENSION IF NOT EXISTS vector; as a user allowed to create it");
    expect((await readApplied(engineOptions(db.url))).map((row) => row.version)).toEqual([1]);
  });
});
