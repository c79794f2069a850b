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
import { createTestProject, type TestProject } from "./support/program";
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

/** The `applied` output the tracking table gives for native files applied as they are: version -> name, checksum. */
function appliedAs(migrations: unknown): Record<string, { name: string; checksum: string }> {
  return Object.fromEntries(
    Object.entries(migrations as Record<string, { id: string; checksum: string }>).map(([version, entry]) => [
      version,
      { name: entry.id.replace(/^\d+_/, ""), checksum: entry.checksum },
    ]),
  );
}

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
  let project: TestProject;
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

  /** The inputs the Migrations resource registers for the project's current files. */
  const programInputs = (overrides: Record<string, unknown> = {}): Props => ({
    ...migrationsInputs({ directory: "migrations", ...overrides }, connection(), project.dir),
    __provider: serializedProvider,
  });

  /** Out-of-band access to the same database, as another tool or a person would have. */
  const engineOptions = (): EngineOptions => ({
    connection: { url: server.url },
    trackingTable: "pgvector_migrate.schema_migrations",
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
    project = createTestProject("provider-host", {
      "0001_create_items.sql": createItems,
      "0001_create_items.down.sql": "DROP TABLE items;\n",
    });
    serializedProvider = (await serializeAsTheSdkDoes(loadCompiledProvider(join(project.dir, ".compiled")))).text;
    // Where the CLI starts it for `main: infra/`: the program directory, below the project directory.
    host = await startProviderHost(project.programDir);
  });

  afterAll(async () => {
    await host?.stop();
    await db?.end();
    project?.cleanup();
  });

  it("configures without accepting secrets, so the engine must re-mark secret outputs", async () => {
    expect(await host.configure()).toEqual({ acceptSecrets: false });
  });

  it("creates: checks the inputs, applies the migrations and reports them", async () => {
    const news = programInputs();
    const checked = await host.check({}, news);
    expect(checked.failures).toEqual([]);
    // Preview shows what the update does with each migration it adds.
    expect(checked.inputs).toEqual({ ...news, pending: { "1": "apply" } });

    const created = await host.create(checked.inputs);
    state = { id: created.id, inputs: checked.inputs, outputs: created.properties };

    expect(created.id).toBe("postgres:pgvector_migrate.schema_migrations");
    expect(created.properties).toMatchObject({
      migrations: news.migrations,
      applied: appliedAs(news.migrations),
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
    project.write("0002_items_hnsw.sql", itemsHnsw);
    project.write("0002_items_hnsw.down.sql", "DROP INDEX items_embedding_hnsw;\n");
    const news = programInputs();

    const checked = await host.check(state.inputs, news);
    expect(checked.failures).toEqual([]);
    const diff = await host.diff(state.id, state.outputs, checked.inputs);
    expect(diff).toEqual({ changes: DiffChanges.DIFF_SOME, replaces: [], deleteBeforeReplace: false });

    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    state = { id: state.id, inputs: checked.inputs, outputs };

    expect(outputs).toMatchObject({
      applied: appliedAs(news.migrations),
      appliedCount: 2,
      latestVersion: 2,
      latestMigration: "0002_items_hnsw",
      newlyApplied: ["0002_items_hnsw"],
    });
    expect(await tableExists("items_embedding_hnsw")).toBe(true);
  });

  it("refresh shows a migration reverted outside Pulumi, and the next update applies it again", async () => {
    await down(loadMigrations(project.migrationsDir), 1, engineOptions());
    expect(await tableExists("items_embedding_hnsw")).toBe(false);

    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect(refreshed.id).toBe(state.id);
    const { "1": init } = state.inputs.migrations as Record<string, { checksum: string }>;
    expect(refreshed.properties.applied).toEqual({ "1": { name: "create_items", checksum: init?.checksum } });
    expect(refreshed.properties).toMatchObject({ appliedCount: 1, latestVersion: 1, connection: connection() });
    state = { ...state, outputs: refreshed.properties };

    const outputs = await pulumiUp(programInputs());
    expect(outputs).toMatchObject({ appliedCount: 2, newlyApplied: ["0002_items_hnsw"] });
    expect(await tableExists("items_embedding_hnsw")).toBe(true);
  });

  it("refresh shows a migration applied outside Pulumi, and the next update records it without re-running it", async () => {
    project.write("0003_items_title.sql", "ALTER TABLE items ADD COLUMN title text;\n");
    project.write("0003_items_title.down.sql", "ALTER TABLE items DROP COLUMN title;\n");
    await up(loadMigrations(project.migrationsDir), engineOptions());

    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect(Object.keys(refreshed.properties.applied as object)).toEqual(["1", "2", "3"]);
    expect(refreshed.properties).toMatchObject({ appliedCount: 3, latestMigration: "0003_items_title" });
    state = { ...state, outputs: refreshed.properties };

    const outputs = await pulumiUp(programInputs());
    expect(outputs).toMatchObject({ appliedCount: 3, newlyApplied: [] });
  });

  it("fails the check when an applied migration was edited, naming the file and the way out", async () => {
    const file = join(project.migrationsDir, "0001_create_items.sql");
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
    const file = join(project.migrationsDir, "0002_items_hnsw.sql");
    const original = readFileSync(file, "utf8");
    project.remove("0002_items_hnsw.down.sql");
    project.remove("0002_items_hnsw.sql");
    try {
      const checked = await host.check(state.inputs, programInputs());
      expect(checked.failures.map((failure) => failure.reason)).toEqual([
        expect.stringMatching(/^migrations\/0002_items_hnsw\.sql was applied by an earlier update but is no longer/),
      ]);
    } finally {
      project.write("0002_items_hnsw.sql", original);
      project.write("0002_items_hnsw.down.sql", "DROP INDEX items_embedding_hnsw;\n");
    }
  });

  it("fails the check with every invalid setting named", async () => {
    const news = {
      ...programInputs(),
      lockTimeoutSeconds: 0,
      onDelete: "drop",
      trackingTable: "Bad-Name",
      connection: { ...connection(), port: 0 },
    };
    const checked = await host.check(state.inputs, news);
    expect(checked.failures.map((failure) => failure.property).sort()).toEqual([
      "connection",
      "lockTimeoutSeconds",
      "onDelete",
      "trackingTable",
    ]);
    expect(JSON.stringify(checked.failures)).not.toContain(password);
  });

  it("applies nothing when the files changed between the program reading them and the update", async () => {
    project.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body text;\n");
    const checked = await host.check(state.inputs, programInputs());
    project.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body varchar(10);\n");
    project.write("0005_items_rank.sql", "ALTER TABLE items ADD COLUMN rank int;\n");
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
      project.remove("0004_items_body.sql");
      project.remove("0005_items_rank.sql");
    }
  });

  it("reports a failing migration as file:line:column, keeps what was applied, and continues on the next update", async () => {
    project.write("0004_items_body.sql", "ALTER TABLE items ADD COLUMN body text;\n");
    project.write("0004_items_body.down.sql", "ALTER TABLE items DROP COLUMN body;\n");
    project.write(
      "0005_item_tags.sql",
      "-- tags per item\nCREATE TABLE item_tags (\n  item_id bigint REFERENCES items (id),\n  tag txt NOT NULL\n);\n",
    );
    project.write("0005_item_tags.down.sql", "DROP TABLE item_tags;\n");
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

    project.write(
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
    const kept = 'onDelete is "keep", so the database was not touched';
    expect(await host.outputContaining(kept)).toContain(kept);
  });

  it('delete with onDelete "down" reverts every migration', async () => {
    const outputs = await pulumiUp(programInputs({ onDelete: "down" }));
    expect(outputs.newlyApplied).toEqual([]);

    await host.delete(state.id, state.outputs);

    expect(await tableExists("items")).toBe(false);
    expect(await tableExists("item_tags")).toBe(false);
    expect(await host.outputContaining('onDelete is "down": reverted')).toContain("reverted 0005_item_tags");
  });

  it("never writes the password to its output", () => {
    expect(host.output()).not.toContain(password);
  });
});

