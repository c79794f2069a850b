export type {
  MigrationsArgs,
  MigrationsConnection,
  MigrationsConnectionUrl,
  MigrationsInputs,
  MigrationsLint,
  MigrationsOnDelete,
  MigrationsOutputs,
} from "./args";
export { findProjectDirectory, migrationsProvider } from "./provider";
export { defaultTimeoutMinutes, Migrations, migrationsInputs, programProjectDirectory } from "./resource";
