// What the Pulumi Migrations resource registers and keeps in the state. No Pulumi import: the program side
// (infra/migrations) and the provider side (./provider.ts) share these.
import { baselineTarget } from "../engine/baseline";
import { MigrateError } from "../errors";
import { loadMigrations } from "../files/load";
import { ledgerOf, writableLedgerOf } from "../ledgers";
import {
  type MigrationOptionName,
  type MigrationOptions,
  withMigrationOptionDefaults,
} from "../options/migration-options";
import type { MigrationSet, SslMode } from "../types";
import { type AppliedMap, type MigrationMap, migrationMapOf } from "./migration-map";
import { migrationsFolder, storedMigrationsDirectory } from "./project-directory";

/** What an update does with a migration the state does not list yet. */
export type PendingAction = "baseline" | "apply";

/** How the caller names the options in its own configuration, e.g. { baseline: "migrationsBaseline" }. */
export type OptionNames = Partial<Record<MigrationOptionName, string>>;

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
  /**
   * Tracking version ("1") -> the migration's id, file and SHA-256, as read by the program. Keyed by version so
   * that a renamed file with the same version and content is no change.
   */
  migrations: MigrationMap;
  /** The tracking version of `baseline` in this folder (present only with it), so preview needs no files. */
  baselineVersion?: number;
  /**
   * The names the caller's configuration gives the options (the stack's settings), for advice in errors. Not an
   * option of a run: never compared by diff.
   */
  settingNames?: OptionNames;
  /**
   * Set by the provider's check: what the update will do with each migration the state does not list yet (version
   * -> "baseline": recorded as applied without running; "apply": run), so that `pulumi preview --diff` shows it.
   * A prediction from the state; the tracking table decides. Never compared by diff, and not kept in the outputs.
   */
  pending?: Record<string, PendingAction>;
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

export interface MigrationsOutputs extends Omit<MigrationsInputs, "lintWarnings" | "pending"> {
  /** The tracking table as last read: version -> the name and checksum recorded when it was applied. */
  applied: AppliedMap;
  appliedCount: number;
  /** Version of the newest applied migration; 0 when none is applied. */
  latestVersion: number;
  /** Id of the newest applied migration; "" when none is applied. */
  latestMigration: string;
  /** Ids applied by the most recent create or update. */
  newlyApplied: string[];
  /** Ids recorded as applied without running (baseline) by the most recent create or update. */
  newlyBaselined: string[];
}

/**
 * The inputs the resource registers, with `connection` as given and every option left out set to its default.
 * The program reads the migrations folder here, once; the provider reads it again in its own process (see
 * provider.ts). The stored directory is relative to `projectDir`, the Pulumi project directory.
 */
export function migrationsInputs<Connection>(
  options: MigrationsResourceOptions,
  connection: Connection,
  projectDir: string,
): Omit<MigrationsInputs, "connection"> & { connection: Connection } {
  const { cluster, settingNames, ...runOptions } = options;
  const directory = storedMigrationsDirectory(runOptions.directory, projectDir);
  const filled = withMigrationOptionDefaults({ ...runOptions, directory });
  const set = loadMigrations(migrationsFolder(directory, projectDir), { format: filled.format });
  // Refused here, in the preview, rather than at the first update: a folder whose tool has no ledger to use.
  if (filled.importToolLedger) ledgerOf(set, "Migrations option importToolLedger");
  if (filled.keepToolLedger) writableLedgerOf(set);
  return {
    connection,
    ...filled,
    migrations: migrationMapOf(set),
    ...(filled.baseline !== undefined && { baselineVersion: baselineVersionOf(set, filled.baseline) }),
    ...(settingNames !== undefined && Object.keys(settingNames).length > 0 && { settingNames: { ...settingNames } }),
    ...(cluster === true && { cluster: true as const }),
  };
}

function baselineVersionOf(set: MigrationSet, baseline: string): number {
  try {
    return baselineTarget(set, baseline);
  } catch (error) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Migrations option baseline ${JSON.stringify(baseline)}: ${(error as Error).message}`,
    );
  }
}

/**
 * Why `baseline` names no migration of the folder, as a phrase for the caller's configuration (the stack checks
 * it before registering anything); undefined when it does, or when the folder itself cannot be read (the resource
 * reports that).
 */
export function baselineProblem(
  options: Pick<MigrationOptions, "directory" | "format" | "baseline">,
  projectDir: string,
): string | undefined {
  if (options.baseline === undefined) return undefined;
  let set: MigrationSet;
  try {
    set = loadMigrations(migrationsFolder(options.directory, projectDir), { format: options.format });
  } catch {
    return undefined;
  }
  try {
    baselineTarget(set, options.baseline);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What the resource takes besides the connection: the options (only `directory` required), cluster, settingNames. */
export type MigrationsResourceOptions = Partial<MigrationOptions> & {
  directory: string;
  cluster?: boolean;
  settingNames?: OptionNames;
};
