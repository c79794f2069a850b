// The Migrations resource as a Pulumi program registers it, under the SDK's mock monitor.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findProjectDirectory,
  Migrations,
  type MigrationsArgs,
  migrationsInputs,
  migrationsProvider,
  programProjectDirectory,
} from "../../infra/migrations";
import { repoRoot } from "../support";
import { createTestProject, type TestProject } from "./support/program";
import { serializeAsTheSdkDoes } from "./support/serialized-provider";

const password = "mock-Pa55word-7f3a";
const initSql =
  "CREATE EXTENSION IF NOT EXISTS vector;\r\nCREATE TABLE items (id bigint PRIMARY KEY, embedding vector(3));\r\n";
const indexSql = "CREATE INDEX items_embedding ON items USING hnsw (embedding vector_l2_ops);\n";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  opts: pulumi.ResourceOptions;
}

const registrations = new Map<string, Registration>();
const optionsByName = new Map<string, pulumi.ResourceOptions>();

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Registers a Migrations resource and waits for the mock monitor to see it. */
async function register(name: string, args: MigrationsArgs, opts: pulumi.CustomResourceOptions = {}) {
  const resource = new Migrations(name, args, {
    ...opts,
    // Legacy transformations run inside the SDK and see the final options the resource registers with.
    transformations: [
      (transformed) => {
        optionsByName.set(transformed.name, transformed.opts);
        return undefined;
      },
    ],
  });
  await resolved(resource.urn);
  const registration = registrations.get(name);
  if (!registration) throw new Error(`${name} was not registered`);
  return { resource, registration, opts: optionsByName.get(name) ?? {} };
}

const sha256 = (text: string) => createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");

