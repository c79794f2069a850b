// The `existing` platform end to end without the Pulumi CLI: the program runs under mocks with a configuration
// that points at a real server, and its registrations are then applied to that server with the SQL the
// postgresql provider runs (support/provider-sql.ts) and the real Migrations provider.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MigrationsInputs, MigrationsOutputs } from "../../infra/migrations";
import { byType, type Registration, runStack, single } from "../infra/harness";
import { nativeAdminUrl, repoRoot, urlForDatabase, withAdminClient } from "../support";
import {
  type Applied,
  applyRegistrations,
  destroyRegistrations,
  migrationsType,
  requireBuiltEngine,
  updateMigrations,
} from "./support/apply";
import type { ProviderLine } from "./support/provider-log";
import { createDatabaseSql, destroyOrder, postgresqlTypes, providerConnection } from "./support/provider-sql";

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

interface Login {
  name: string;
  password: string;
}

/**
 * A stack of the `existing` platform on the run's native server, whose admin is like a managed server's: no
 * superuser, allowed to create databases and roles. Roles are server-wide and test files share the server: every
 * name is unique to this run.
 */
function existingStack(
  prefix: string,
  stack: string,
  settings: { ephemeral?: true; createDatabase?: false; template?: string },
) {
  const tag = `${prefix}_${randomBytes(3).toString("hex")}`;
  const admin: Login = { name: `${tag}_admin`, password: `Admin-${randomBytes(6).toString("hex")}` };
  const server = new URL(nativeAdminUrl());
  const folder = migrationsFolder(`platforms-${prefix}`);
  const config = {
    platform: "existing",
    ...(settings.ephemeral ? { ephemeral: "true" } : {}),
    databaseName: tag,
    existing: JSON.stringify({
      host: server.hostname,
      port: Number(server.port),
      user: admin.name,
      sslmode: "disable",
      ...(settings.createDatabase === false ? { createDatabase: false } : {}),
      ...(settings.template ? { template: settings.template } : {}),
    }),
    existingPassword: admin.password,
    migrationsDirectory: folder.relative,
  };
  return {
    tag,
    admin,
    folder,
    createAdmin: () =>
      withAdminClient((client) =>
        client.query(`CREATE ROLE ${admin.name} LOGIN CREATEDB CREATEROLE PASSWORD '${admin.password}'`),
      ),
    /** The registrations of `pulumi up`: the program under mocks, with this configuration. */
    up: () => runStack(stack, config, { secretKeys: ["existingPassword"] }),
    connect: <T>(database: string, login: Login, fn: (client: pg.Client) => Promise<T>) =>
      withClient(
        { host: server.hostname, port: Number(server.port), database, user: login.name, password: login.password },
        fn,
      ),
  };
}

// This server has no pgvector: CREATE EXTENSION vector is proven on PGlite (pgvector-sql.test.ts); here it is the
// one registration not applied, and the migrations are told not to require it.
const withoutVector = {
  skip: (registration: Registration) => registration.type === postgresqlTypes.extension,
  migrationsInputs: (inputs: MigrationsInputs) => ({ ...inputs, requiredExtensions: [] }),
};

beforeAll(() => {
  requireBuiltEngine();
});

