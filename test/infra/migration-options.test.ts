// The stack's migration settings and the Migrations provider's check apply the engine's rules (pgvector-migrate's
// migrationOptions): a value the stack configuration accepts must not fail the preview later, and the reverse.
import { withMigrationOptionDefaults } from "pgvector-migrate";
import { describe, expect, it } from "vitest";
import type { MigrationsInputs } from "../../infra/migrations";
import { migrationsProvider } from "../../infra/migrations";
import { configProblems } from "./config-problems";
import { runStack, single } from "./harness";
import { T } from "./resource-types";

const azure = { "azure-native:location": "westeurope", deployerInVnet: "true" };

// Every option at its default (pgvector-migrate's), with lint off: linting would read migration files.
const inputs: MigrationsInputs = {
  connection: {
    host: "db.example.com",
    port: 5432,
    database: "app",
    user: "migrator",
    password: "pw",
    sslmode: "require",
  },
  migrations: {},
  ...withMigrationOptionDefaults({ lint: "off" }),
};

/** The properties the provider's check rejects. */
async function checkFailures(change: Partial<MigrationsInputs>): Promise<string[]> {
  const checked = await migrationsProvider.check?.({} as MigrationsInputs, { ...inputs, ...change });
  return (checked?.failures ?? []).map((failure) => failure.property);
}

describe("one rule for a migration option, in the stack configuration and the provider's check", () => {
  it("migrationsLockTimeoutSeconds: 0 fails the configuration, as it fails the provider's check", async () => {
    expect(await checkFailures({ lockTimeoutSeconds: 0 })).toEqual(["lockTimeoutSeconds"]);
    expect(configProblems({ ...azure, migrationsLockTimeoutSeconds: "0" })).toEqual([
      'migrationsLockTimeoutSeconds: "0" is not accepted. Accepted values: whole numbers from 1 to 3600.',
    ]);
  });

  it.each([
    ["migrationsLockTimeoutSeconds", "lockTimeoutSeconds", [0, 1, 60, 3600, 3601]],
    ["migrationsTimeoutMinutes", "timeoutMinutes", [0, 1, 1440, 1441]],
  ] as const)("%s accepts exactly what the check accepts", async (setting, option, values) => {
    for (const value of values) {
      const inConfig = configProblems({ ...azure, [setting]: String(value) }).length === 0;
      const inCheck = (await checkFailures({ [option]: value })).length === 0;
      expect({ value, inConfig }).toEqual({ value, inConfig: inCheck });
    }
  });

  it("migrationsTable accepts exactly the tracking tables the check accepts", async () => {
    for (const name of ["schema_migrations", "ops.applied", "Ops.Applied", "a.b.c", "ops.", "t".repeat(64)]) {
      const inConfig = configProblems({ ...azure, migrationsTable: name }).length === 0;
      const inCheck = (await checkFailures({ trackingTable: name })).length === 0;
      expect({ name, inConfig }).toEqual({ name, inConfig: inCheck });
    }
  });

  it("migrationsBaseline and migrationsFormat accept exactly the values the check accepts", async () => {
    // Versions of this repository's migrations folder, and values that are no version at all. The check gets the
    // version the program resolves (baselineVersion) and the migration it names, as migrationsInputs registers them.
    for (const baseline of ["3", "0003", "4", "latest", "1..2", "-1", "v3"]) {
      const inConfig = configProblems({ ...azure, migrationsBaseline: baseline }).length === 0;
      const version = Number(baseline);
      const registered = { id: "x", file: "x.sql", checksum: "0".repeat(64) };
      const inCheck =
        (await checkFailures({ baseline, baselineVersion: version, migrations: { [version]: registered } })).length ===
        0;
      expect({ baseline, inConfig }).toEqual({ baseline, inConfig: inCheck });
    }
    for (const format of ["auto", "native", "flyway", "liquibase", "Native!"]) {
      const inConfig = configProblems({ ...azure, migrationsFormat: format }).length === 0;
      const inCheck = (await checkFailures({ format: format as MigrationsInputs["format"] })).length === 0;
      expect({ format, inConfig }).toEqual({ format, inConfig: inCheck });
    }
  });

  it("extensions accepts exactly the extension names the check accepts", async () => {
    for (const name of ["pg_trgm", "uuid-ossp", "_private", "-dash", "drop table", "x".repeat(64)]) {
      const inConfig = configProblems({ ...azure, extensions: JSON.stringify([name]) }).length === 0;
      const inCheck = (await checkFailures({ requiredExtensions: [name] })).length === 0;
      expect({ name, inConfig }).toEqual({ name, inConfig: inCheck });
    }
  });

  it("migrationsSearchPath accepts exactly the schema lists the check accepts", async () => {
    for (const list of [["public", "extensions"], ["$user", "My Schema"], [""], ["x".repeat(64)], []]) {
      const inConfig = configProblems({ ...azure, migrationsSearchPath: JSON.stringify(list) }).length === 0;
      // An empty list in the stack means the option is left out.
      const inCheck = list.length === 0 || (await checkFailures({ searchPath: list })).length === 0;
      expect({ list, inConfig }).toEqual({ list, inConfig: inCheck });
    }
  });
});

describe("migrationsSearchPath reaches the Migrations resource", () => {
  const supabase = {
    platform: "supabase",
    // ipv4AddOn: CI (CI=true) refuses a direct connection without it.
    supabase: JSON.stringify({ projectRef: "abcdefghijklmnopqrst", connection: "direct", ipv4AddOn: true }),
    supabaseDbPassword: "Supabase-Db-Pw-1",
  };
  const searchPathOf = async (config: Record<string, string>, secretKeys: string[] = []) =>
    single((await runStack("dev", config, { secretKeys })).registrations, T.migrations).inputs.searchPath;

  it("is the stack's when set, over the platform's", async () => {
    const setting = { migrationsSearchPath: JSON.stringify(["app", "extensions"]) };
    expect(await searchPathOf({ ...azure, ...setting })).toEqual(["app", "extensions"]);
    expect(await searchPathOf({ ...supabase, ...setting }, ["supabaseDbPassword"])).toEqual(["app", "extensions"]);
  });

  it("is the platform's (Supabase: public, extensions), else none, when left empty", async () => {
    expect(await searchPathOf(supabase, ["supabaseDbPassword"])).toEqual(["public", "extensions"]);
    expect(await searchPathOf(azure)).toBeUndefined();
  });
});
