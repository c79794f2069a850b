// The real runtime path with no Pulumi CLI: the SDK's dynamic-provider host runs the serialized provider, this test
// plays the engine over gRPC (the same calls, in the same order, with the same state hand-over as `pulumi up`,
// `pulumi refresh` and `pulumi destroy`), against PostgreSQL with pgvector.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { down, type EngineOptions, loadMigrations, up } from "pgvector-migrate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsInputs, migrationsProvider } from "../../infra/migrations";
import {
  createNativeDatabase,
  type NativeDatabase,
  type PgvectorServer,
  repoRoot,
  startPgvectorServer,
} from "../support";
import { createProgramDir, type ProgramDir } from "./support/program";
import {
  DiffChanges,
  type Props,
  type ProviderCallError,
  type ProviderHost,
  startProviderHost,
} from "./support/provider-host";
import { loadCompiledProvider, serializeAsTheSdkDoes } from "./support/serialized-provider";

const password = "host-Pa55word-91c2"; // PGlite accepts any password: a distinctive one to search the output for
const createItems = "CREATE TABLE items (\n  id bigserial PRIMARY KEY,\n  embedding vector(3) NOT NULL\n);\n";
const itemsHnsw = "CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_l2_ops);\n";

function requireBuiltEngine(): void {
  const built = join(repoRoot, "packages/migrate/dist/index.js");
  if (!existsSync(built) || typeof require(built).up !== "function") {
    throw new Error("the dynamic-provider host loads the BUILT pgvector-migrate: run `npm run build` (npm test does)");
  }
}

/** What the engine keeps in the state between operations. */
interface State {
  id: string;
  inputs: Props;
  outputs: Props;
}

// One PGlite backend for the file: the two suites run one after the other, with their own tracking tables.
let server: PgvectorServer;

beforeAll(async () => {
  requireBuiltEngine();
  server = await startPgvectorServer();
});

afterAll(async () => {
  await server?.stop();
});