describe("a pull-request stack on a shared native PostgreSQL server", () => {
  const stack = existingStack("e2e", "pr-123", { ephemeral: true });
  const { tag, admin, folder } = stack;
  const databaseName = `${tag}_pr_123`;
  let registrations: Registration[];
  let firstMigrations: MigrationsOutputs | undefined;

  beforeAll(async () => {
    await stack.createAdmin();
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await stack.up());
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${appRole().name}`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  const appRole = () => single(registrations, postgresqlTypes.role).inputs as unknown as Login;
  const asApp = (fn: (client: pg.Client) => Promise<unknown>) => stack.connect(databaseName, appRole(), fn);
  const asAdmin = (fn: (client: pg.Client) => Promise<unknown>) => stack.connect(databaseName, admin, fn);

  it("creates the stack's database, migrates it and sets up the app role with the registered settings", async () => {
    const extension = single(registrations, postgresqlTypes.extension);
    expect(extension.inputs).toEqual({ name: "vector", database: databaseName });
    const applied = await applyRegistrations(registrations, withoutVector);
    // The provider's statement (see createDatabaseSql), with the template the stack always sends.
    expect(applied.steps[0]?.statements).toEqual([
      `CREATE DATABASE "${databaseName}" OWNER "${admin.name}" TEMPLATE "template1" ENCODING 'UTF8'  ALLOW_CONNECTIONS true CONNECTION LIMIT -1 IS_TEMPLATE false`,
    ]);
    expect(applied.steps[0]?.database).toBe("postgres");
    expect(applied.migrations?.latestMigration).toBe("0001_notes");
    // The provider's log (what `pulumi up` shows for the resource) was captured, not printed between test results.
    expect(applied.providerLog.map((line) => line.text)).toContainEqual(
      expect.stringMatching(/^Applied 0001_notes in \d+ ms$/),
    );
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

  it("gives the app role no access to the migration history: its tracking table is outside the app's schemas", async () => {
    const tracking = String(single(registrations, migrationsType).inputs.trackingTable);
    const [schema] = tracking.split(".");
    await asApp(async (client) => {
      for (const statement of [
        `INSERT INTO ${tracking} (version, name, checksum, duration_ms, applied_by) VALUES (99, 'x', 'x', 0, 'app')`,
        `UPDATE ${tracking} SET checksum = 'forged'`,
        `DELETE FROM ${tracking}`,
        `TRUNCATE ${tracking}`,
        `SELECT * FROM ${tracking}`,
      ]) {
        expect([statement, await errorOf(client.query(statement))]).toEqual([
          statement,
          `permission denied for schema ${schema}`,
        ]);
      }
    });
    await asAdmin(async (client) => {
      const { rows } = await client.query(`SELECT version::int, checksum FROM ${tracking}`);
      expect(rows).toEqual([{ version: 1, checksum: expect.not.stringMatching(/^forged$/) }]);
    });
  });

  it("covers tables a later migration adds (default privileges), with no change to the grants", async () => {
    folder.write("0002_reactions.sql", laterSql);
    const next = await stack.up();
    const migrations = single(next.registrations, "pulumi-nodejs:dynamic/pgvector:Migrations");
    expect(Object.keys(migrations.inputs.migrations as object)).toEqual(["1", "2"]);
    // The grants are registered with the same inputs as before: the update touches only the migrations.
    for (const type of [postgresqlTypes.grant, postgresqlTypes.defaultPrivileges]) {
      expect(next.registrations.filter((r) => r.type === type).map((r) => r.inputs)).toEqual(
        registrations.filter((r) => r.type === type).map((r) => r.inputs),
      );
    }
    const providerLog: ProviderLine[] = [];
    const outputs = await updateMigrations(
      next.registrations,
      firstMigrations as MigrationsOutputs,
      (inputs) => ({ ...inputs, requiredExtensions: [] }),
      providerLog,
    );
    expect(outputs.latestMigration).toBe("0002_reactions");
    const logged = providerLog.map((line) => line.text);
    expect(logged).toContainEqual(expect.stringMatching(/^Applied 0002_reactions in \d+ ms$/));
    expect(logged).not.toContainEqual(expect.stringMatching(/^Applied 0001_notes/));
    await asApp(async (client) => {
      const note = await client.query("SELECT id FROM notes LIMIT 1");
      await client.query("INSERT INTO reactions (note_id) VALUES ($1)", [note.rows[0].id]);
      expect((await client.query("SELECT count(*)::int AS n FROM reactions")).rows).toEqual([{ n: 1 }]);
    });
  });

  it("is destroyed by dropping its app role, then its database from the maintenance database, nothing inside one by one", async () => {
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
    // The role is server-wide and outlives the database: it is dropped first, in the database that holds its grants.
    expect(steps.map((step) => [step.registration.type, step.database])).toEqual([
      [postgresqlTypes.role, databaseName],
      [postgresqlTypes.database, "postgres"],
    ]);
    expect(steps[1]?.statements.at(-1)).toBe(`DROP DATABASE "${databaseName}"`);
    await withAdminClient(async (client) => {
      expect((await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName])).rows).toEqual([]);
      expect((await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [appRole().name])).rows).toEqual([]);
    });
    await asAdmin(async () => undefined).then(
      () => expect.unreachable("the database should be gone"),
      (error: Error) => expect(error.message).toBe(`database "${databaseName}" does not exist`),
    );
  });

  it("can be created again after destroy: nothing of it is left on the server", async () => {
    // `pulumi up` of a fresh stack with the same name: new registrations, a new generated password.
    ({ registrations } = await stack.up());
    const again = await applyRegistrations(registrations, withoutVector);
    expect(again.migrations?.newlyApplied).toEqual(["0001_notes", "0002_reactions"]);
    await asApp(async (client) => {
      expect((await client.query("SELECT count(*)::int AS n FROM notes")).rows).toEqual([{ n: 0 }]);
    });
    await destroyRegistrations(registrations);
  });
});

describe("a stack on a shared database it did not create (existing.createDatabase: false)", () => {
  const stack = existingStack("shared", "dev", { createDatabase: false });
  const { tag, admin, folder } = stack;
  let registrations: Registration[];
  const appRole = () => String(single(registrations, postgresqlTypes.role).inputs.name);
  const asAdminIn = <T>(database: string, fn: (client: pg.Client) => Promise<T>) => stack.connect(database, admin, fn);
  const roleExists = async () =>
    (await withAdminClient((client) => client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [appRole()])))
      .rowCount === 1;

  beforeAll(async () => {
    // The database exists before the stack and belongs to the admin.
    await stack.createAdmin();
    await withAdminClient((client) => client.query(`CREATE DATABASE ${tag} OWNER ${admin.name}`));
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await stack.up());
    await applyRegistrations(registrations, withoutVector);
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${appRole()}`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  it("cannot DROP ROLE the app role while it holds privileges in the database", async () => {
    const message = await asAdminIn(tag, (client) => errorOf(client.query(`DROP ROLE ${appRole()}`)));
    expect(message).toBe(`role "${appRole()}" cannot be dropped because some objects depend on it`);
    expect(await roleExists()).toBe(true);
  });

  it("cannot drop it from another database either: DROP OWNED only clears the database it runs in", async () => {
    const message = await asAdminIn("postgres", async (client) => {
      await client.query("BEGIN");
      try {
        await client.query(`GRANT ${appRole()} TO ${admin.name}`);
        await client.query(`DROP OWNED BY ${appRole()}`);
        return await errorOf(client.query(`DROP ROLE ${appRole()}`));
      } finally {
        await client.query("ROLLBACK");
      }
    });
    expect(message).toBe(`role "${appRole()}" cannot be dropped because some objects depend on it`);
  });

  it("cannot REASSIGN OWNED without the role's privileges: the provider grants the role to the admin first", async () => {
    const message = await asAdminIn(tag, async (client) => {
      await client.query("BEGIN");
      try {
        return await errorOf(client.query(`REASSIGN OWNED BY ${appRole()} TO ${admin.name}`));
      } finally {
        await client.query("ROLLBACK");
      }
    });
    expect(message).toBe("permission denied to reassign objects");
  });

  it("is destroyed by revoking the grants and dropping the app role; the database and its tables stay, the extension is not dropped", async () => {
    const steps = await destroyRegistrations(registrations);
    const revoking = new Set<string>([postgresqlTypes.grant, postgresqlTypes.defaultPrivileges]);
    const grantSteps = steps.filter((step) => revoking.has(step.registration.type));
    expect(grantSteps).toHaveLength(6);
    expect(grantSteps.every((step) => step.statements.every((sql) => /REVOKE/.test(sql)))).toBe(true);
    // Dependents first: the grants, then the role, in the application database.
    expect(steps.at(-1)?.registration.type).toBe(postgresqlTypes.role);
    expect(steps.at(-1)?.database).toBe(tag);
    expect(steps.map((step) => step.registration.type)).not.toContain(postgresqlTypes.extension);
    expect(await roleExists()).toBe(false);
    await asAdminIn(tag, async (client) => {
      const tables = await client.query(
        "SELECT to_regclass('notes') AS notes, to_regclass('pgvector_migrate.schema_migrations') AS tracking",
      );
      expect(tables.rows).toEqual([{ notes: "notes", tracking: "pgvector_migrate.schema_migrations" }]);
    });
  });

  it("can be created again after destroy: the role name is free, the applied migrations are kept", async () => {
    ({ registrations } = await stack.up());
    const again = await applyRegistrations(registrations, withoutVector);
    expect(again.migrations?.newlyApplied).toEqual([]);
    expect(await roleExists()).toBe(true);
  });
});

describe("the template of the database a stack creates", () => {
  // bloom stands in for vector, which this server lacks: shipped with PostgreSQL, and like vector not trusted, so
  // only a superuser can create it. A superuser installs it once in a template; template1 itself is shared by every
  // test file on this server, so a template of this run's own plays its part.
  const template = `tpl_${randomBytes(3).toString("hex")}`;
  const stack = existingStack("template", "dev", { template });
  const { tag, admin, folder } = stack;
  const fromTemplate0 = `${tag}_t0`;
  let registrations: Registration[];

  beforeAll(async () => {
    await stack.createAdmin();
    await withAdminClient((client) => client.query(`CREATE DATABASE ${template}`));
    await withClient({ connectionString: urlForDatabase(nativeAdminUrl(), template) }, (client) =>
      client.query("CREATE EXTENSION bloom"),
    );
    await withAdminClient((client) => client.query(`ALTER DATABASE ${template} IS_TEMPLATE true`));
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await stack.up());
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      for (const database of [tag, fromTemplate0])
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.query(`ALTER DATABASE ${template} IS_TEMPLATE false`);
      await client.query(`DROP DATABASE IF EXISTS ${template}`);
      await client.query(`DROP ROLE IF EXISTS ${String(single(registrations, postgresqlTypes.role).inputs.name)}`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  const extensionsIn = (database: string) =>
    stack.connect(database, admin, async (client) =>
      (await client.query("SELECT extname FROM pg_extension ORDER BY extname")).rows.map((row) => row.extname),
    );

  it("gives the new database what a superuser installed in the template, for a non-superuser admin", async () => {
    await applyRegistrations(registrations, withoutVector);
    expect(await extensionsIn(tag)).toEqual(["bloom", "plpgsql"]);
  });

  it("without a template the provider clones template0, where the admin cannot create the extension", async () => {
    const database = single(registrations, postgresqlTypes.database);
    const { template: _sent, ...unset } = database.inputs;
    const sql = createDatabaseSql({ ...unset, name: fromTemplate0 }, providerConnection(registrations, database));
    expect(sql).toContain(" TEMPLATE template0 ");
    await stack.connect("postgres", admin, (client) => client.query(sql));
    expect(await extensionsIn(fromTemplate0)).toEqual(["plpgsql"]);
    const message = await stack.connect(fromTemplate0, admin, (client) =>
      errorOf(client.query("CREATE EXTENSION bloom")),
    );
    expect(message).toBe('permission denied to create extension "bloom"');
  });
});

describe("a stack whose tracking table an earlier version kept in public.schema_migrations", () => {
  const stack = existingStack("upgrade", "dev", {});
  const { tag, admin, folder } = stack;
  const legacy = (inputs: MigrationsInputs) => ({
    ...inputs,
    requiredExtensions: [],
    trackingTable: "public.schema_migrations",
  });
  let registrations: Registration[];
  const appRole = () => single(registrations, postgresqlTypes.role).inputs as unknown as Login;

  beforeAll(async () => {
    await stack.createAdmin();
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await stack.up());
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${appRole().name}`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  it("was writable by the app role there; the next update moves it out of its reach and applies nothing twice", async () => {
    // The first `pulumi up` with the old default: the grants on every table of public include the tracking table.
    const first = await applyRegistrations(registrations, { ...withoutVector, migrationsInputs: legacy });
    expect(first.migrations?.newlyApplied).toEqual(["0001_notes"]);
    await stack.connect(tag, appRole(), (client) =>
      client.query("UPDATE public.schema_migrations SET applied_by = applied_by"),
    );

    // The upgrade: the program now sends the new default; the provider updates the Migrations resource.
    const defaults = single(registrations, migrationsType).inputs.trackingTable;
    expect(defaults).toBe("pgvector_migrate.schema_migrations");
    folder.write("0002_reactions.sql", laterSql);
    const next = await stack.up();
    const outputs = await updateMigrations(next.registrations, first.migrations as MigrationsOutputs, (inputs) => ({
      ...inputs,
      requiredExtensions: [],
    }));
    expect(outputs.newlyApplied).toEqual(["0002_reactions"]);
    await stack.connect(tag, admin, async (client) => {
      const { rows } = await client.query(
        `SELECT to_regclass('public.schema_migrations') AS legacy,
                (SELECT count(*)::int FROM pgvector_migrate.schema_migrations) AS applied`,
      );
      expect(rows).toEqual([{ legacy: null, applied: 2 }]);
    });
    const message = await stack.connect(tag, appRole(), (client) =>
      errorOf(client.query("DELETE FROM pgvector_migrate.schema_migrations")),
    );
    expect(message).toBe("permission denied for schema pgvector_migrate");
  });
});

describe("on PostgreSQL 13 and 14, where PUBLIC may CREATE in schema public (simulated on 18)", () => {
  const stack = existingStack("pg14", "dev", {});
  const { tag, admin, folder } = stack;
  let registrations: Registration[];
  const appRole = () => single(registrations, postgresqlTypes.role).inputs as unknown as Login;
  let applied: Applied;

  beforeAll(async () => {
    await stack.createAdmin();
    folder.write("0001_notes.sql", notesSql);
    ({ registrations } = await stack.up());
    applied = await applyRegistrations(registrations, {
      ...withoutVector,
      // What 13 and 14 grant in every new database, and 15 and later no longer do.
      afterApplying: async (registration) => {
        if (registration.type !== postgresqlTypes.database) return;
        await withClient({ connectionString: urlForDatabase(nativeAdminUrl(), tag) }, (client) =>
          client.query("GRANT CREATE ON SCHEMA public TO PUBLIC"),
        );
      },
    });
  });

  afterAll(async () => {
    folder.remove();
    await withAdminClient(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${appRole().name}`);
      await client.query(`DROP ROLE IF EXISTS ${admin.name}`);
    });
  });

  it("reduces PUBLIC to USAGE on public, so the app role cannot create tables there; the admin still migrates", async () => {
    const grant = byType(registrations, postgresqlTypes.grant).find((g) => g.inputs.role === "public");
    expect(grant?.inputs).toEqual({
      database: tag,
      role: "public",
      schema: "public",
      objectType: "schema",
      privileges: ["USAGE"],
    });
    expect(grant?.deletedWith).toBe(single(registrations, postgresqlTypes.database).urn);
    const message = await stack.connect(tag, appRole(), (client) =>
      errorOf(client.query("CREATE TABLE mine (id int)")),
    );
    expect(message).toBe("permission denied for schema public");
    folder.write("0002_reactions.sql", laterSql);
    const next = await stack.up();
    const outputs = await updateMigrations(next.registrations, applied.migrations as MigrationsOutputs, (inputs) => ({
      ...inputs,
      requiredExtensions: [],
    }));
    expect(outputs.newlyApplied).toEqual(["0002_reactions"]);
  });
});
