// The provider's create, update, read and delete: the engine's up, readApplied and down on the stored inputs.
import { baseline } from "../engine/baseline";
import { down } from "../engine/down";
import { readApplied } from "../engine/plan";
import { up } from "../engine/up";
import { loadMigrations } from "../files/load";
import { engineOptionsFor } from "../options/migration-options";
import { defaultProgressAfterMs, durationMs, progressEnvironmentVariable } from "../options/progress";
import { Redactor } from "../redact";
import type { AppliedMigration, EngineOptions, Logger, MigrationSet } from "../types";
import { adviceFor } from "./advice";
import type { MigrationsInputs, MigrationsOutputs, ResourceConnection } from "./inputs";
import { appliedMapOf, entryFile, idOf, migrationMapOf, readMap } from "./migration-map";
import { migrationsFolder } from "./project-directory";
import { connectionTarget, shortChecksum } from "./values";

// The provider host's output is the Pulumi log of the operation.
const logger: Logger = {
  info: (message: string) => console.log(message),
  warn: (message: string) => console.warn(`warning: ${message}`),
  // What PostgreSQL said while a migration ran (pgvector's index warnings), with its DETAIL and HINT.
  notice: (message: string) => console.warn(message),
};

function engineOptions(props: MigrationsInputs): EngineOptions {
  return {
    ...engineOptionsFor(props, { ...props.connection }, logger),
    // A long statement's progress (index build phase and percent, lock waits), a line each time.
    onProgress: (event) => {
      if (event.kind === "statement-progress") console.log(event.message);
    },
    ...progressAfter(),
  };
}

/** PGVECTOR_MIGRATE_PROGRESS of the provider host's environment (as the CLI takes it); unset: the default. */
function progressAfter(): { progressAfterMs?: number } {
  const value = process.env[progressEnvironmentVariable];
  if (value === undefined || value === "") return {};
  const ms = durationMs(value);
  if (ms !== undefined) return { progressAfterMs: ms };
  logger.warn(
    `${progressEnvironmentVariable}="${value}" is not a duration (e.g. 30s, 2m, 0 for off): progress is reported after ${defaultProgressAfterMs / 1000}s.`,
  );
  return {};
}

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
}

/** Error text for the Pulumi engine: the engine's own message (file:line:column), never a credential. */
function failureMessage(error: unknown, connection: ResourceConnection): string {
  const message = error instanceof Error ? error.message : String(error);
  const secrets = "url" in connection ? [connection.url, urlPassword(connection.url)] : [connection.password];
  return new Redactor(secrets).redact(message);
}

/**
 * Loads the directory and checks it holds exactly the files the program read. The provider host reads them
 * again (it is another process than the program), and must not apply anything the preview did not show.
 */
function migrationsOnDisk(props: MigrationsInputs): MigrationSet {
  const directory = migrationsFolder(props.directory);
  const set = loadMigrations(directory, { format: props.format });
  const onDisk = migrationMapOf(set);
  const read = readMap(props.migrations, onDisk);
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(read)) {
    const now = onDisk[key];
    if (now === undefined) problems.push(`${entryFile(props.directory, key, entry)} is missing`);
    else if (now.checksum !== entry.checksum) {
      problems.push(
        `${entryFile(props.directory, key, now)} differs (checksum ${shortChecksum(entry.checksum)} when the program read it, ${shortChecksum(now.checksum)} now)`,
      );
    }
  }
  for (const [key, entry] of Object.entries(onDisk)) {
    if (read[key] === undefined) problems.push(`${entryFile(props.directory, key, entry)} was not there before`);
  }
  if (problems.length > 0) {
    throw new Error(
      `The migrations in ${directory} are not the ones the Pulumi program read:\n  - ${problems.join("\n  - ")}\n` +
        "The files changed while Pulumi was running, or the provider found another project directory than the " +
        "program (directory is relative to the directory of Pulumi.yaml). Nothing was applied; run `pulumi up` again.",
    );
  }
  return set;
}

