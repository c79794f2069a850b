// Vector migrations on PGlite with pgvector (one server for this file), including the shipped migrations/.
import { join } from "node:path";
import { down, loadMigrations, plan, readApplied, up } from "pgvector-migrate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import { engineOptions, failure, migrationsDir, query } from "./helpers";

let server: PgvectorServer;
beforeAll(async () => {
  server = await startPgvectorServer();
  await query(server.url, "CREATE EXTENSION IF NOT EXISTS vector");
});
afterAll(async () => {
  await server.stop();
});

const embedding = (seed: number) =>
  `[${Array.from({ length: 1536 }, (_, index) => ((index * seed) % 7) / 7).join(",")}]`;

describe("the example migrations", () => {
  const set = loadMigrations(join(repoRoot, "migrations"));

  it("apply cleanly, support hybrid search, and revert cleanly", async () => {
    expect(set.migrations.map((migration) => migration.id)).toEqual([
      "0001_documents",
      "0002_chunks",
      "0003_chunks_embedding_hnsw",
      "0004_match_chunks",
    ]);
    for (const migration of set.migrations) expect(migration.down).toBeDefined();
    const options = engineOptions(server.url, { requiredExtensions: ["vector"] });

    const result = await up(set, options);
    expect(result.applied.map((applied) => applied.id)).toEqual(set.migrations.map((migration) => migration.id));
    expect((await plan(set, options)).pending).toEqual([]);

    const indexes = await query<{ indexname: string; indexdef: string }>(
      server.url,
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'chunks' ORDER BY indexname",
    );
    expect(indexes.find((index) => index.indexname === "chunks_embedding_hnsw_idx")?.indexdef).toBe(
      "CREATE INDEX chunks_embedding_hnsw_idx ON public.chunks USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')",
    );
    expect(indexes.find((index) => index.indexname === "chunks_content_tsv_idx")?.indexdef).toContain(
      "USING gin (content_tsv)",
    );

    await query(server.url, "INSERT INTO documents (source, title) VALUES ('handbook.pdf', 'Handbook')");
    await query(
      server.url,
      `INSERT INTO chunks (document_id, chunk_index, content, embedding) VALUES
         (1, 0, 'Vacation policy: twenty days per year', '${embedding(1)}'),
         (1, 1, 'Expense reports are due monthly', '${embedding(2)}'),
         (1, 2, 'Security training is mandatory', '${embedding(3)}')`,
    );
    const matches = await query<{ chunk_id: string; content: string; score: number }>(
      server.url,
      `SELECT * FROM match_chunks('${embedding(2)}', 'expense reports', 2)`,
    );
    expect(matches[0]?.content).toBe("Expense reports are due monthly");
    expect(matches).toHaveLength(2);

    const reverted = await down(set, 0, options);
    expect(reverted.reverted.map((item) => item.id)).toEqual([
      "0004_match_chunks",
      "0003_chunks_embedding_hnsw",
      "0002_chunks",
      "0001_documents",
    ]);
    expect(reverted.state).toEqual([]);
    expect(
      await query(
        server.url,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
      ),
    ).toEqual([]);
    expect(await query(server.url, "SELECT proname FROM pg_proc WHERE proname = 'match_chunks'")).toEqual([]);

    // And they apply again after a full revert.
    expect((await up(set, options)).applied).toHaveLength(4);
    await down(set, 0, options);
  });
});

describe("vector migrations", () => {
  it("apply vector columns, HNSW and IVFFlat indexes and vector functions; errors point into the file", async () => {
    const dir = migrationsDir({
      "0001_items.sql": "CREATE TABLE items (id int PRIMARY KEY, embedding vector(3), half halfvec(3));",
      "0002_hnsw.sql":
        "-- migrate:no-transaction\n-- migrate:set maintenance_work_mem = '64MB'\nCREATE INDEX CONCURRENTLY items_hnsw ON items USING hnsw (embedding vector_l2_ops);",
      "0003_data.sql":
        "INSERT INTO items VALUES (1, '[1,2,3]', '[1,2,3]'), (2, '[3,2,1]', '[3,2,1]');\nCREATE INDEX items_ivf ON items USING ivfflat (embedding vector_ip_ops) WITH (lists = 1);",
    });
    try {
      const options = engineOptions(server.url, { trackingTable: "vector_test_migrations" });
      const result = await up(loadMigrations(dir.path), options);
      expect(result.applied).toHaveLength(3);
      expect(await query(server.url, "SELECT id FROM items ORDER BY embedding <-> '[3,2,1.1]' LIMIT 1")).toEqual([
        { id: 2 },
      ]);

      dir.write(
        "0004_bad_dimension.sql",
        "-- wrong dimension\nINSERT INTO items (id, embedding)\nVALUES (3, '[1,2]');",
      );
      const error = await failure(up(loadMigrations(dir.path), options));
      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.message).toMatch(
        /^migrations\/0004_bad_dimension\.sql:2:1: ERROR 22000: expected 3 dimensions, not 2/,
      );
      expect((await readApplied(options)).map((row) => row.version)).toEqual([1, 2, 3]);
    } finally {
      dir.cleanup();
      await query(server.url, "DROP TABLE IF EXISTS items, vector_test_migrations");
    }
  });
});
