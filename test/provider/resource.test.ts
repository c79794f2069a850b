// The Migrations resource as a Pulumi program registers it, under the SDK's mock monitor.
import { createHash } from "node:crypto";
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Migrations, type MigrationsArgs, migrationsProvider } from "../../infra/migrations";
import { createProgramDir, type ProgramDir } from "./support/program";
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
  let program: ProgramDir;
  const connection = {
    host: "db.example.com",
    port: 5432,
    database: "app",
    user: "migrator",
    password,
    sslmode: "require" as const,
  };

  beforeAll(async () => {
    program = createProgramDir("provider-mocks", {
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

  afterAll(() => program.cleanup());

  it("registers the migration files as an id -> checksum input map, with defaults spelled out", async () => {
    const { registration } = await register("defaults", { connection, directory: program.migrationsDir });

    expect(registration.type).toBe("pulumi-nodejs:dynamic/pgvector:Migrations");
    expect(registration.inputs).toMatchObject({
      migrations: { "0001_init": sha256(initSql), "0002_items_hnsw": sha256(indexSql) },
      trackingTable: "public.schema_migrations",
      lockTimeoutSeconds: 60,
      allowOutOfOrder: false,
      onDelete: "keep",
      platform: "generic",
      requiredExtensions: [],
      timeoutMinutes: 120,
    });
    expect(registration.inputs).not.toHaveProperty("searchPath");
  });

  it("stores the directory relative to the program directory, never as this machine's absolute path", async () => {
    const { registration } = await register("relative-dir", { connection, directory: program.migrationsDir });

    expect(registration.inputs.directory).toBe(relative(process.cwd(), program.migrationsDir));
    expect(String(registration.inputs.directory)).not.toMatch(/^\//);
  });

  it("passes the connection as a secret, and the serialized provider carries no password", async () => {
    const { resource, registration } = await register("secret", { connection, directory: program.migrationsDir });

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
    const { registration } = await register("url", { connection: { url }, directory: program.migrationsDir });

    expect(pulumi.runtime.isRpcSecret(registration.inputs.connection)).toBe(true);
    expect(pulumi.runtime.unwrapRpcSecret(registration.inputs.connection)).toEqual({ url });
  });

  it("exposes every option as an input", async () => {
    const { registration } = await register("options", {
      connection: pulumi.output(connection),
      directory: program.migrationsDir,
      trackingTable: "ops.migrations",
      lockTimeoutSeconds: 5,
      allowOutOfOrder: true,
      onDelete: "down",
      platform: "supabase",
      searchPath: ["public", "extensions"],
      requiredExtensions: ["vector", "pg_trgm"],
      timeoutMinutes: 360,
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
    });
  });

  it("registers generous custom timeouts and keeps the connection secret in the outputs", async () => {
    const { opts } = await register("timeouts", { connection, directory: program.migrationsDir });

    expect(opts.customTimeouts).toEqual({ create: "120m", update: "120m", delete: "30m" });
    expect((opts as pulumi.CustomResourceOptions).additionalSecretOutputs).toEqual(["connection"]);
  });

  it("lets the program override the timeouts and add its own options", async () => {
    const { opts } = await register(
      "custom-timeouts",
      { connection, directory: program.migrationsDir, timeoutMinutes: 240 },
      { customTimeouts: { delete: "5m" }, additionalSecretOutputs: ["applied"], protect: true },
    );
    const custom = opts as pulumi.CustomResourceOptions;

    expect(custom.customTimeouts).toEqual({ create: "240m", update: "240m", delete: "5m" });
    expect(custom.additionalSecretOutputs).toEqual(["applied", "connection"]);
    expect(custom.protect).toBe(true);
  });

  it("fails the program with the engine's message when a migration file is invalid", () => {
    const broken = createProgramDir("provider-mocks-broken", { "0001-init.sql": "SELECT 1;" });
    try {
      expect(() => new Migrations("broken", { connection, directory: broken.migrationsDir })).toThrow(
        /migrations\/0001-init\.sql/,
      );
    } finally {
      broken.cleanup();
    }
  });
});
