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
export { programProjectDirectory } from "./project-directory";
export { migrationsProvider } from "./provider";
export { Migrations, migrationsInputs } from "./resource";
