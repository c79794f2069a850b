import { type MigrationOptionName, migrationOptions } from "pgvector-migrate";
import { databaseNameProblem, extensionNameProblem, identifierProblem, roleNameProblem } from "./identifiers";
import { platformNames } from "./platform-names";
import { boolean, choice, integer, optionalText, quote, type SettingValues, stringList, text } from "./setting";

/** Where docs/ documents the common settings (the table there is generated from commonSettings by `npm run docs`). */
export const commonSettingsDocs = "docs/settings.md#common-settings";

export const appRoleAccessLevels = ["readwrite", "readonly"] as const;
export type AppRoleAccess = (typeof appRoleAccessLevels)[number];

/**
 * The stack settings that set a migration option, and the option each sets (pgvector-migrate's migrationOptions
 * define its default, description and rule). The loader passes them on as StackConfig.migrations.
 */
export const migrationSettingOptions = {
  migrationsDirectory: "directory",
  migrationsTable: "trackingTable",
  migrationsLockTimeoutSeconds: "lockTimeoutSeconds",
  migrationsAllowOutOfOrder: "allowOutOfOrder",
  migrationsTimeoutMinutes: "timeoutMinutes",
  migrationsLint: "lint",
  migrationsFormat: "format",
  migrationsBaseline: "baseline",
  migrationsAllowPopulated: "allowPopulated",
  migrationsImportToolLedger: "importToolLedger",
  migrationsKeepToolLedger: "keepToolLedger",
  migrationsSearchPath: "searchPath",
} as const satisfies Record<string, MigrationOptionName>;

/** The other way round: the stack setting of each option it sets, for the advice in the resource's errors. */
export const migrationOptionSettings: Partial<Record<MigrationOptionName, string>> = Object.fromEntries(
  Object.entries(migrationSettingOptions).map(([setting, option]) => [option, setting]),
);

/** Settings every platform reads. Pulumi.yaml declares the same keys, types and defaults (a test checks it). */
export const commonSettings = {
  platform: choice({
    accepted: platformNames,
    default: "azure",
    what: "a supported platform",
    description: "Where PostgreSQL runs: azure (Flexible Server), neon, supabase or existing (any reachable server).",
  }),
  ephemeral: boolean({
    default: false,
    description:
      "A short-lived stack (one per pull request): never protected, smallest server, torn down without a database connection.",
  }),
  protect: boolean({
    default: false,
    description: "Protect the server and the database from `pulumi destroy` (prod). Ignored on ephemeral stacks.",
  }),
  postgresVersion: integer({
    default: 17,
    min: 10,
    max: 99,
    what: "a PostgreSQL major version",
    description: "PostgreSQL major version; each platform accepts the versions it offers (Azure: 13 to 18).",
  }),
  databaseName: text({
    default: "app",
    description: "The application database.",
    check: databaseNameProblem,
  }),
  extensions: stringList({
    default: [],
    description:
      "Extensions to create before the migrations run, besides vector (always created), e.g. pg_trgm. On Azure they are also allow-listed.",
    check: extensionNameProblem,
  }),
  migrationsDirectory: text({
    default: migrationOptions.directory.default,
    description: migrationOptions.directory.description,
  }),
  migrationsTable: text({
    default: migrationOptions.trackingTable.default,
    description: migrationOptions.trackingTable.description,
    check: migrationOptions.trackingTable.problem,
  }),
  migrationsLockTimeoutSeconds: integer(migrationOptions.lockTimeoutSeconds),
  migrationsAllowOutOfOrder: boolean(migrationOptions.allowOutOfOrder),
  migrationsTimeoutMinutes: integer(migrationOptions.timeoutMinutes),
  migrationsLint: choice({ ...migrationOptions.lint, what: "a lint mode" }),
  migrationsFormat: choice({ ...migrationOptions.format, what: "a migration format" }),
  migrationsBaseline: optionalText({
    description: migrationOptions.baseline.description,
    check: (value) => {
      const problem = migrationOptions.baseline.problem(value);
      return problem === undefined ? undefined : `${quote(value)} ${problem}.`;
    },
  }),
  migrationsAllowPopulated: boolean(migrationOptions.allowPopulated),
  migrationsImportToolLedger: boolean(migrationOptions.importToolLedger),
  migrationsKeepToolLedger: boolean(migrationOptions.keepToolLedger),
  // [] (the default) leaves the option unset: the server's search_path, or the platform's (Supabase).
  migrationsSearchPath: stringList({
    default: [],
    description: migrationOptions.searchPath.description.replace(
      "Default: the server's.",
      "Default (empty): the platform's (Supabase: public, extensions), else the server's.",
    ),
    check: migrationOptions.searchPath.item,
  }),
  appRoleName: text({
    default: "",
    defaultText: "`<databaseName>_app`",
    description:
      "Login role for the application. Default: <databaseName>_app; ephemeral stacks on a shared server append the stack name.",
    check: roleNameProblem,
  }),
  appRoleAccess: choice({
    accepted: appRoleAccessLevels,
    default: "readwrite",
    what: "an access level",
    description: "readwrite: SELECT, INSERT, UPDATE, DELETE on tables and USAGE on sequences; readonly: SELECT only.",
  }),
  appSchemas: stringList({
    default: ["public"],
    description: "Schemas the application role may use (the migrations create them).",
    check: identifierProblem,
  }),
  connectTimeoutSeconds: integer({
    default: 15,
    min: 1,
    max: 600,
    description: "Connect timeout of the PostgreSQL connections Pulumi makes (extension, migrations, roles).",
  }),
};

export type CommonSettings = SettingValues<typeof commonSettings>;
