import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { defaultTrackingTable, loadMigrations, migrationInputMap } from "pgvector-migrate";
import type { MigrationsArgs, MigrationsInputs, MigrationsOnDelete } from "./args";
import { findProjectDirectory, migrationsProvider } from "./provider";

export const defaultTimeoutMinutes = 120;

/**
 * SQL migrations applied by `pulumi up`, after the resources they depend on (the database and its `vector`
 * extension: pass them in `dependsOn`). Preview lists the migration files that will run as added keys of
 * `migrations`; refresh reads the tracking table into `applied`.
 */
export class Migrations extends pulumi.dynamic.Resource {
  /** Migration id -> checksum of the files the program read. */
  declare readonly migrations: pulumi.Output<Record<string, string>>;
  /** Migration id -> checksum recorded in the tracking table. */
  declare readonly applied: pulumi.Output<Record<string, string>>;
  declare readonly appliedCount: pulumi.Output<number>;
  /** Version of the newest applied migration; 0 when none is applied. */
  declare readonly latestVersion: pulumi.Output<number>;
  /** Id of the newest applied migration, e.g. "0003_add_hnsw_index"; "" when none is applied. */
  declare readonly latestMigration: pulumi.Output<string>;
  /** Ids applied by the most recent `pulumi up` that changed this resource. */
  declare readonly newlyApplied: pulumi.Output<string[]>;
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
 * The inputs the resource registers, with `connection` as given. The stored directory is relative to
 * `projectDir`, the Pulumi project directory (where Pulumi.yaml is), which the provider finds again wherever the
 * CLI starts it inside the project.
 */
export function migrationsInputs<Connection>(
  args: Omit<MigrationsArgs, "connection">,
  connection: Connection,
  projectDir: string = programProjectDirectory(),
): Omit<MigrationsInputs, "connection"> & { connection: Connection } {
  const directory = projectRelativeDirectory(args.directory, projectDir);
  const inputs = {
    connection,
    directory,
    migrations: migrationInputMap(loadMigrations(path.resolve(projectDir, directory))),
    trackingTable: args.trackingTable ?? defaultTrackingTable,
    lockTimeoutSeconds: args.lockTimeoutSeconds ?? 60,
    allowOutOfOrder: args.allowOutOfOrder ?? false,
    onDelete: args.onDelete ?? "keep",
    platform: args.platform ?? "generic",
    requiredExtensions: args.requiredExtensions ?? [],
    timeoutMinutes: args.timeoutMinutes ?? defaultTimeoutMinutes,
    lint: args.lint ?? "warn",
  };
  return {
    ...inputs,
    ...(args.searchPath !== undefined && { searchPath: args.searchPath }),
    // Only when set, so the inputs (and the state) of every other stack stay as they were.
    ...(args.cluster === true && { cluster: true as const }),
  };
}

/**
 * The project directory of the running program. The CLI tells the program (getRootDirectory); where it does not
 * (a program under the SDK's mocks) it is found from the working directory, as the provider finds it.
 */
export function programProjectDirectory(
  rootDirectory: string = pulumi.runtime.getRootDirectory(),
  workingDirectory: string = process.cwd(),
): string {
  return path.isAbsolute(rootDirectory) ? rootDirectory : findProjectDirectory(workingDirectory);
}

/** The directory as stored in the state: relative to the project directory, so it is the same on every machine. */
function projectRelativeDirectory(directory: string, projectDir: string): string {
  if (directory.trim() === "") {
    throw new Error('Migrations: `directory` is empty; set it to the migrations folder, e.g. "migrations".');
  }
  const relative = path.relative(projectDir, path.resolve(projectDir, directory));
  if (path.isAbsolute(relative)) {
    throw new Error(
      `Migrations: directory ${directory} is on another drive than the project directory ${projectDir}; ` +
        "move the migrations into the project.",
    );
  }
  return relative === "" ? "." : relative.split(path.sep).join("/");
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
