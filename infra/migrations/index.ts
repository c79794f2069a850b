export type {
  MigrationsArgs,
  MigrationsConnection,
  MigrationsConnectionUrl,
  MigrationsInputs,
  MigrationsOnDelete,
  MigrationsOutputs,
} from "./args";
export { migrationsProvider } from "./provider";
export { defaultTimeoutMinutes, Migrations, migrationsInputs } from "./resource";
