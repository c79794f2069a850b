export { findProjectDirectory } from "pgvector-migrate";
export type {
  MigrationsArgs,
  MigrationsConnection,
  MigrationsConnectionUrl,
  MigrationsInputs,
  MigrationsLint,
  MigrationsOnDelete,
  MigrationsOutputs,
} from "./args";
export { migrationsProvider } from "./provider";
export { Migrations, migrationsInputs, programProjectDirectory } from "./resource";
