import * as pulumi from "@pulumi/pulumi";
import {
  type AppliedMap,
  migrationsInputs as engineMigrationsInputs,
  type MigrationMap,
  type MigrationsInputs,
  type MigrationsResourceOptions,
} from "pgvector-migrate";
import type { MigrationsArgs, MigrationsOnDelete } from "./args";
import { programProjectDirectory } from "./project-directory";
import { migrationsProvider } from "./provider";

/**
 * SQL migrations applied by `pulumi up`, after the resources they depend on (the database and its `vector`
 * extension: pass them in `dependsOn`). Preview lists the migrations an update adds as added keys (versions) of
 * `migrations`, and in `pending` whether each will run ("apply") or be recorded as applied without running
 * ("baseline"); refresh reads the tracking table into `applied`.
 */
export class Migrations extends pulumi.dynamic.Resource {
  /** Version -> id, file and checksum of the migrations the program read. */
  declare readonly migrations: pulumi.Output<MigrationMap>;
  /** Version -> name and checksum recorded in the tracking table. */
  declare readonly applied: pulumi.Output<AppliedMap>;
  declare readonly appliedCount: pulumi.Output<number>;
  /** Version of the newest applied migration; 0 when none is applied. */
  declare readonly latestVersion: pulumi.Output<number>;
  /** Id of the newest applied migration, e.g. "0003_add_hnsw_index"; "" when none is applied. */
  declare readonly latestMigration: pulumi.Output<string>;
  /** Ids applied by the most recent `pulumi up` that changed this resource. */
  declare readonly newlyApplied: pulumi.Output<string[]>;
  /** Ids recorded as applied without running (baseline) by the most recent `pulumi up` that changed this resource. */
  declare readonly newlyBaselined: pulumi.Output<string[]>;
  declare readonly trackingTable: pulumi.Output<string>;
  declare readonly onDelete: pulumi.Output<MigrationsOnDelete>;

  constructor(name: string, args: MigrationsArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = migrationsInputs(args, pulumi.secret(pulumi.output(args.connection)));
    const props: pulumi.Inputs = {
      ...inputs,
      applied: undefined,
      appliedCount: undefined,
      latestVersion: undefined,
      latestMigration: undefined,
      newlyApplied: undefined,
      newlyBaselined: undefined,
    };
    super(
      migrationsProvider,
      name,
      props,
      withMigrationsDefaults(opts, inputs.timeoutMinutes),
      "pgvector",
      "Migrations",
    );
  }
}

/**
 * The inputs the resource registers (pgvector-migrate's migrationsInputs), with `connection` as given, relative to
 * the running program's project directory unless `projectDir` names one.
 */
export function migrationsInputs<Connection>(
  options: MigrationsResourceOptions,
  connection: Connection,
  projectDir: string = programProjectDirectory(),
): Omit<MigrationsInputs, "connection"> & { connection: Connection } {
  return engineMigrationsInputs(options, connection, projectDir);
}

function withMigrationsDefaults(
  opts: pulumi.CustomResourceOptions | undefined,
  timeoutMinutes: number,
): pulumi.CustomResourceOptions {
  const applyTimeout = timeoutMinutes > 0 ? `${timeoutMinutes}m` : undefined;
  return {
    ...opts,
    customTimeouts: { create: applyTimeout, update: applyTimeout, delete: "30m", ...opts?.customTimeouts },
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"],
  };
}
