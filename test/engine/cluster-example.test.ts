// The example migrations for an elastic cluster (examples/cluster-migrations) on PGlite with pgvector. There is no
// Citus server here: create_distributed_table is a no-op stand-in with Citus's signature
// (citusdata/citus src/backend/distributed/sql/udfs/create_distributed_table/10.2-1.sql), so this checks what PostgreSQL itself decides:
// the tables, keys and index build, and that the hybrid search function returns the right rows.
import { join } from "node:path";
import { down, loadMigrations, up } from "pgvector-migrate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import { engineOptions, query } from "./helpers";

let server: PgvectorServer;
beforeAll(async () => {
  server = await startPgvectorServer();
  await query(server.url, "CREATE EXTENSION IF NOT EXISTS vector");
  await query(
    server.url,
    `CREATE FUNCTION create_distributed_table(table_name regclass, distribution_column text,
       distribution_type text DEFAULT 'hash', colocate_with text DEFAULT 'default', shard_count integer DEFAULT NULL)
     RETURNS void LANGUAGE plpgsql AS $$
     BEGIN
       CREATE TABLE IF NOT EXISTS distributed_calls (table_name regclass, distribution_column text, colocate_with text);
       INSERT INTO distributed_calls VALUES (table_name, distribution_column, colocate_with);
     END $$`,
  );
});
afterAll(async () => {
  await server.stop();
});

const embedding = (seed: number) =>
  `[${Array.from({ length: 1536 }, (_, index) => ((index * seed) % 7) / 7).join(",")}]`;

describe("the example cluster migrations", () => {
  const set = loadMigrations(join(repoRoot, "examples/cluster-migrations"));

  it("apply, distribute chunks by document_id colocated with documents, and support hybrid search", async () => {
    const options = engineOptions(server.url, { requiredExtensions: ["vector"] });
    const result = await up(set, options);
    expect(result.applied.map((applied) => applied.id)).toEqual(set.migrations.map((migration) => migration.id));
    expect(
      await query(server.url, "SELECT table_name::text, distribution_column, colocate_with FROM distributed_calls"),
    ).toEqual([
      { table_name: "documents", distribution_column: "id", colocate_with: "default" },
      { table_name: "chunks", distribution_column: "document_id", colocate_with: "documents" },
    ]);
    // Citus requires the distribution column in every primary key and unique constraint.
    const keys = await query<{ conname: string; columns: string }>(
      server.url,
      `SELECT conname, (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
                         WHERE attrelid = conrelid AND attnum = ANY (conkey)) AS columns
         FROM pg_constraint WHERE conrelid IN ('documents'::regclass, 'chunks'::regclass) AND contype IN ('p', 'u')
        ORDER BY conname`,
    );
    expect(keys).toEqual([
      { conname: "chunks_document_chunk_key", columns: "document_id,chunk_index" },
      { conname: "chunks_pkey", columns: "id,document_id" },
      { conname: "documents_pkey", columns: "id" },
    ]);

    await query(server.url, "INSERT INTO documents (source, title) VALUES ('a.pdf', 'A'), ('b.pdf', 'B')");
    await query(
      server.url,
      `INSERT INTO chunks (document_id, chunk_index, content, embedding) VALUES
         (1, 0, 'Vacation policy: twenty days per year', '${embedding(1)}'),
         (1, 1, 'Expense reports are due monthly', '${embedding(2)}'),
         (2, 0, 'Security training is mandatory', '${embedding(3)}'),
         (2, 1, 'Expense limits for travel', '${embedding(5)}')`,
    );
    const matches = await query<{ chunk_id: string; document_id: string; content: string; score: number }>(
      server.url,
      `SELECT * FROM match_chunks('${embedding(2)}', 'expense reports', 3)`,
    );
    expect(matches.map((match) => match.content)).toHaveLength(3);
    expect(matches[0]).toMatchObject({ document_id: "1", content: "Expense reports are due monthly" });
    // Best match in both rankings: 1/(60+1) + 1/(60+1).
    expect(matches[0]?.score).toBeCloseTo(2 / 61, 10);
    const scores = matches.map((match) => match.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    await down(set, 0, options);
    expect(
      await query(server.url, "SELECT to_regclass('chunks') AS chunks, to_regclass('documents') AS documents"),
    ).toEqual([{ chunks: null, documents: null }]);
  });
});