describe("the Migrations provider in the SDK's dynamic-provider host", () => {
  let program: ProgramDir;
  let host: ProviderHost;
  let serializedProvider: string;
  let db: pg.Client;
  let state: State;

  const connection = () => ({
    host: "127.0.0.1",
    port: server.port,
    database: "postgres",
    user: "postgres",
    password,
    sslmode: "disable",
  });

  /** The inputs the Migrations resource registers for the program directory's current files. */
  const programInputs = (overrides: Record<string, unknown> = {}): Props => ({
    ...migrationsInputs({ directory: "migrations", ...overrides }, connection(), program.dir),
    __provider: serializedProvider,
  });

  /** Out-of-band access to the same database, as another tool or a person would have. */
  const engineOptions = (): EngineOptions => ({
    connection: { url: server.url },
    trackingTable: "public.schema_migrations",
  });

  const tableExists = async (name: string) =>
    (await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [name])).rows[0].present as boolean;

  /** `pulumi up` for an existing resource: Check against the old inputs, Diff, then Update if there are changes. */
  async function pulumiUp(news: Props): Promise<Props> {
    const checked = await host.check(state.inputs, news);
    expect(checked.failures).toEqual([]);
    const diff = await host.diff(state.id, state.outputs, checked.inputs);
    expect(diff.changes).toBe(DiffChanges.DIFF_SOME);
    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    state = { id: state.id, inputs: checked.inputs, outputs };
    return outputs;
  }

  beforeAll(async () => {
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
    // In the stack, the postgresql.Extension resource creates it before the migrations run.
    await db.query("CREATE EXTENSION IF NOT EXISTS vector");
    program = createProgramDir("provider-host", {
      "0001_create_items.sql": createItems,
      "0001_create_items.down.sql": "DROP TABLE items;\n",
    });
    serializedProvider = (await serializeAsTheSdkDoes(loadCompiledProvider(join(program.dir, ".compiled")))).text;
    host = await startProviderHost(program.dir);
  });

  afterAll(async () => {
    await host?.stop();
    await db?.end();
    program?.cleanup();
  });

  it("configures without accepting secrets, so the engine must re-mark secret outputs", async () => {
    expect(await host.configure()).toEqual({ acceptSecrets: false });
  });

  it("creates: checks the inputs, applies the migrations and reports them", async () => {
    const news = programInputs();
    const checked = await host.check({}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual(news);

    const created = await host.create(checked.inputs);
    state = { id: created.id, inputs: checked.inputs, outputs: created.properties };

    expect(created.id).toBe("postgres:public.schema_migrations");
    expect(created.properties).toMatchObject({
      migrations: news.migrations,
      applied: news.migrations,
      appliedCount: 1,
      latestVersion: 1,
      latestMigration: "0001_create_items",
      newlyApplied: ["0001_create_items"],
      connection: connection(),
      __provider: serializedProvider,
    });
    expect(await tableExists("items")).toBe(true);
  });

  it("reports no change when nothing changed", async () => {
    const checked = await host.check(state.inputs, programInputs());
    const diff = await host.diff(state.id, state.outputs, checked.inputs);
    expect(diff).toEqual({ changes: DiffChanges.DIFF_NONE, replaces: [], deleteBeforeReplace: false });
  });

  it("shows a new migration file as a change and applies only that one on update", async () => {
    program.write("0002_items_hnsw.sql", itemsHnsw);
    program.write("0002_items_hnsw.down.sql", "DROP INDEX items_embedding_hnsw;\n");
    const news = programInputs();

    const checked = await host.check(state.inputs, news);
    expect(checked.failures).toEqual([]);
    const diff = await host.diff(state.id, state.outputs, checked.inputs);
    expect(diff).toEqual({ changes: DiffChanges.DIFF_SOME, replaces: [], deleteBeforeReplace: false });

    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    state = { id: state.id, inputs: checked.inputs, outputs };

    expect(outputs).toMatchObject({
      applied: news.migrations,
      appliedCount: 2,
      latestVersion: 2,
      latestMigration: "0002_items_hnsw",
      newlyApplied: ["0002_items_hnsw"],
    });
    expect(await tableExists("items_embedding_hnsw")).toBe(true);
  });

  it("refresh shows a migration reverted outside Pulumi, and the next update applies it again", async () => {
    await down(loadMigrations(program.migrationsDir), 1, engineOptions());
    expect(await tableExists("items_embedding_hnsw")).toBe(false);

    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect(refreshed.id).toBe(state.id);
    const { "0001_create_items": initChecksum } = state.inputs.migrations as Record<string, string>;
    expect(refreshed.properties.applied).toEqual({ "0001_create_items": initChecksum });
    expect(refreshed.properties).toMatchObject({ appliedCount: 1, latestVersion: 1, connection: connection() });
    state = { ...state, outputs: refreshed.properties };

    const outputs = await pulumiUp(programInputs());
    expect(outputs).toMatchObject({ appliedCount: 2, newlyApplied: ["0002_items_hnsw"] });
    expect(await tableExists("items_embedding_hnsw")).toBe(true);
  });

  it("refresh shows a migration applied outside Pulumi, and the next update records it without re-running it", async () => {
    program.write("0003_items_title.sql", "ALTER TABLE items ADD COLUMN title text;\n");
    program.write("0003_items_title.down.sql", "ALTER TABLE items DROP COLUMN title;\n");
    await up(loadMigrations(program.migrationsDir), engineOptions());

    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect(Object.keys(refreshed.properties.applied as object)).toEqual([
      "0001_create_items",
      "0002_items_hnsw",
      "0003_items_title",
    ]);
    expect(refreshed.properties).toMatchObject({ appliedCount: 3, latestMigration: "0003_items_title" });
    state = { ...state, outputs: refreshed.properties };

    const outputs = await pulumiUp(programInputs());
    expect(outputs).toMatchObject({ appliedCount: 3, newlyApplied: [] });
  });

  it("fails the check when an applied migration was edited, naming the file and the way out", async () => {
    const file = join(program.migrationsDir, "0001_create_items.sql");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("vector(3)", "vector(4)"));
    try {
      const checked = await host.check(state.inputs, programInputs());
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures[0]?.property).toBe("migrations");
      expect(checked.failures[0]?.reason).toMatch(/^migrations\/0001_create_items\.sql changed after it was applied/);
      expect(checked.failures[0]?.reason).toContain("add a new migration");
    } finally {
      writeFileSync(file, original);
    }
  });

  it("fails the check when an applied migration file was deleted", async () => {
    const file = join(program.migrationsDir, "0002_items_hnsw.sql");
    const original = readFileSync(file, "utf8");
    program.remove("0002_items_hnsw.down.sql");
    program.remove("0002_items_hnsw.sql");
    try {
      const checked = await host.check(state.inputs, programInputs());
      expect(checked.failures.map((failure) => failure.reason)).toEqual([
        expect.stringMatching(/^migrations\/0002_items_hnsw\.sql was applied by an earlier update but is no longer/),
      ]);
    } finally {
      program.write("0002_items_hnsw.sql", original);
      program.write("0002_items_hnsw.down.sql", "DROP INDEX items_embedding_hnsw;\n");
    }
  });

  it("fails the check with every invalid setting named", async () => {
    const news = {
      ...programInputs(),
      lockTimeoutSeconds: 0,
      onDelete: "drop",
      connection: { ...connection(), port: 0 },
    };
    const checked = await host.check(state.inputs, news);
    expect(checked.failures.map((failure) => failure.property).sort()).toEqual([
      "connection",
      "lockTimeoutSeconds",
      "onDelete",
    ]);
    expect(JSON.stringify(checked.failures)).not.toContain(password);
  });

  it("applies nothing when the files changed between the program reading them and the update", async () => {
    program.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body text;\n");
    const checked = await host.check(state.inputs, programInputs());
    program.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body varchar(10);\n");
    program.write("0005_items_rank.sql", "ALTER TABLE items ADD COLUMN rank int;\n");
    try {
      const failure = await host.update(state.id, state.outputs, checked.inputs).catch((error: Error) => error);
      const message = (failure as ProviderCallError).details;
      expect(message).toContain("are not the ones the Pulumi program read");
      expect(message).toMatch(/migrations\/0004_items_body\.sql differs \(checksum \w+… when the program read it/);
      expect(message).toContain("migrations/0005_items_rank.sql was not there before");
      expect(message).toContain("Nothing was applied");
      const columns = await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'items'");
      expect(columns.rows.map((row) => row.column_name).sort()).toEqual(["embedding", "id", "title"]);
    } finally {
      program.remove("0004_items_body.sql");
      program.remove("0005_items_rank.sql");
    }
  });

  it("reports a failing migration as file:line:column, keeps what was applied, and continues on the next update", async () => {
    program.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body text;\n");
    program.write("0004_items_body.down.sql", "ALTER TABLE items DROP COLUMN body;\n");
    program.write(
      "0005_item_tags.sql",
      "-- tags per item\nCREATE TABLE item_tags (\n  item_id bigint REFERENCES items (id),\n  tag txt NOT NULL\n);\n",
    );
    program.write("0005_item_tags.down.sql", "DROP TABLE item_tags;\n");
    const before = state;
    const checked = await host.check(state.inputs, programInputs());
    expect(checked.failures).toEqual([]);

    const failure = await host.update(state.id, state.outputs, checked.inputs).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error & { details: string }).details;
    expect(message).toMatch(/^migrations\/0005_item_tags\.sql:4:7: .*type "txt" does not exist/);
    expect(message).toContain("the next `pulumi up` continues from there");
    expect(message).not.toContain(password);
    // The engine keeps the previous state when an update fails; the tracking table has the migration that ran.
    state = before;
    expect(await tableExists("item_tags")).toBe(false);

    program.write(
      "0005_item_tags.sql",
      "CREATE TABLE item_tags (\n  item_id bigint REFERENCES items (id),\n  tag text\n);\n",
    );
    const outputs = await pulumiUp(programInputs());
    expect(outputs).toMatchObject({ appliedCount: 5, latestVersion: 5, newlyApplied: ["0005_item_tags"] });
    expect(await tableExists("item_tags")).toBe(true);
  });

  it("replaces only when the host or the database changes, never for values unknown during preview", async () => {
    const diffWith = (change: Record<string, unknown>) =>
      host.diff(state.id, state.outputs, { ...state.inputs, connection: { ...connection(), ...change } });

    expect((await diffWith({ database: "other" })).replaces).toEqual(["connection"]);
    expect((await diffWith({ host: "db.example.com" })).replaces).toEqual(["connection"]);
    expect(await diffWith({ password: "rotated" })).toMatchObject({ changes: DiffChanges.DIFF_SOME, replaces: [] });
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await diffWith({ host: unknown })).toMatchObject({ changes: DiffChanges.DIFF_SOME, replaces: [] });
    const url = `postgres://postgres:${password}@127.0.0.1:${server.port}/postgres?sslmode=disable`;
    const sameTarget = await host.diff(state.id, state.outputs, { ...state.inputs, connection: { url } });
    expect(sameTarget.replaces).toEqual([]);
  });

  it("delete with the default onDelete leaves the database alone and needs no connection", async () => {
    const unreachable = { ...state.outputs, connection: { ...connection(), host: "unreachable.invalid", port: 1 } };
    await host.delete(state.id, unreachable);

    expect(await tableExists("items")).toBe(true);
    expect(host.output()).toContain('onDelete is "keep", so the database was not touched');
  });

  it('delete with onDelete "down" reverts every migration', async () => {
    const outputs = await pulumiUp(programInputs({ onDelete: "down" }));
    expect(outputs.newlyApplied).toEqual([]);

    await host.delete(state.id, state.outputs);

    expect(await tableExists("items")).toBe(false);
    expect(await tableExists("item_tags")).toBe(false);
    expect(host.output()).toContain('onDelete is "down": reverted');
  });

  it("never writes the password to its output", () => {
    expect(host.output()).not.toContain(password);
  });
});

