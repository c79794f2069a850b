// A new stack over a database the team's earlier tool already migrated, through the SDK's dynamic-provider host
// (as host.test.ts plays `pulumi preview` / `up` / `refresh`), against PostgreSQL with pgvector: refused without a
// baseline, with advice naming the stack settings; with one, the older migrations are recorded and only the newer
// ones run; the next previews show no change, even after a file is renamed.
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationOptionSettings } from "../../infra/config/common";
import { migrationsInputs } from "../../infra/migrations";
import { type PgvectorServer, repoRoot, startPgvectorServer } from "../support";
import { createTestProject, type TestProject } from "./support/program";
import {
  DiffChanges,
  type Props,
  type ProviderCallError,
  type ProviderHost,
  startProviderHost,
} from "./support/provider-host";
import { loadCompiledProvider, serializeAsTheSdkDoes } from "./support/serialized-provider";

const createItems = "CREATE TABLE items (\n  id bigserial PRIMARY KEY,\n  embedding vector(3) NOT NULL\n);\n";
const itemsHnsw =
  "CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_l2_ops) WITH (m = 16, ef_construction = 64);\n";
const itemsTitle = "ALTER TABLE items ADD COLUMN title text;\n";
const itemsBody = "ALTER TABLE items ADD COLUMN body text;\n";

let server: PgvectorServer;
let project: TestProject;
let host: ProviderHost;
let serializedProvider: string;
let db: pg.Client;

/** What the stack's Migrations registers (infra/database passes the stack settings' names) for the current files. */
const stackInputs = (overrides: Record<string, unknown> = {}): Props => ({
  ...migrationsInputs(
    { directory: "migrations", settingNames: migrationOptionSettings, ...overrides },
    { url: server.url },
    project.dir,
  ),
  __provider: serializedProvider,
});

const columns = async () =>
  (await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY 1")).rows.map(
    (row) => row.column_name as string,
  );

const trackingRows = async () => {
  const present = (await db.query("SELECT to_regclass('pgvector_migrate.schema_migrations') IS NOT NULL AS present"))
    .rows[0].present as boolean;
  if (!present) return [];
  return (
    await db.query("SELECT version, name, applied_by FROM pgvector_migrate.schema_migrations ORDER BY version")
  ).rows.map((row) => ({
    version: Number(row.version),
    name: row.name as string,
    baselined: /\(baseline\)$/.test(row.applied_by),
  }));
};

beforeAll(async () => {
  if (!existsSync(join(repoRoot, "packages/migrate/dist/index.js"))) {
    throw new Error("the dynamic-provider host loads the BUILT pgvector-migrate: run `npm run build` (npm test does)");
  }
  server = await startPgvectorServer();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query("CREATE EXTENSION IF NOT EXISTS vector");
  // The team's earlier tool ran the first two migrations; it kept no pgvector-migrate tracking table.
  await db.query(createItems + itemsHnsw);
  project = createTestProject("provider-adopt", {
    "0001_create_items.sql": createItems,
    "0002_items_hnsw.sql": itemsHnsw,
    "0003_items_title.sql": itemsTitle,
  });
  serializedProvider = (await serializeAsTheSdkDoes(loadCompiledProvider(join(project.dir, ".compiled")))).text;
  host = await startProviderHost(project.programDir);
  await host.configure();
});

afterAll(async () => {
  await host?.stop();
  await db?.end();
  await server?.stop();
  project?.cleanup();
});