describe("the provider serialized under vitest also runs in the host", () => {
  let project: TestProject;
  let host: ProviderHost;

  beforeAll(async () => {
    project = createTestProject("provider-host-vitest", {
      "0001_notes.sql":
        "CREATE TABLE notes AS\n" +
        "  SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('search_path') AS search_path;\n",
      "0001_notes.down.sql": "DROP TABLE notes;\n",
    });
    // In the project directory this time, as the CLI may start it.
    host = await startProviderHost(project.dir);
  });

  afterAll(async () => {
    await host?.stop();
    project?.cleanup();
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
        project.dir,
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
    const reverted = 'onDelete is "down": reverted 0001_notes.';
    expect(await host.outputContaining(reverted)).toContain(reverted);
  });
});

describe("refresh when the database is gone", () => {
  let database: NativeDatabase;
  let project: TestProject;
  let host: ProviderHost;
  let created: { id: string; properties: Props };

  beforeAll(async () => {
    database = await createNativeDatabase("provider_refresh");
    project = createTestProject("provider-host-refresh", { "0001_notes.sql": "CREATE TABLE notes (id int);\n" });
    host = await startProviderHost(project.programDir);
    await host.configure();
    const inputs: Props = {
      ...migrationsInputs({ directory: "migrations" }, { url: database.url }, project.dir),
      __provider: (await serializeAsTheSdkDoes(loadCompiledProvider(join(project.dir, ".compiled")))).text,
    };
    created = await host.create((await host.check({}, inputs)).inputs);
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
    project?.cleanup();
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
    const gone = `Migrations: database ${database.name} no longer exists.`;
    expect(await host.outputContaining(gone)).toContain(gone);
  });
});

