// The `existing` platform end to end without the Pulumi CLI: the program runs under mocks with a configuration
// that points at a real server, and its registrations are then applied to that server with the SQL the
// postgresql provider runs (support/provider-sql.ts) and the real Migrations provider.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MigrationsOutputs } from "../../infra/migrations";
import { type Registration, runStack, single } from "../infra/harness";
import { nativeAdminUrl, repoRoot, withAdminClient } from "../support";
import {
  applyRegistrations,
  destroyRegistrations,
  migrationsType,
  requireBuiltEngine,
  updateMigrations,
} from "./support/apply";
import { destroyOrder, postgresqlTypes } from "./support/provider-sql";

const notesSql = `CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  body text NOT NULL
);

CREATE TABLE tags (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE
);
`;
const laterSql = "CREATE TABLE reactions (id bigserial PRIMARY KEY, note_id bigint NOT NULL REFERENCES notes (id));\n";

/** A migrations folder the test can add files to, relative to the project directory as the setting is. */
function migrationsFolder(prefix: string): {
  relative: string;
  write(name: string, sql: string): void;
  remove(): void;
} {
  const relative = `.test-data/${prefix}-${randomBytes(4).toString("hex")}/migrations`;
  const absolute = join(repoRoot, relative);
  mkdirSync(absolute, { recursive: true });
  return {
    relative,
    write: (name, sql) => writeFileSync(join(absolute, name), sql),
    remove: () => rmSync(join(absolute, ".."), { recursive: true, force: true }),
  };
}

async function withClient<T>(config: pg.ClientConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error.message,
  );

beforeAll(() => {
  requireBuiltEngine();
});

