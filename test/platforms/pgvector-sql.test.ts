// The vector side of the platforms, on PostgreSQL with pgvector (PGlite): the local stack against the real
// `npm run local`, and Supabase's `extensions` schema with the search_path the platform hands the migrations.
// The program runs under mocks; its registrations are applied for real, with the repository's migrations.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MigrationsInputs } from "../../infra/migrations";
import { type Registration, runStack, single } from "../infra/harness";
import { stackFileConfig } from "../infra/stack-files";
import { type LocalProcess, startLocal } from "../local/local-process";
import { freePort, type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import {
  type Applied,
  applyRegistrations,
  createMigrations,
  destroyRegistrations,
  migrationsType,
  requireBuiltEngine,
} from "./support/apply";
import type { ProviderLine } from "./support/provider-log";
import { creationStep, deletionStep, postgresqlTypes } from "./support/provider-sql";

const embedding = (hot: number) => `[${Array.from({ length: 1536 }, (_, i) => (i === hot ? 1 : 0)).join(",")}]`;
const repositoryMigrations = ["0001_documents", "0002_chunks", "0003_chunks_embedding_hnsw", "0004_match_chunks"];

let client: pg.Client;

beforeAll(() => {
  requireBuiltEngine();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error.message,
  );

describe("`pulumi up -s local` against `npm run local` (Pulumi.local.yaml)", () => {
  let local: LocalProcess;
  let dataDir: string;
  let registrations: Registration[];
  let applied: Applied;
  /** Pulumi.local.yaml, pointed at this test's server. */
  let pointed: Record<string, string>;

  // The real `npm run local` (built), on a free port instead of 54329 so that tests never meet a developer's server.
  beforeAll(async () => {
    dataDir = join(repoRoot, ".test-data", `platforms-local-${randomBytes(4).toString("hex")}`);
    local = await startLocal(["--port", String(await freePort()), "--data-dir", dataDir]);
    client = new pg.Client({ connectionString: local.url });
    await client.connect();

    const config = stackFileConfig("local");
    const existing = JSON.parse(config["pgvector-stack:existing"] ?? "{}");
    expect(existing.port).toBe(54329);
    const port = Number(new URL(local.url).port);
    pointed = { ...config, "pgvector-stack:existing": JSON.stringify({ ...existing, port }) };
    ({ registrations } = await runStack("local", pointed));
    applied = await applyRegistrations(registrations);
  });

  afterAll(async () => {
    await client?.end();
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finds vector and the migrations in place, and adds the app role, with no password and no TLS", async () => {
    expect(new URL(local.url).pathname).toBe("/app");
    expect(applied.steps[0]?.statements).toEqual(['CREATE EXTENSION IF NOT EXISTS "vector"']);
    // `npm run local` applied them at start: the stack records them and applies nothing twice.
    expect(applied.migrations?.newlyApplied).toEqual([]);
    expect(applied.providerLog.map((line) => line.text)).toContainEqual(
      expect.stringMatching(/^Nothing to apply: \d+ migration\(s\) applied, none pending$/),
    );
    expect(Object.values(applied.migrations?.applied ?? {}).map((row) => row.name)).toEqual(
      repositoryMigrations.map((id) => id.replace(/^\d+_/, "")),
    );
    expect(applied.migrations?.latestMigration).toBe(repositoryMigrations.at(-1));
    const role = String(single(registrations, postgresqlTypes.role).inputs.name);
    const { rows } = await client.query(
      "SELECT rolcanlogin, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1",
      [role],
    );
    expect(rows).toEqual([{ rolcanlogin: true, rolcreaterole: false, rolcreatedb: false }]);
  });

  it("lets the app role store embeddings and run the hybrid search, and nothing more", async () => {
    const role = String(single(registrations, postgresqlTypes.role).inputs.name);
    // PGlite has one session for every client: SET ROLE is how to act as the app role here.
    await client.query(`SET ROLE ${role}`);
    try {
      const document = await client.query("INSERT INTO documents (source, title) VALUES ('a.md', 'A') RETURNING id");
      const id = document.rows[0].id;
      await client.query(
        "INSERT INTO chunks (document_id, chunk_index, content, embedding) VALUES ($1, 0, 'vectors in postgres', $2), ($1, 1, 'something else', $3)",
        [id, embedding(0), embedding(1)],
      );
      const match = await client.query("SELECT content FROM match_chunks($1, 'postgres', 1)", [embedding(0)]);
      expect(match.rows).toEqual([{ content: "vectors in postgres" }]);
      expect(await errorOf(client.query("CREATE TABLE mine (id int)"))).toBe("permission denied for schema public");
      expect(await errorOf(client.query("DROP TABLE chunks"))).toBe("must be owner of table chunks");
      expect(await errorOf(client.query("ALTER TABLE documents ADD COLUMN x int"))).toBe(
        "must be owner of table documents",
      );
    } finally {
      await client.query("RESET ROLE");
    }
  });

  it("`pulumi destroy -s local` drops the app role and leaves vector, the tables and the tracking table", async () => {
    const role = String(single(registrations, postgresqlTypes.role).inputs.name);
    // What deleting the Extension would run: the migrated tables' vector columns forbid it.
    const extension = deletionStep(registrations, single(registrations, postgresqlTypes.extension));
    expect(extension?.statements).toEqual(['DROP EXTENSION "vector" RESTRICT']);
    expect(await errorOf(client.query(extension?.statements[0] ?? ""))).toBe(
      "cannot drop extension vector because other objects depend on it",
    );
    const steps = await destroyRegistrations(registrations);
    expect(steps.map((step) => step.registration.type)).not.toContain(postgresqlTypes.extension);
    const { rows } = await client.query(
      `SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname = $1) AS roles,
              (SELECT count(*)::int FROM pg_extension WHERE extname = 'vector') AS vector,
              (SELECT count(*)::int FROM pgvector_migrate.schema_migrations) AS applied,
              to_regclass('chunks')::text AS chunks`,
      [role],
    );
    expect(rows).toEqual([{ roles: 0, vector: 1, applied: repositoryMigrations.length, chunks: "chunks" }]);
    // The next `pulumi up -s local` starts over cleanly: no "role already exists".
    const again = await applyRegistrations((await runStack("local", pointed)).registrations);
    expect(again.migrations?.newlyApplied).toEqual([]);
  });
});

describe("supabase: vector in the extensions schema", () => {
  const supabase = {
    platform: "supabase",
    supabase: JSON.stringify({
      projectRef: "abcdefghijklmnopqrst",
      poolerHost: "aws-0-eu-central-1.pooler.supabase.com",
    }),
    supabaseDbPassword: "Supabase-Db-Pw-1",
  };
  let registrations: Registration[];
  let server: PgvectorServer;

  beforeAll(async () => {
    ({ registrations } = await runStack("dev", supabase, { secretKeys: ["supabaseDbPassword"] }));
  });

  // A fresh PGlite per test: it serves a single database, and each test needs an empty one.
  beforeEach(async () => {
    server = await startPgvectorServer();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  });

  afterEach(async () => {
    await client?.end();
    await server?.stop();
  });

  /** The registered Migrations inputs, pointed at PGlite instead of db.<ref>.supabase.co. */
  function migrationsInputs(change: Partial<MigrationsInputs> = {}): MigrationsInputs {
    const inputs = single(registrations, migrationType).inputs as unknown as MigrationsInputs;
    const connection = {
      host: "127.0.0.1",
      port: server.port,
      database: "postgres",
      user: "postgres",
      password: "x",
      sslmode: "disable" as const,
    };
    return { ...inputs, connection, ...change };
  }
  const migrationType = migrationsType;

  /** What a Supabase database has before the stack runs: the `extensions` schema, and no vector yet. */
  const supabaseBaseline = () => client.query("CREATE SCHEMA extensions");

  async function createRegisteredExtension(): Promise<void> {
    const step = creationStep(registrations, single(registrations, postgresqlTypes.extension));
    for (const statement of step?.statements ?? []) await client.query(statement);
  }

  it("creates vector WITH SCHEMA extensions and runs the migrations with search_path public, extensions", async () => {
    const extension = single(registrations, postgresqlTypes.extension);
    expect(extension.inputs).toEqual({ name: "vector", database: "postgres", schema: "extensions" });
    expect(migrationsInputs().searchPath).toEqual(["public", "extensions"]);
    expect(migrationsInputs().platform).toBe("supabase");

    await supabaseBaseline();
    await createRegisteredExtension();
    const created = await createMigrations(migrationsInputs());
    expect(created.outs?.appliedCount).toBe(repositoryMigrations.length);

    const placed = await client.query(
      "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'",
    );
    expect(placed.rows).toEqual([{ nspname: "extensions" }]);
    const column = await client.query(
      `SELECT t.typnamespace::regnamespace::text AS schema, t.typname AS type
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = 'public.chunks'::regclass AND a.attname = 'embedding'`,
    );
    expect(column.rows).toEqual([{ schema: "extensions", type: "vector" }]);
  });

  it("without the search path, stops before running anything and names the schema to add, not PostgreSQL's type error", async () => {
    await supabaseBaseline();
    await createRegisteredExtension();
    const { searchPath: _, ...withoutSearchPath } = migrationsInputs();
    const providerLog: ProviderLine[] = [];
    const message = await errorOf(createMigrations(withoutSearchPath as MigrationsInputs, providerLog));
    expect(message).toContain(
      'installed in schema "extensions" of database "postgres", which is not on the search_path of the migration session (public); migrations/0002_chunks.sql:7:1 names its objects without a schema',
    );
    expect(message).toContain('stack setting migrationsSearchPath ["public","extensions"]');
    expect(providerLog.map((line) => line.text)).not.toContainEqual(expect.stringMatching(/^Applying/));
    const tables = await client.query(
      "SELECT to_regclass('public.documents') AS documents, to_regclass('public.chunks') AS chunks",
    );
    expect(tables.rows).toEqual([{ documents: null, chunks: null }]);
  });

  it("without the extension, stops before running anything and says how to create it on Supabase", async () => {
    await supabaseBaseline();
    const providerLog: ProviderLine[] = [];
    const message = await errorOf(createMigrations(migrationsInputs(), providerLog));
    expect(message).toContain('The PostgreSQL extension "vector" (pgvector) is needed');
    expect(providerLog).toEqual([]);
    expect(message).toContain(
      "On Supabase, create it in the extensions schema: CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;",
    );
    expect(message).toContain("Nothing was run.");
    expect(message).not.toContain("Supabase-Db-Pw-1");
  });
});