describe("Migrations under pulumi.runtime.setMocks", () => {
  let project: TestProject;
  const connection = {
    host: "db.example.com",
    port: 5432,
    database: "app",
    user: "migrator",
    password,
    sslmode: "require" as const,
  };

  beforeAll(async () => {
    project = createTestProject("provider-mocks", {
      "0001_init.sql": initSql,
      "0001_init.down.sql": "DROP TABLE items;\n",
      "0002_items_hnsw.sql": indexSql,
      "README.md": "not a migration",
    });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registrations.set(args.name, { type: args.type, name: args.name, inputs: args.inputs, opts: {} });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "pgvector-stack",
      "test",
      false,
    );
  });

  afterAll(() => project.cleanup());

  it("registers the migration files as a version -> { id, file, checksum } input map, with defaults spelled out", async () => {
    const { registration } = await register("defaults", { connection, directory: project.migrationsDir });

    expect(registration.type).toBe("pulumi-nodejs:dynamic/pgvector:Migrations");
    expect(registration.inputs).toMatchObject({
      migrations: {
        "1": { id: "0001_init", file: "0001_init.sql", checksum: sha256(initSql) },
        "2": { id: "0002_items_hnsw", file: "0002_items_hnsw.sql", checksum: sha256(indexSql) },
      },
      trackingTable: "pgvector_migrate.schema_migrations",
      lockTimeoutSeconds: 60,
      allowOutOfOrder: false,
      onDelete: "keep",
      platform: "generic",
      requiredExtensions: [],
      timeoutMinutes: 120,
      lint: "warn",
      format: "auto",
      allowPopulated: false,
    });
    expect(registration.inputs).not.toHaveProperty("searchPath");
    expect(registration.inputs).not.toHaveProperty("baseline");
    expect(registration.inputs).not.toHaveProperty("settingNames");
    expect(registration.inputs).not.toHaveProperty("lintWarnings");
  });

  it("stores the directory relative to the project directory, never as this machine's absolute path", async () => {
    const { registration } = await register("relative-dir", { connection, directory: project.migrationsDir });

    // Under the mocks the CLI does not name the project directory: it is found from the working directory.
    expect(process.cwd()).toBe(repoRoot);
    expect(registration.inputs.directory).toBe(relative(repoRoot, project.migrationsDir));
    expect(String(registration.inputs.directory)).not.toMatch(/^\//);
  });

  it("resolves a relative directory from the project directory, wherever the program runs", () => {
    for (const directory of ["migrations", "./migrations/", project.migrationsDir]) {
      expect(migrationsInputs({ directory }, connection, project.dir).directory).toBe("migrations");
    }
  });

  it("passes the connection as a secret, and the serialized provider carries no password", async () => {
    const { resource, registration } = await register("secret", { connection, directory: project.migrationsDir });

    expect(pulumi.runtime.isRpcSecret(registration.inputs.connection)).toBe(true);
    expect(pulumi.runtime.unwrapRpcSecret(registration.inputs.connection)).toEqual(connection);
    const stored = (resource as unknown as { connection: pulumi.Output<unknown> }).connection;
    expect(await pulumi.isSecret(stored)).toBe(true);

    const serialized = registration.inputs.__provider;
    expect(typeof serialized).toBe("string");
    expect(serialized).not.toContain(password);
    // The same text the SDK stores for any resource of this type: nothing from this resource's args is captured.
    expect(serialized).toBe((await serializeAsTheSdkDoes(migrationsProvider)).text);
  });

  it("makes a connection secret even when the program passes plain values, including a URL", async () => {
    const url = `postgres://migrator:${password}@db.example.com:5432/app?sslmode=require`;
    const { registration } = await register("url", { connection: { url }, directory: project.migrationsDir });

    expect(pulumi.runtime.isRpcSecret(registration.inputs.connection)).toBe(true);
    expect(pulumi.runtime.unwrapRpcSecret(registration.inputs.connection)).toEqual({ url });
  });

  it("exposes every option as an input", async () => {
    const { registration } = await register("options", {
      connection: pulumi.output(connection),
      directory: project.migrationsDir,
      trackingTable: "ops.migrations",
      lockTimeoutSeconds: 5,
      allowOutOfOrder: true,
      onDelete: "down",
      platform: "supabase",
      searchPath: ["public", "extensions"],
      requiredExtensions: ["vector", "pg_trgm"],
      timeoutMinutes: 360,
      lint: "strict",
    });

    expect(registration.inputs).toMatchObject({
      trackingTable: "ops.migrations",
      lockTimeoutSeconds: 5,
      allowOutOfOrder: true,
      onDelete: "down",
      platform: "supabase",
      searchPath: ["public", "extensions"],
      requiredExtensions: ["vector", "pg_trgm"],
      timeoutMinutes: 360,
      lint: "strict",
    });
  });

  it("registers generous custom timeouts and keeps the connection secret in the outputs", async () => {
    const { opts } = await register("timeouts", { connection, directory: project.migrationsDir });

    expect(opts.customTimeouts).toEqual({ create: "120m", update: "120m", delete: "30m" });
    expect((opts as pulumi.CustomResourceOptions).additionalSecretOutputs).toEqual(["connection"]);
  });

  it("lets the program override the timeouts and add its own options", async () => {
    const { opts } = await register(
      "custom-timeouts",
      { connection, directory: project.migrationsDir, timeoutMinutes: 240 },
      { customTimeouts: { delete: "5m" }, additionalSecretOutputs: ["applied"], protect: true },
    );
    const custom = opts as pulumi.CustomResourceOptions;

    expect(custom.customTimeouts).toEqual({ create: "240m", update: "240m", delete: "5m" });
    expect(custom.additionalSecretOutputs).toEqual(["applied", "connection"]);
    expect(custom.protect).toBe(true);
  });

  it("fails the program with the engine's message when a migration file is invalid", () => {
    // A space in the name: not a valid migration file name in any format.
    const broken = createTestProject("provider-mocks-broken", { "0001_add index.sql": "SELECT 1;" });
    try {
      expect(() => new Migrations("broken", { connection, directory: broken.migrationsDir })).toThrow(
        /migrations\/0001_add index\.sql/,
      );
    } finally {
      broken.cleanup();
    }
  });
});

describe("the project directory, which the stored migrations directory is relative to", () => {
  let project: TestProject;

  beforeAll(() => {
    project = createTestProject("provider-project-dir");
  });

  afterAll(() => project.cleanup());

  it("is the one the CLI names, when it names one", () => {
    expect(programProjectDirectory(project.dir, join(project.programDir, "nested"))).toBe(project.dir);
  });

  it("is otherwise the nearest directory with Pulumi.yaml at or above the working directory", () => {
    // What the SDK reports when no CLI runs the program (e.g. under mocks).
    expect(programProjectDirectory("rootDirectory", project.programDir)).toBe(project.dir);
    expect(programProjectDirectory("", project.dir)).toBe(project.dir);
    expect(findProjectDirectory(project.migrationsDir)).toBe(project.dir);
  });

  it("is an error outside any Pulumi project, saying what the directory is relative to", () => {
    const outside = mkdtempSync(join(tmpdir(), "no-pulumi-project-"));
    try {
      expect(() => findProjectDirectory(outside)).toThrow(
        `Migrations: no Pulumi.yaml in ${outside} or any directory above it. The migrations directory is stored ` +
          "relative to the Pulumi project directory (where Pulumi.yaml is): run Pulumi inside the project.",
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