describe("the provider serialized under vitest also runs in the host", () => {
  let program: ProgramDir;
  let host: ProviderHost;

  beforeAll(async () => {
    program = createProgramDir("provider-host-vitest", {
      "0001_notes.sql":
        "CREATE TABLE notes AS\n" +
        "  SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('search_path') AS search_path;\n",
      "0001_notes.down.sql": "DROP TABLE notes;\n",
    });
    host = await startProviderHost(program.dir);
  });

  afterAll(async () => {
    await host?.stop();
    program?.cleanup();
  });

  it("creates with the session settings the options ask for, diffs and deletes", async () => {
    const connection = { url: server.url };
    const inputs: Props = {
      ...migrationsInputs(
        {
          directory: "migrations",
          onDelete: "down",
          trackingTable: "public.notes_migrations",
          timeoutMinutes: 90,
          searchPath: ["public", "Vector Schema"],
        },
        connection,
        program.dir,
      ),
      __provider: (await serializeAsTheSdkDoes(migrationsProvider)).text,
    };
    await host.configure();
    const checked = await host.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    expect(created.properties).toMatchObject({ appliedCount: 1, newlyApplied: ["0001_notes"] });
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT statement_timeout, search_path FROM notes");
      expect(rows).toEqual([{ statement_timeout: "90min", search_path: 'public, "Vector Schema"' }]);
    } finally {
      await db.end();
    }
    expect((await host.diff(created.id, created.properties, checked.inputs)).changes).toBe(DiffChanges.DIFF_NONE);
    await host.delete(created.id, created.properties);
    expect(host.output()).toContain('onDelete is "down": reverted 0001_notes.');
  });
});

