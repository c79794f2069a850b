// The CLI against PostgreSQL with pgvector (PGlite over TCP): vector migrations apply and revert.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, runCli, startPgvectorServer } from "../support";
import { migrationsProject } from "./fixtures";

let server: PgvectorServer;
beforeAll(async () => {
  server = await startPgvectorServer();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query("CREATE EXTENSION IF NOT EXISTS vector").finally(() => client.end());
});
afterAll(async () => {
  await server.stop();
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("pgvector-migrate on PGlite with pgvector", () => {
  it("applies and reverts a vector table with an HNSW index", async () => {
    const { dir, remove } = migrationsProject({
      "0001_chunks.sql": "CREATE TABLE chunks (id bigint PRIMARY KEY, embedding vector(3) NOT NULL);\n",
      "0001_chunks.down.sql": "DROP TABLE chunks;\n",
      "0002_chunks_hnsw.sql":
        "-- migrate:set maintenance_work_mem = '64MB'\nCREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);\n",
      "0002_chunks_hnsw.down.sql": "DROP INDEX chunks_embedding_hnsw;\n",
    });
    cleanups.push(remove);
    const env = { DATABASE_URL: server.url };

    const up = await runCli(["up", "--dir", dir], { env });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("Applied 0002_chunks_hnsw");

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'");
      expect(rows[0]?.indexdef).toContain("USING hnsw (embedding vector_cosine_ops)");
    } finally {
      await client.end();
    }

    const down = await runCli(["down", "--to", "0", "--dir", dir, "--yes"], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain("Reverted 0001_chunks");
  });
});