/** The outputs that describe the tracking table. */
function appliedState(rows: readonly AppliedMigration[], migrations: MigrationsInputs["migrations"]) {
  const applied = appliedMapOf(rows);
  const known = readMap(migrations);
  const latest = [...rows].sort((a, b) => a.version - b.version).at(-1);
  return {
    applied,
    appliedCount: rows.length,
    latestVersion: latest?.version ?? 0,
    latestMigration: latest === undefined ? "" : idOf(String(latest.version), known, latest.name),
  };
}

/** The server answered that the database does not exist (SQLSTATE 3D000), as opposed to not answering at all. */
function isMissingDatabase(error: unknown): boolean {
  const { code, details } = error as { code?: unknown; details?: { cause?: unknown } };
  return code === "CONNECTION_FAILED" && details?.cause === "3D000";
}

export function databaseName(connection: ResourceConnection): string {
  return connectionTarget(connection).database ?? "database";
}

/** create and update: applies what is pending. */
export async function applyMigrations(checked: MigrationsInputs): Promise<MigrationsOutputs> {
  // The lint warnings describe this preview, not the resource: the next preview shows only its own.
  const { lintWarnings: _shownInPreview, pending: _predicted, ...props } = checked;
  try {
    const set = migrationsOnDisk(props);
    const options = engineOptions(props);
    // Under its own lock, then `up` under its own: baselining is idempotent, and `up` reads the tracking table again.
    const baselined =
      props.baselineVersion === undefined ? [] : (await baseline(set, props.baselineVersion, options)).baselined;
    const result = await up(set, options);
    return {
      ...props,
      ...appliedState(result.state, props.migrations),
      newlyApplied: result.applied.map((migration) => migration.id),
      newlyBaselined: baselined.map((migration) => migration.id),
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const resume =
      code === "MIGRATION_FAILED"
        ? `\nMigrations applied before this one are recorded in ${props.trackingTable}; the next \`pulumi up\` continues from there.`
        : "";
    throw new Error(`${failureMessage(adviceFor(error, props), props.connection)}${resume}`);
  }
}

/** `pulumi refresh`: the tracking table is the truth, so drift shows up as changes to `applied`. */
export async function readMigrations(
  id: string,
  props: MigrationsOutputs | undefined,
): Promise<{ id: string; props?: MigrationsOutputs }> {
  if (props === undefined) throw new Error("Migrations cannot be imported: declare the resource and run `pulumi up`.");
  try {
    const rows = await readApplied(engineOptions(props));
    return { id, props: { ...props, ...appliedState(rows, props.migrations) } };
  } catch (error) {
    if (isMissingDatabase(error)) {
      // Dropped together with its migrations: gone from the state, so the next `pulumi up` starts afresh.
      console.log(`Migrations: database ${databaseName(props.connection)} no longer exists.`);
      return { id: "" };
    }
    throw new Error(failureMessage(error, props.connection));
  }
}

export async function deleteMigrations(props: MigrationsOutputs): Promise<void> {
  if (props.onDelete !== "down") {
    console.log(
      `Migrations: onDelete is "keep", so the database was not touched: the ${props.appliedCount} applied ` +
        `migrations, their tables and ${props.trackingTable} stay. Set onDelete: "down" to revert them on delete.`,
    );
    return;
  }
  try {
    // Read in the provider host, which has no copy of what the program read.
    const set = loadMigrations(migrationsFolder(props.directory), { format: props.format ?? "auto" });
    const result = await down(set, 0, engineOptions(props));
    const reverted = result.reverted.map((migration) => migration.id);
    console.log(`Migrations: onDelete is "down": reverted ${reverted.length === 0 ? "nothing" : reverted.join(", ")}.`);
  } catch (error) {
    throw new Error(failureMessage(error, props.connection));
  }
}