describe("refresh when the database is gone", () => {
  let database: NativeDatabase;
  let program: ProgramDir;
  let host: ProviderHost;
  let created: { id: string; properties: Props };

  beforeAll(async () => {
    database = await createNativeDatabase("provider_refresh");
    program = createProgramDir("provider-host-refresh", { "0001_notes.sql": "CREATE TABLE notes (id int);\n" });
    host = await startProviderHost(program.dir);
    await host.configure();
    const inputs: Props = {
      ...migrationsInputs({ directory: "migrations" }, { url: database.url }, program.dir),
      __provider: (await serializeAsTheSdkDoes(loadCompiledProvider(join(program.dir, ".compiled")))).text,
    };
    created = await host.create((await host.check({}, inputs)).inputs);
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
    program?.cleanup();
  });

  it("fails, without touching the state, when the server does not answer", async () => {
    const unreachable = new URL(database.url);
    unreachable.port = "1";
    const properties = { ...created.properties, connection: { url: unreachable.toString() } };

    const failure = await host.read(created.id, properties, properties).catch((error: Error) => error);
    expect((failure as ProviderCallError).details).toMatch(/^Could not connect to /);
    expect((failure as ProviderCallError).details).not.toContain(new URL(database.url).password);
  });

  it("reports the resource as gone when its database was dropped", async () => {
    await database.drop();

    const refreshed = await host.read(created.id, created.properties, created.properties);
    expect(refreshed.id).toBe("");
    expect(host.output()).toContain(`Migrations: database ${database.name} no longer exists.`);
  });
});
