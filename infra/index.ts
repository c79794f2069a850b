// The library entry of the `pulumi-pgvector` package (packages/pulumi-pgvector): the components and what builds
// them, with no side effect on import. The program this repository deploys is infra/main.ts.

// The engine's migration options, so a program can fill PgvectorDatabaseArgs.migrations without importing the engine.
export { type MigrationOptions, migrationOptions, withMigrationOptionDefaults } from "pgvector-migrate";
export {
  type AppRoleSettings,
  ConfigError,
  type ConfigSource,
  type Problem,
  pulumiConfigSource,
  type StackConfig,
  type StackMigrationOptions,
  staticConfigSource,
} from "./config";
export {
  AppRole,
  type AppRoleAccess,
  type AppRoleArgs,
  connectionString,
  defaultConnectTimeoutSeconds,
  PgvectorDatabase,
  type PgvectorDatabaseArgs,
  type PostgresqlConnection,
  postgresqlProvider,
} from "./database";
export type { ReadOnlyTarget } from "./database/pgvector-database";
export {
  findProjectDirectory,
  Migrations,
  type MigrationsArgs,
  type MigrationsConnection,
  type MigrationsConnectionUrl,
  type MigrationsInputs,
  type MigrationsLint,
  type MigrationsOnDelete,
  type MigrationsOutputs,
  migrationsInputs,
  migrationsProvider,
  programProjectDirectory,
} from "./migrations";
export { createPlatform, type PlatformDatabase, type PlatformName } from "./platforms";
export {
  AzurePostgresServer,
  type AzurePostgresServerArgs,
  AzurePrivateNetwork,
  type AzurePrivateNetworkArgs,
  AzureReadReplicas,
  type AzureReadReplicasArgs,
  type AzureServerNetwork,
  createAzurePlatform,
  ServerReplacementGuard,
  type ServerReplacementGuardArgs,
} from "./platforms/azure";
export {
  createExistingPlatform,
  ExistingServer,
  type ExistingServerArgs,
  existingServerArgs,
} from "./platforms/existing";
export {
  createNeonComponent,
  createNeonPlatform,
  NeonBranch,
  type NeonBranchArgs,
  NeonProject,
  type NeonProjectArgs,
} from "./platforms/neon";
export { createSupabasePlatform, type SupabaseSettings } from "./platforms/supabase";
export { createStack, type StackOutputs } from "./program";
export { loadStackConfig } from "./stack-config";