describe("a pull-request stack on a shared native PostgreSQL server", () => {
  // Roles are server-wide and test files share the server: every name here is unique to this run.
  const tag = `e2e_${randomBytes(3).toString("hex")}`;
  const admin = { name: `${tag}_admin`, password: `Admin-${randomBytes(6).toString("hex")}` };
  const server = new URL(nativeAdminUrl());
  const folder = migrationsFolder("platforms-native");
  const config = {
    platform: "existing",
    ephemeral: "true",
    databaseName: tag,
    existing: JSON.stringify({
      host: server.hostname,
      port: Number(server.port),
      user: admin.name,
      sslmode: "disable",
    }),
    existingPassword: admin.password,
    migrationsDirectory: folder.relative,
  };
  const databaseName = `${tag}_pr_123`;
  let registrations: Registration[];
  let firstMigrations: MigrationsOutputs | undefined;

  beforeAll(async () => {
    // Like a managed server's admin: no superuser, allowed to create databases and roles.
    await withAdminClient((client) =>
      client.query(`CREATE ROLE ${admin.name} LOGIN CREATEDB CREATEROLE PASSWORD '${admin.password}'`),
    );
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await runStack("pr-123", config, { secretKeys: ["existingPassword"] }));
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${tag}_app`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  const appRole = () => single(registrations, postgresqlTypes.role).inputs as { name: string; password: string };
  const asApp = (fn: (client: pg.Client) => Promise<unknown>) =>
    withClient(
      {
        host: server.hostname,
        port: Number(server.port),
        database: databaseName,
        user: appRole().name,
        password: appRole().password,
      },
      fn,
    );
  const asAdmin = (fn: (client: pg.Client) => Promise<unknown>) =>
    withClient(
      {
        host: server.hostname,
        port: Number(server.port),
        database: databaseName,
        user: admin.name,
        password: admin.password,
      },
      fn,
    );

  it("creates the stack's database, migrates it and sets up the app role with the registered settings", async () => {
    // This server has no pgvector: CREATE EXTENSION vector is proven on PGlite below; here it is the one
    // registration not applied, and the migrations are told not to require it.
    const extension = single(registrations, postgresqlTypes.extension);
    expect(extension.inputs).toEqual({ name: "vector", database: databaseName });
    const applied = await applyRegistrations(registrations, {
      skip: (registration) => registration === extension,
      migrationsInputs: (inputs) => ({
        ...inputs,
        requiredExtensions: inputs.requiredExtensions.filter((name) => name !== "vector"),
      }),
    });
    expect(applied.steps[0]?.statements).toEqual([`CREATE DATABASE "${databaseName}" ENCODING 'UTF8'`]);
    expect(applied.steps[0]?.database).toBe("postgres");
    expect(applied.migrations?.latestMigration).toBe("0001_notes");
    firstMigrations = applied.migrations;
    const owner = await withAdminClient((client) =>
      client.query("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [databaseName]),
    );
    expect(owner.rows).toEqual([{ owner: admin.name }]);
  });

  it("lets the app role log in and read and write the migrated tables, identity and serial keys included", async () => {
    await asApp(async (client) => {
      await client.query("INSERT INTO notes (body) VALUES ('first'), ('second')");
      await client.query("INSERT INTO tags (name) VALUES ('pgvector')");
      await client.query("UPDATE notes SET body = 'first!' WHERE body = 'first'");
      await client.query("DELETE FROM notes WHERE body = 'second'");
      const { rows } = await client.query("SELECT n.body, t.name FROM notes n, tags t");
      expect(rows).toEqual([{ body: "first!", name: "pgvector" }]);
    });
  });

  it("gives the app role no DDL: it cannot create, alter or drop tables", async () => {
    await asApp(async (client) => {
      expect(await errorOf(client.query("CREATE TABLE mine (id int)"))).toBe("permission denied for schema public");
      expect(await errorOf(client.query("ALTER TABLE notes ADD COLUMN x int"))).toBe("must be owner of table notes");
      expect(await errorOf(client.query("DROP TABLE tags"))).toBe("must be owner of table tags");
      expect(await errorOf(client.query("TRUNCATE notes"))).toBe("permission denied for table notes");
    });
  });

  it("covers tables a later migration adds (default privileges), with no change to the grants", async () => {
    folder.write("0002_reactions.sql", laterSql);
    const next = await runStack("pr-123", config, { secretKeys: ["existingPassword"] });
    const migrations = single(next.registrations, "pulumi-nodejs:dynamic/pgvector:Migrations");
    expect(Object.keys(migrations.inputs.migrations as object)).toEqual(["0001_notes", "0002_reactions"]);
    // The grants are registered with the same inputs as before: the update touches only the migrations.
    for (const type of [postgresqlTypes.grant, postgresqlTypes.defaultPrivileges]) {
      expect(next.registrations.filter((r) => r.type === type).map((r) => r.inputs)).toEqual(
        registrations.filter((r) => r.type === type).map((r) => r.inputs),
      );
    }
    const outputs = await updateMigrations(next.registrations, firstMigrations as MigrationsOutputs, (inputs) => ({
      ...inputs,
      requiredExtensions: [],
    }));
    expect(outputs.latestMigration).toBe("0002_reactions");
    await asApp(async (client) => {
      const note = await client.query("SELECT id FROM notes LIMIT 1");
      await client.query("INSERT INTO reactions (note_id) VALUES ($1)", [note.rows[0].id]);
      expect((await client.query("SELECT count(*)::int AS n FROM reactions")).rows).toEqual([{ n: 1 }]);
    });
  });

  it("is destroyed by dropping its database from the maintenance database, nothing inside one by one", async () => {
    const steps = await destroyRegistrations(registrations);
    const inside = [
      postgresqlTypes.extension,
      postgresqlTypes.grant,
      postgresqlTypes.defaultPrivileges,
      migrationsType,
    ];
    // Pulumi skips what is deleted with the database: the extension, the migrations, the grants.
    expect(destroyOrder(registrations).filter((registration) => inside.includes(registration.type))).toEqual([]);
    expect(steps.filter((step) => inside.includes(step.registration.type))).toEqual([]);
    const drop = steps.find((step) => step.registration.type === postgresqlTypes.database);
    expect(drop?.database).toBe("postgres");
    expect(drop?.statements.at(-1)).toBe(`DROP DATABASE "${databaseName}"`);
    const exists = await withAdminClient((client) =>
      client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]),
    );
    expect(exists.rows).toEqual([]);
    await asAdmin(async () => undefined).then(
      () => expect.unreachable("the database should be gone"),
      (error: Error) => expect(error.message).toBe(`database "${databaseName}" does not exist`),
    );
  });
});
