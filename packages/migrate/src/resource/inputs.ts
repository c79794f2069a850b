// What the Pulumi Migrations resource registers and keeps in the state. No Pulumi import: the program side
// (infra/migrations) and the provider side (./provider.ts) share these.
import { loadMigrations, migrationInputMap } from "../files/load";
import { type MigrationOptions, withMigrationOptionDefaults } from "../options/migration-options";
import type { SslMode } from "../types";
import { migrationsFolder, storedMigrationsDirectory } from "./project-directory";

/** The connection as the provider receives it (every Pulumi Input resolved). */
export type ResourceConnection =
  | { host: string; port: number; database: string; user: string; password: string; sslmode: SslMode }
  | { url: string };

/**
 * The resource's inputs as stored in the Pulumi state. Nothing here may vary between machines or runs:
 * `migrations` is the only part that changes when a migration file is added.
 */
export interface MigrationsInputs extends MigrationOptions {
  connection: ResourceConnection;
  /** Relative to the project directory (where Pulumi.yaml is), with forward slashes. */
  directory: string;
  /** Migration id ("0001_init") -> SHA-256 of the file, as read by the program. */
  migrations: Record<string, string>;
  /**
   * Present (true) only when the database is a Citus cluster (an Azure elastic cluster): the lint also flags tables
   * with a vector column the migrations never distribute. Not an option of a run: it only concerns the lint, so a
   * change of it alone makes no update, and the inputs of every other stack stay as they were.
   */
  cluster?: true;
  /**
   * Set by the provider's check in warn mode: the lint findings of the migrations this update adds, one formatted
   * line each (`migrations/0003_x.sql:1:1: warning <rule>: ...`), so that `pulumi preview --diff` shows them.
   * Never compared by diff, and not kept in the outputs.
   */
  lintWarnings?: string[];
}

export interface MigrationsOutputs extends Omit<MigrationsInputs, "lintWarnings"> {
  /** The tracking table as last read: migration id -> checksum recorded when it was applied. */
  applied: Record<string, string>;
  appliedCount: number;
  /** Version of the newest applied migration; 0 when none is applied. */
  latestVersion: number;
  /** Id of the newest applied migration; "" when none is applied. */
  latestMigration: string;
  /** Ids applied by the most recent create or update. */
  newlyApplied: string[];
}

/**
 * The inputs the resource registers, with `connection` as given and every option left out set to its default.
 * The program reads the migrations folder here, once; the provider reads it again in its own process (see
 * provider.ts). The stored directory is relative to `projectDir`, the Pulumi project directory.
 */
export function migrationsInputs<Connection>(
  options: Partial<MigrationOptions> & { directory: string; cluster?: boolean },
  connection: Connection,
  projectDir: string,
): Omit<MigrationsInputs, "connection"> & { connection: Connection } {
  const { cluster, ...runOptions } = options;
  const directory = storedMigrationsDirectory(runOptions.directory, projectDir);
  const set = loadMigrations(migrationsFolder(directory, projectDir));
  return {
    connection,
    ...withMigrationOptionDefaults({ ...runOptions, directory }),
    migrations: migrationInputMap(set),
    ...(cluster === true && { cluster: true as const }),
  };
}