describe("statement_timeout: timeoutMinutes for every migration, a file's directive for itself", () => {
  let project: TestProject;
  let hostInProject: ProviderHost;
  let hostInProgram: ProviderHost;
  const settingAs = (table: string) =>
    `CREATE TABLE ${table} AS SELECT current_setting('statement_timeout') AS statement_timeout;\n`;

  beforeAll(async () => {
    project = createTestProject("provider-host-timeouts", {
      "0001_default_timeout.sql": settingAs("timeout_default"),
      "0001_default_timeout.down.sql": "DROP TABLE timeout_default;\n",
      "0002_long_build.sql": `-- migrate:set statement_timeout = '6h'\n${settingAs("timeout_long")}`,
      "0002_long_build.down.sql": "DROP TABLE timeout_long;\n",
      "0003_unlimited.sql": `-- migrate:no-transaction\n-- migrate:set statement_timeout = '0'\n${settingAs("timeout_unlimited")}`,
      "0003_unlimited.down.sql": "DROP TABLE timeout_unlimited;\n",
      "0004_after.sql": settingAs("timeout_after"),
      "0004_after.down.sql": "DROP TABLE timeout_after;\n",
    });
    [hostInProject, hostInProgram] = await Promise.all([
      startProviderHost(project.dir),
      startProviderHost(project.programDir),
    ]);
    await Promise.all([hostInProject.configure(), hostInProgram.configure()]);
  });

  afterAll(async () => {
    await Promise.all([hostInProject?.stop(), hostInProgram?.stop()]);
    project?.cleanup();
  });

  it("applies the default of 120 minutes unless a file sets its own, and the state works in either directory", async () => {
    const inputs: Props = {
      ...migrationsInputs(
        { directory: "migrations", onDelete: "down", trackingTable: "public.timeout_migrations" },
        { url: server.url },
        project.dir,
      ),
      __provider: (await serializeAsTheSdkDoes(loadCompiledProvider(join(project.dir, ".compiled")))).text,
    };
    expect(inputs).toMatchObject({ directory: "migrations", timeoutMinutes: 120 });
    const checked = await hostInProject.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await hostInProject.create(checked.inputs);
    expect(created.properties).toMatchObject({ appliedCount: 4 });

    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      const setting = async (table: string) =>
        (await db.query(`SELECT statement_timeout FROM ${table}`)).rows[0].statement_timeout as string;
      expect(await setting("timeout_default")).toBe("2h");
      expect(await setting("timeout_long")).toBe("6h");
      expect(await setting("timeout_unlimited")).toBe("0");
      // A no-transaction file changes the session; the next file gets the resource's setting back.
      expect(await setting("timeout_after")).toBe("2h");

      // Created by the host in the project directory, deleted by one in the program directory (infra/): both
      // find the migrations from the stored, project-relative directory.
      await hostInProgram.delete(created.id, created.properties);
      const left = await db.query("SELECT to_regclass('timeout_default') IS NULL AS gone");
      expect(left.rows).toEqual([{ gone: true }]);
      const reverted =
        'onDelete is "down": reverted 0004_after, 0003_unlimited, 0002_long_build, 0001_default_timeout.';
      expect(await hostInProgram.outputContaining(reverted)).toContain(reverted);
    } finally {
      await db.end();
    }
  });
});