describe("a new stack over a database an earlier tool migrated", () => {
  let state: { id: string; inputs: Props; outputs: Props };

  it("refuses to create without a baseline, naming the stack settings to use, and changes nothing", async () => {
    const checked = await host.check({}, stackInputs());
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.pending).toEqual({ "1": "apply", "2": "apply", "3": "apply" });

    const failure = await host.create(checked.inputs).catch((error: ProviderCallError) => error);
    const message = (failure as ProviderCallError).details;
    expect(message).toMatch(
      /^The tracking table pgvector_migrate\.schema_migrations records no migration, but .* already holds 1 table\(s\) or view\(s\) \(public\.items\); nothing was run\./,
    );
    expect(message).toContain(
      "set the stack setting migrationsBaseline to the version of the newest migration already in the database (`pulumi config set migrationsBaseline <version>`)",
    );
    expect(message).toContain(
      "set the stack setting migrationsAllowPopulated to true (`pulumi config set migrationsAllowPopulated true`)",
    );
    expect(message).not.toMatch(/--allow-populated|pgvector-migrate baseline/);
    expect(await trackingRows()).toEqual([]);
    expect(await columns()).toEqual(["embedding", "id"]);
  });

  it("names the resource's own options when no stack settings are given", async () => {
    const { settingNames: _stack, ...inputs } = stackInputs();
    const failure = await host.create((await host.check({}, inputs)).inputs).catch((error: ProviderCallError) => error);
    expect((failure as ProviderCallError).details).toContain(
      "set the Migrations option baseline to the version of the newest migration already in the database: the next `pulumi up`",
    );
  });

  it("with migrationsBaseline: preview marks what is recorded and what runs; create records the baseline and runs only what is newer", async () => {
    const news = stackInputs({ baseline: "0002" });
    expect(news).toMatchObject({ baseline: "0002", baselineVersion: 2 });
    const checked = await host.check({}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.pending).toEqual({ "1": "baseline", "2": "baseline", "3": "apply" });
    const said =
      "Migrations: baseline 0002: 0001_create_items, 0002_items_hnsw will be recorded as applied without running (unless already recorded); then 0003_items_title will run.";
    expect(await host.outputContaining(said)).toContain(said);

    const created = await host.create(checked.inputs);
    state = { id: created.id, inputs: checked.inputs, outputs: created.properties };

    expect(created.properties).toMatchObject({
      newlyBaselined: ["0001_create_items", "0002_items_hnsw"],
      newlyApplied: ["0003_items_title"],
      appliedCount: 3,
      latestVersion: 3,
      latestMigration: "0003_items_title",
    });
    expect(created.properties).not.toHaveProperty("pending");
    expect(Object.keys(created.properties.applied as object)).toEqual(["1", "2", "3"]);
    expect(await trackingRows()).toEqual([
      { version: 1, name: "create_items", baselined: true },
      { version: 2, name: "items_hnsw", baselined: true },
      { version: 3, name: "items_title", baselined: false },
    ]);
    expect(await columns()).toEqual(["embedding", "id", "title"]);
  });

  it("refuses, in the program, a baseline that is no migration of the folder", () => {
    expect(() => stackInputs({ baseline: "7" })).toThrow(
      /^Migrations option baseline "7": No migration in migrations\/ has version 7, so nothing can be baselined/,
    );
  });

  it("shows no change on the next preview, nor after a refresh", async () => {
    const checked = await host.check(state.inputs, stackInputs({ baseline: "0002" }));
    expect(checked).toEqual({ inputs: stackInputs({ baseline: "0002" }), failures: [] });
    expect((await host.diff(state.id, state.outputs, checked.inputs)).changes).toBe(DiffChanges.DIFF_NONE);

    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect((await host.diff(state.id, refreshed.properties, checked.inputs)).changes).toBe(DiffChanges.DIFF_NONE);
    state = { ...state, outputs: refreshed.properties };
  });

  it("shows no change when a file is renamed without changing its version and content", async () => {
    renameSync(join(project.migrationsDir, "0003_items_title.sql"), join(project.migrationsDir, "0003_item-title.sql"));
    const news = stackInputs({ baseline: "0002" });
    expect((news.migrations as Record<string, { id: string }>)["3"]?.id).toBe("0003_item-title");

    const checked = await host.check(state.inputs, news);
    expect(checked).toEqual({ inputs: news, failures: [] });
    // The tracking table still names it items_title: names are values, versions are the identity.
    const refreshed = await host.read(state.id, state.outputs, state.inputs);
    expect((refreshed.properties.applied as Record<string, { name: string }>)["3"]?.name).toBe("items_title");
    expect((await host.diff(state.id, refreshed.properties, checked.inputs)).changes).toBe(DiffChanges.DIFF_NONE);
    state = { id: state.id, inputs: checked.inputs, outputs: refreshed.properties };
  });

  it("applies a migration added later once, and records nothing more as baselined", async () => {
    project.write("0004_items_body.sql", itemsBody);
    const checked = await host.check(state.inputs, stackInputs({ baseline: "0002" }));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.pending).toEqual({ "4": "apply" });
    expect((await host.diff(state.id, state.outputs, checked.inputs)).changes).toBe(DiffChanges.DIFF_SOME);

    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    expect(outputs).toMatchObject({ newlyApplied: ["0004_items_body"], newlyBaselined: [], appliedCount: 4 });
    expect(await columns()).toEqual(["body", "embedding", "id", "title"]);
    state = { id: state.id, inputs: checked.inputs, outputs };

    const next = await host.check(state.inputs, stackInputs({ baseline: "0002" }));
    expect((await host.diff(state.id, state.outputs, next.inputs)).changes).toBe(DiffChanges.DIFF_NONE);
  });
});

describe("migrationsAllowPopulated: tables unrelated to the migrations", () => {
  let other: TestProject;
  let otherHost: ProviderHost;

  beforeAll(async () => {
    other = createTestProject("provider-adopt-unrelated", { "0001_notes.sql": "CREATE TABLE notes (id int);\n" });
    // The provider finds the migrations from its working directory: a host in the other project.
    otherHost = await startProviderHost(other.programDir);
    await otherHost.configure();
  });

  afterAll(async () => {
    await otherHost?.stop();
    other?.cleanup();
  });

  const inputsOf = (allowPopulated: boolean): Props => ({
    ...migrationsInputs(
      {
        directory: "migrations",
        trackingTable: "public.notes_migrations",
        allowPopulated,
        settingNames: migrationOptionSettings,
      },
      { url: server.url },
      other.dir,
    ),
    __provider: serializedProvider,
  });

  it("refused by default, run with it", async () => {
    const refused = await otherHost.create((await otherHost.check({}, inputsOf(false))).inputs).catch((error) => error);
    expect((refused as ProviderCallError).details).toContain("set the stack setting migrationsBaseline");
    expect((await db.query("SELECT to_regclass('public.notes') IS NULL AS absent")).rows).toEqual([{ absent: true }]);

    const created = await otherHost.create((await otherHost.check({}, inputsOf(true))).inputs);
    expect(created.properties).toMatchObject({
      newlyApplied: ["0001_notes"],
      newlyBaselined: [],
      allowPopulated: true,
    });
    expect((await db.query("SELECT to_regclass('public.notes') IS NULL AS absent")).rows).toEqual([{ absent: false }]);
  });
});
