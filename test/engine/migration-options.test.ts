// The migration options as pgvector-migrate defines them for the stack, the CLI and the Pulumi resource: defaults,
// rules and the one conversion to engine options, all without a database.
import {
  engineOptionsFor,
  migrationOptionProblems,
  migrationsProviderMethods,
  withMigrationOptionDefaults,
} from "pgvector-migrate";
import { describe, expect, it } from "vitest";

describe("migration options", () => {
  it("fill in every default, keep only options, and the defaults pass the rules", () => {
    const options = withMigrationOptionDefaults({ lint: "strict", connection: "not an option" } as never);
    expect(options).toEqual({
      directory: "migrations",
      trackingTable: "pgvector_migrate.schema_migrations",
      lockTimeoutSeconds: 60,
      allowOutOfOrder: false,
      timeoutMinutes: 120,
      onDelete: "keep",
      platform: "generic",
      requiredExtensions: [],
      lint: "strict",
      format: "auto",
      allowPopulated: false,
      importToolLedger: false,
      keepToolLedger: false,
    });
    expect(migrationOptionProblems(options)).toEqual([]);
  });

  it("name the option and the rule for every bad value", () => {
    const options = {
      ...withMigrationOptionDefaults({}),
      lockTimeoutSeconds: 0.5,
      platform: "aws",
      requiredExtensions: ["pg_trgm", "Vector!"],
    };
    expect(migrationOptionProblems(options)).toEqual([
      { option: "lockTimeoutSeconds", message: "lockTimeoutSeconds must be a whole number of seconds from 1 to 3600" },
      { option: "platform", message: "platform must be one of azure, neon, supabase, generic" },
      {
        option: "requiredExtensions",
        message:
          'requiredExtensions: "Vector!" is not an extension name (letters, digits, _ and -, e.g. pg_trgm or uuid-ossp).',
      },
    ]);
  });

  it("become engine options: the lock timeout in milliseconds, the statement timeout and search path as settings", () => {
    const options = withMigrationOptionDefaults({
      lockTimeoutSeconds: 5,
      timeoutMinutes: 0,
      searchPath: ["app", "My Schema"],
    });
    expect(engineOptionsFor(options, { url: "postgres://db/app" })).toEqual({
      connection: { url: "postgres://db/app" },
      trackingTable: "pgvector_migrate.schema_migrations",
      lockTimeoutMs: 5000,
      allowOutOfOrder: false,
      allowPopulated: false,
      importToolLedger: false,
      keepToolLedger: false,
      format: "auto",
      requiredExtensions: [],
      platform: "generic",
      sessionSettings: { statement_timeout: "0min", search_path: 'app, "My Schema"' },
    });
  });

  it("are what the provider's check applies, called as a plain module", async () => {
    const news = {
      connection: { url: "postgres://migrator@db.example.com/app" },
      migrations: {},
      ...withMigrationOptionDefaults({ lint: "off", lockTimeoutSeconds: 0 }),
    };
    const checked = await migrationsProviderMethods.check({}, news);
    expect(checked.failures).toEqual([
      { property: "lockTimeoutSeconds", reason: "lockTimeoutSeconds must be a whole number of seconds from 1 to 3600" },
    ]);
  });
});
