// Slow suite: the published packages as another Pulumi program uses them. Both are packed (`npm pack`) and installed
// into a project outside the repository, its TypeScript program is compiled against the installed declarations and
// run under the SDK's mocks, and the Migrations resource it registers goes through that project's own
// dynamic-provider host (create, update, delete) against PostgreSQL with pgvector.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DiffChanges,
  migrationsType,
  type Props,
  type ProviderHost,
  startProviderHost,
} from "../provider/support/provider-host";
import { type PgvectorServer, repoRoot, runProcess, startPgvectorServer } from "../support";
import {
  type ConsumerProject,
  createConsumerProject,
  publishedPackages,
  readManifest,
  unresolvableDeclarationImports,
} from "./support/consumer-project";

const password = "consumer-Pa55word-3f7a"; // PGlite accepts any password: a distinctive one to search the output for
const fixture = join(__dirname, "consumer");
/** The TypeScript examples of docs/component.md, compiled with the consumer's program. */
const docsExamples = [
  ...readFileSync(join(repoRoot, "docs/component.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g),
].map(([, code]) => code ?? "");
const rootManifest = readManifest(repoRoot);
const rootVersion = (name: string): string => {
  const version =
    rootManifest.dependencies?.[name] ??
    (rootManifest as { devDependencies?: Record<string, string> }).devDependencies?.[name];
  if (!version) throw new Error(`the repository's package.json does not list ${name}`);
  return version;
};

interface MockRun {
  registered: { type: string; name: string; inputs: Props }[];
  outputs: Record<string, unknown>;
  secretOutputs: string[];
}

let server: PgvectorServer;
let consumer: ConsumerProject;

beforeAll(async () => {
  server = await startPgvectorServer();
  const fixtureFile = (name: string) => readFileSync(join(fixture, name), "utf8");
  consumer = await createConsumerProject({
    manifest: {
      name: "consumer",
      private: true,
      dependencies: { "@pulumi/pulumi": rootVersion("@pulumi/pulumi") },
      devDependencies: { "@types/node": rootVersion("@types/node"), typescript: rootVersion("typescript") },
    },
    files: {
      "Pulumi.yaml": fixtureFile("Pulumi.yaml"),
      "tsconfig.json": fixtureFile("tsconfig.json"),
      "index.ts": fixtureFile("index.ts"),
      ...Object.fromEntries(docsExamples.map((code, index) => [`docs-example-${index + 1}.ts`, code])),
      "import-only.js": 'module.exports = { exportedNames: Object.keys(require("pulumi-pgvector")).sort() };\n',
      "migrations/0001_create_items.sql":
        "CREATE TABLE items (\n  id bigserial PRIMARY KEY,\n  embedding vector(3)\n);\n",
      "migrations/0001_create_items.down.sql": "DROP TABLE items;\n",
    },
    alsoLink: ["@types/node", "typescript"],
  });
}, 900_000);

afterAll(async () => {
  consumer?.cleanup();
  await server?.stop();
});

/** The consumer's compiled program (or another module of the project) under mocks, with this test's server. */
async function runUnderMocks(program: string): Promise<MockRun> {
  const config = { "consumer:host": "127.0.0.1", "consumer:port": String(server.port), "consumer:password": password };
  const result = await runProcess(
    process.execPath,
    [
      join(__dirname, "support/run-with-mocks.cjs"),
      program,
      JSON.stringify(config),
      JSON.stringify(["consumer:password"]),
    ],
    { cwd: consumer.dir, timeoutMs: 170_000 },
  );
  if (result.code !== 0) throw new Error(`the program failed under mocks:\n${result.stderr}`);
  return JSON.parse(result.stdout) as MockRun;
}

const migrationsRegistration = (run: MockRun): Props => {
  const found = run.registered.filter(({ type }) => type === migrationsType);
  expect(found).toHaveLength(1);
  return (found[0] as MockRun["registered"][number]).inputs;
};

describe("the packed packages", () => {
  it("hold the built JavaScript, its declarations and the CLI, and no sources, tests or source maps", () => {
    for (const packed of [consumer.engine, consumer.components]) {
      expect(packed.manifest.private).toBeUndefined();
      expect(packed.manifest.license).toBe("Apache-2.0");
      expect(packed.files.filter((file) => /\.(ts|map)$/.test(file) && !file.endsWith(".d.ts"))).toEqual([]);
      expect(packed.files.filter((file) => file.includes("test"))).toEqual([]);
    }
    expect(consumer.engine.files).toEqual(
      expect.arrayContaining(["bin/pgvector-migrate.js", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js"]),
    );
    expect(consumer.components.files).toEqual(
      expect.arrayContaining([
        "dist/infra/index.js",
        "dist/infra/index.d.ts",
        "dist/infra/migrations/provider.js",
        "dist/policy/ipv4.js",
      ]),
    );
    // The program this repository deploys is a consumer, not part of the library.
    expect(consumer.components.files).not.toContain("dist/infra/main.js");
  });

  it("ship the manifests that test/package/manifests.test.ts checks against the sources", () => {
    for (const [packed, folder] of [
      [consumer.engine, publishedPackages.engine],
      [consumer.components, publishedPackages.components],
    ] as const) {
      const source = readManifest(folder);
      expect(packed.manifest).toMatchObject({
        name: source.name,
        version: source.version,
        dependencies: source.dependencies,
        ...(source.peerDependencies && { peerDependencies: source.peerDependencies }),
        exports: source.exports,
      });
    }
  });
});

describe("a Pulumi project that installed them", () => {
  it("has the pgvector-migrate command", async () => {
    const result = await runProcess(join(consumer.dir, "node_modules/.bin/pgvector-migrate"), ["--version"], {
      cwd: consumer.dir,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.trim()).toContain(consumer.engine.manifest.version);
  });

  it("imports the components without registering anything", async () => {
    const run = await runUnderMocks("import-only.js");
    expect(run.registered).toEqual([]);
    expect(run.outputs.exportedNames).toEqual(
      expect.arrayContaining([
        "AppRole",
        "AzurePostgresServer",
        "ExistingServer",
        "Migrations",
        "NeonBranch",
        "NeonProject",
        "PgvectorDatabase",
        "createSupabasePlatform",
        "withMigrationOptionDefaults",
      ]),
    );
  });

  it("finds every module the packages' declaration files import, with its types", () => {
    for (const packed of [consumer.engine, consumer.components]) {
      expect(unresolvableDeclarationImports(packed, consumer.installed(packed.manifest.name))).toEqual([]);
    }
  });

  it("compiles its TypeScript program and the examples of docs/component.md against the installed declarations", async () => {
    expect(docsExamples.length).toBeGreaterThanOrEqual(2);
    const result = await runProcess(
      process.execPath,
      [join(consumer.dir, "node_modules/typescript/bin/tsc"), "-p", "."],
      {
        cwd: consumer.dir,
        timeoutMs: 170_000,
      },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(join(consumer.dir, "bin/index.js"))).toBe(true);
    expect(existsSync(join(consumer.dir, `bin/docs-example-${docsExamples.length}.js`))).toBe(true);
  }, 180_000);

  it("runs the program under mocks: the server part, the extension, the migrations and the role", async () => {
    const run = await runUnderMocks("bin/index.js");
    const types = run.registered.map(({ type }) => type);
    expect(types).toEqual(
      expect.arrayContaining([
        "pgvector:platform:ExistingServer",
        "pgvector:database:PgvectorDatabase",
        "postgresql:index/extension:Extension",
        migrationsType,
      ]),
    );
    expect(run.secretOutputs).toEqual(["appConnectionString"]);
    expect(run.outputs.appConnectionString).toMatch(/^postgres(ql)?:\/\/search_app:/);
    const inputs = migrationsRegistration(run);
    expect(inputs.directory).toBe("migrations");
    // Keyed by version; each entry names its migration.
    expect(inputs.migrations).toMatchObject({ "1": { id: "0001_create_items" } });
    expect(Object.keys(inputs.migrations as object)).toEqual(["1"]);
    // Serialized in the consumer's process, from the installed package: a shell that loads the engine by name.
    expect(inputs.__provider).toContain('require("pgvector-migrate")');
  }, 180_000);
});

describe("the Migrations resource in the project's own dynamic-provider host", () => {
  const resolutions = () => join(consumer.dir, "resolutions.jsonl");
  let host: ProviderHost;
  let db: pg.Client;
  let state: { id: string; inputs: Props; outputs: Props };

  const tableExists = async (name: string) =>
    (await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [name])).rows[0].present as boolean;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
    // In the program, the postgresql.Extension resource creates it before the migrations run.
    await db.query("CREATE EXTENSION IF NOT EXISTS vector");
    host = await startProviderHost(
      consumer.dir,
      {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "support/record-resolutions.cjs")}`,
        PGVECTOR_RESOLUTIONS: resolutions(),
      },
      join(consumer.dir, "node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"),
    );
    await host.configure();
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await db?.end();
  });

  it("creates: applies the migrations the program registered", async () => {
    const news = migrationsRegistration(await runUnderMocks("bin/index.js"));
    const checked = await host.check({}, news);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    state = { id: created.id, inputs: checked.inputs, outputs: created.properties };
    expect(created.properties).toMatchObject({ appliedCount: 1, newlyApplied: ["0001_create_items"] });
    expect(await tableExists("items")).toBe(true);
  }, 180_000);

  it("loaded the engine from the project's node_modules", () => {
    const lines = readFileSync(resolutions(), "utf8").trim().split("\n");
    const loaded = lines.map((line) => JSON.parse(line) as { url: string; script: string });
    expect(loaded.length).toBeGreaterThan(0);
    const engineEntry = join(consumer.installed("pgvector-migrate"), "dist/index.js");
    expect(engineEntry.startsWith(consumer.dir)).toBe(true);
    for (const { url, script } of loaded) {
      expect(fileURLToPath(url)).toBe(engineEntry);
      expect(script.startsWith(join(consumer.dir, "node_modules/@pulumi/pulumi/"))).toBe(true);
    }
  });

  it("updates: a new migration file is a change, and only it is applied", async () => {
    writeFileSync(
      join(consumer.dir, "migrations/0002_items_hnsw.sql"),
      "CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_l2_ops);\n",
    );
    writeFileSync(join(consumer.dir, "migrations/0002_items_hnsw.down.sql"), "DROP INDEX items_embedding_hnsw;\n");
    const news = migrationsRegistration(await runUnderMocks("bin/index.js"));
    const checked = await host.check(state.inputs, news);
    expect(checked.failures).toEqual([]);
    expect((await host.diff(state.id, state.outputs, checked.inputs)).changes).toBe(DiffChanges.DIFF_SOME);
    const outputs = await host.update(state.id, state.outputs, checked.inputs);
    state = { id: state.id, inputs: checked.inputs, outputs };
    expect(outputs).toMatchObject({
      appliedCount: 2,
      latestMigration: "0002_items_hnsw",
      newlyApplied: ["0002_items_hnsw"],
    });
    expect(await tableExists("items_embedding_hnsw")).toBe(true);
  }, 180_000);

  it('deletes: onDelete "down" (the program\'s choice) reverts every migration', async () => {
    await host.delete(state.id, state.outputs);
    expect(await tableExists("items")).toBe(false);
    const reverted = 'onDelete is "down": reverted';
    expect(await host.outputContaining(reverted)).toContain("0002_items_hnsw");
    expect(host.output()).not.toContain(password);
  });
});