describe("migration lint in preview: the check of the migrations an update adds", () => {
  let project: TestProject;
  let host: ProviderHost;
  let serializedProvider: string;
  let state: State;
  const addedIndexFile = "migrations/0002_items_title_index.sql";

  /** What the program registers for the project's current files, with the given lint mode. */
  const registered = (lint: string): Props => ({
    ...migrationsInputs(
      { directory: "migrations", trackingTable: "public.lint_migrations", lint: lint as "warn" },
      { url: server.url },
      project.dir,
    ),
    __provider: serializedProvider,
  });

  beforeAll(async () => {
    project = createTestProject("provider-host-lint", {
      "0001_lint_items.sql":
        "CREATE TABLE lint_items (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  title text\n);\n",
    });
    serializedProvider = (await serializeAsTheSdkDoes(loadCompiledProvider(join(project.dir, ".compiled")))).text;
    host = await startProviderHost(project.programDir);
    await host.configure();
    const checked = await host.check({}, registered("warn"));
    expect(checked).toEqual({ inputs: { ...registered("warn"), pending: { "1": "apply" } }, failures: [] });
    const created = await host.create(checked.inputs);
    state = { id: created.id, inputs: checked.inputs, outputs: created.properties };
    // A plain CREATE INDEX on a table that exists: it blocks writes to the table for the whole build.
    project.write(
      "0002_items_title_index.sql",
      "-- migrate:set lock_timeout = '5s'\nCREATE INDEX lint_items_title ON lint_items (title);\n",
    );
  });

  afterAll(async () => {
    await host?.stop();
    project?.cleanup();
  });

  it("warn: shows the finding in the host's output and in the checked inputs, and blocks nothing", async () => {
    const checked = await host.check(state.inputs, registered("warn"));

    expect(checked.failures).toEqual([]);
    const warning =
      `${addedIndexFile}:2:1: warning require-concurrent-index-creation: During normal index creation, table ` +
      "updates are blocked, but reads are still allowed. Help: Use `concurrently` to avoid blocking writes. " +
      "(https://squawkhq.com/docs/require-concurrent-index-creation)";
    // The lock_timeout the file sets satisfies require-lock-timeout: that is the only finding.
    expect(checked.inputs.lintWarnings).toEqual([warning]);
    expect(await host.outputContaining(`Migrations lint: ${warning}\n`)).toContain(warning);
    const { lintWarnings: _, ...rest } = checked.inputs;
    expect(rest).toEqual({ ...registered("warn"), pending: { "2": "apply" } });

    // The new migration is the change; the warnings ride along in the diff that preview shows.
    const diff = await host.diff(state.id, state.outputs, checked.inputs);
    expect(diff.changes).toBe(DiffChanges.DIFF_SOME);
  });

  it("warn: lint warnings, or the lint mode, changing alone are no change", async () => {
    const unchanged = { ...state.inputs, lintWarnings: [`${addedIndexFile}:2:1: warning …`], lint: "strict" };
    expect((await host.diff(state.id, state.outputs, unchanged)).changes).toBe(DiffChanges.DIFF_NONE);
  });

  it("strict: the finding fails the check (and so the preview) as file:line:column, rule and message", async () => {
    const checked = await host.check(state.inputs, registered("strict"));

    expect(checked.failures).toEqual([
      {
        property: "migrations",
        reason: expect.stringMatching(
          /^migrations\/0002_items_title_index\.sql:2:1: error require-concurrent-index-creation: During normal index creation, .* accept the finding after review with `-- squawk-ignore require-concurrent-index-creation` on the line above the statement\.$/,
        ),
      },
    ]);
    expect(checked.inputs).not.toHaveProperty("lintWarnings");
  });

  it("off: does not lint", async () => {
    const before = host.output();
    const checked = await host.check(state.inputs, registered("off"));

    expect(checked).toEqual({ inputs: { ...registered("off"), pending: { "2": "apply" } }, failures: [] });
    expect(host.output()).toBe(before);
  });

  it("lints each migration once: after the update, the next preview has no warnings and no change", async () => {
    const checked = await host.check(state.inputs, registered("warn"));
    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    // The warnings described that preview; the resource's outputs do not keep them.
    expect(outputs).not.toHaveProperty("lintWarnings");
    expect(outputs).toMatchObject({ newlyApplied: ["0002_items_title_index"] });
    state = { id: state.id, inputs: checked.inputs, outputs };

    const next = await host.check(state.inputs, registered("strict"));
    expect(next).toEqual({ inputs: registered("strict"), failures: [] });
    expect((await host.diff(state.id, state.outputs, next.inputs)).changes).toBe(DiffChanges.DIFF_NONE);
  });

  describe("when squawk cannot run", () => {
    let brokenHost: ProviderHost;
    let squawkPath: string;

    beforeAll(async () => {
      squawkPath = join(project.dir, "squawk");
      brokenHost = await startProviderHost(project.programDir, { SQUAWK_PATH: squawkPath });
      await brokenHost.configure();
      project.write("0003_items_body.sql", "ALTER TABLE lint_items ADD COLUMN body text;\n");
    });

    afterAll(async () => {
      await brokenHost?.stop();
    });

    it("strict: a missing squawk fails the check", async () => {
      const checked = await brokenHost.check(state.inputs, registered("strict"));

      expect(checked.failures).toEqual([
        {
          property: "migrations",
          reason: expect.stringMatching(
            /^the migrations this update adds could not be linted, and lint is "strict": cannot run squawk at .*\/squawk: spawn .*ENOENT\. Install the linter/,
          ),
        },
      ]);
    });

    it("strict: a crashing squawk fails the check", async () => {
      writeFileSync(squawkPath, "#!/bin/sh\necho 'squawk: internal error' >&2\nexit 101\n", { mode: 0o755 });
      const checked = await brokenHost.check(state.inputs, registered("strict"));

      expect(checked.failures).toEqual([
        {
          property: "migrations",
          reason: expect.stringContaining(
            'could not be linted, and lint is "strict": squawk exited with code 101 while linting migrations/0003_items_body.sql: squawk: internal error.',
          ),
        },
      ]);
    });

    it("warn: says that the lint did not run, and blocks nothing", async () => {
      const checked = await brokenHost.check(state.inputs, registered("warn"));

      expect(checked.failures).toEqual([]);
      expect(checked.inputs.lintWarnings).toEqual([
        "migration lint did not run: squawk exited with code 101 while linting migrations/0003_items_body.sql: squawk: internal error",
      ]);
      const line = "Migrations lint: migration lint did not run: squawk exited with code 101";
      expect(await brokenHost.outputContaining(line)).toContain(line);
    });
  });
});
