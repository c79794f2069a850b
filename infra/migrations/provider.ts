// The dynamic provider behind `Migrations`.
//
// Pulumi serializes this object with everything it references (pulumi.runtime.serializeFunction) into the state as
// `__provider`, and the dynamic-provider host rebuilds it with `require` in the program directory. Hence:
// - no value imports in this file: every helper it calls must be defined here (they are captured by value);
// - the engine is loaded by package name inside the methods (`require("pgvector-migrate")`), not inlined;
// - nothing secret is captured: connection settings arrive as method arguments only.
// The host does not accept secrets: the engine sends them in plain text and re-marks as secret only the outputs
// whose key matches a secret input, which is why the connection stays under the `connection` key.
import type * as pulumi from "@pulumi/pulumi";
import type * as Engine from "pgvector-migrate";
import type { MigrationsInputs, MigrationsOutputs, ResolvedConnection } from "./args";

type CheckFailure = pulumi.dynamic.CheckFailure;

/** What the Pulumi engine sends in place of a value that is not known yet (during preview). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function loadEngine(): typeof Engine {
  return require("pgvector-migrate");
}

function absoluteDirectory(directory: string): string {
  const path: typeof import("node:path") = require("node:path");
  return path.resolve(process.cwd(), directory);
}

function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys: property order is not preserved through the engine's protobuf Structs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function shortChecksum(checksum: string | undefined): string {
  return typeof checksum === "string" ? `${checksum.slice(0, 12)}…` : "(none)";
}

function migrationFile(directory: string, id: string): string {
  return `${directory}/${id}.sql`;
}

// ---- check ----------------------------------------------------------------------------------------------------

function connectionFailures(connection: unknown): CheckFailure[] {
  if (isUnknown(connection)) return [];
  const fail = (reason: string): CheckFailure[] => [{ property: "connection", reason }];
  if (!isRecord(connection))
    return fail("connection must be an object with host, port, database, user, password and sslmode, or with url");
  if ("url" in connection) {
    const url = connection.url;
    if (isUnknown(url)) return [];
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
      return fail("connection.url must be a postgres:// or postgresql:// URL");
    }
    return [];
  }
  const failures: CheckFailure[] = [];
  for (const field of ["host", "database", "user"] as const) {
    const value = connection[field];
    if (!isUnknown(value) && (typeof value !== "string" || value.trim() === "")) {
      failures.push({ property: "connection", reason: `connection.${field} must be a non-empty string` });
    }
  }
  const port = connection.port;
  if (!isUnknown(port) && !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536)) {
    failures.push({ property: "connection", reason: "connection.port must be an integer between 1 and 65535" });
  }
  if (!isUnknown(connection.password) && typeof connection.password !== "string") {
    failures.push({ property: "connection", reason: "connection.password must be a string" });
  }
  const sslmodes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full", "no-verify"];
  if (!isUnknown(connection.sslmode) && !sslmodes.includes(connection.sslmode as string)) {
    failures.push({ property: "connection", reason: `connection.sslmode must be one of ${sslmodes.join(", ")}` });
  }
  return failures;
}

function settingFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const directory = news.directory;
  if (typeof directory !== "string" || directory === "" || directory.startsWith("/")) {
    fail("directory", "directory must be the migrations folder relative to the Pulumi program directory");
  }
  const migrations = news.migrations;
  if (!isRecord(migrations) || !Object.values(migrations).every((checksum) => typeof checksum === "string")) {
    fail("migrations", "migrations must map migration ids to checksums (the Migrations resource computes it)");
  }
  if (typeof news.trackingTable !== "string" || news.trackingTable.trim() === "") {
    fail("trackingTable", 'trackingTable must be a table name such as "public.schema_migrations"');
  }
  const lockTimeout = news.lockTimeoutSeconds;
  if (typeof lockTimeout !== "number" || !Number.isFinite(lockTimeout) || lockTimeout <= 0) {
    fail("lockTimeoutSeconds", "lockTimeoutSeconds must be a number of seconds greater than 0");
  }
  const timeout = news.timeoutMinutes;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0) {
    fail("timeoutMinutes", "timeoutMinutes must be a whole number of minutes (0 for no limit)");
  }
  if (typeof news.allowOutOfOrder !== "boolean") fail("allowOutOfOrder", "allowOutOfOrder must be true or false");
  if (news.onDelete !== "keep" && news.onDelete !== "down") fail("onDelete", 'onDelete must be "keep" or "down"');
  const platforms = ["azure", "neon", "supabase", "generic"];
  if (!platforms.includes(news.platform as string)) fail("platform", `platform must be one of ${platforms.join(", ")}`);
  const isNameList = (value: unknown) =>
    Array.isArray(value) && value.every((item) => typeof item === "string" && item.trim() !== "");
  if (news.searchPath !== undefined && !isNameList(news.searchPath)) {
    fail("searchPath", 'searchPath must be a list of schema names, e.g. ["public", "extensions"]');
  }
  if (!isNameList(news.requiredExtensions)) fail("requiredExtensions", "requiredExtensions must be a list of names");
  return failures;
}

/** Migrations that earlier updates applied must keep their content: the database already ran it. */
function appliedMigrationFailures(olds: Record<string, unknown>, news: Record<string, unknown>): CheckFailure[] {
  if (!isRecord(olds.migrations) || !isRecord(news.migrations)) return [];
  const directory = String(news.directory);
  const failures: CheckFailure[] = [];
  for (const [id, appliedChecksum] of Object.entries(olds.migrations)) {
    const checksum = news.migrations[id];
    if (checksum === undefined) {
      failures.push({
        property: "migrations",
        reason:
          `${migrationFile(directory, id)} was applied by an earlier update but is no longer in ${directory}. ` +
          "Applied migrations cannot be removed: restore the file, and add a new migration to undo its changes.",
      });
    } else if (checksum !== appliedChecksum) {
      failures.push({
        property: "migrations",
        reason:
          `${migrationFile(directory, id)} changed after it was applied (checksum ${shortChecksum(String(appliedChecksum))} ` +
          `when applied, ${shortChecksum(String(checksum))} now). Applied migrations are immutable: restore the applied ` +
          "version and add a new migration with the change instead.",
      });
    }
  }
  return failures;
}

/** Ids in the new inputs that the previous inputs did not list: the files this update will apply. */
function addedMigrationIds(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const before = isRecord(olds.migrations) ? olds.migrations : {};
  return isRecord(news.migrations) ? Object.keys(news.migrations).filter((id) => !(id in before)) : [];
}

/**
 * Checks that apply only to migrations this update adds (earlier ones already ran and cannot change).
 * This is the place for per-file checks of new migrations, such as lint rules.
 */
function addedMigrationFailures(news: Record<string, unknown>, added: readonly string[]): CheckFailure[] {
  const migrations = isRecord(news.migrations) ? news.migrations : {};
  const failures: CheckFailure[] = [];
  for (const id of added) {
    if (!/^\d+_[A-Za-z0-9_]+$/.test(id) || !/^[0-9a-f]{64}$/.test(String(migrations[id]))) {
      failures.push({
        property: "migrations",
        reason: `migration "${id}" is not an id -> SHA-256 entry as produced by the Migrations resource`,
      });
    }
  }
  return failures;
}

// ---- diff -----------------------------------------------------------------------------------------------------

/** Host and database name of a connection; undefined parts are not known yet (preview) or not parseable. */
function target(connection: unknown): { host?: string; database?: string } {
  if (!isRecord(connection)) return {};
  if ("url" in connection) {
    if (typeof connection.url !== "string" || isUnknown(connection.url)) return {};
    try {
      const url = new URL(connection.url);
      return { host: url.hostname.toLowerCase(), database: decodeURIComponent(url.pathname.replace(/^\//, "")) };
    } catch {
      return {};
    }
  }
  const known = (value: unknown) => (typeof value === "string" && !isUnknown(value) ? value : undefined);
  return { host: known(connection.host)?.toLowerCase(), database: known(connection.database) };
}

/** Only a known, different host or database means another database: values unknown at preview never force it. */
function targetChanged(olds: unknown, news: unknown): boolean {
  const before = target(olds);
  const after = target(news);
  const differs = (a?: string, b?: string) => a !== undefined && b !== undefined && a !== b;
  return differs(before.host, after.host) || differs(before.database, after.database);
}

const settingKeys = [
  "connection",
  "directory",
  "trackingTable",
  "lockTimeoutSeconds",
  "allowOutOfOrder",
  "onDelete",
  "platform",
  "searchPath",
  "requiredExtensions",
  "timeoutMinutes",
] as const;

// ---- create / update / read / delete --------------------------------------------------------------------------

function quoteIdentifierIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function engineOptions(props: MigrationsInputs): Engine.EngineOptions {
  const sessionSettings: Record<string, string> = { statement_timeout: `${props.timeoutMinutes}min` };
  if (props.searchPath !== undefined)
    sessionSettings.search_path = props.searchPath.map(quoteIdentifierIfNeeded).join(", ");
  return {
    connection: { ...props.connection },
    trackingTable: props.trackingTable,
    lockTimeoutMs: props.lockTimeoutSeconds * 1000,
    allowOutOfOrder: props.allowOutOfOrder,
    requiredExtensions: props.requiredExtensions,
    platform: props.platform,
    sessionSettings,
    logger: { info: (message) => console.log(message), warn: (message) => console.warn(`warning: ${message}`) },
  };
}

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
}

/** Error text for the Pulumi engine: the engine's own message (file:line:column), never a credential. */
function failureMessage(error: unknown, connection: ResolvedConnection): string {
  let message = error instanceof Error ? error.message : String(error);
  const secrets = "url" in connection ? [connection.url, urlPassword(connection.url)] : [connection.password];
  for (const secret of secrets) {
    if (typeof secret === "string" && secret.length >= 4) message = message.split(secret).join("********");
  }
  return message;
}

/**
 * Loads the directory and checks it holds exactly the files the program read: the host reads them again at
 * apply time, and must not apply anything the preview did not show.
 */
function migrationsOnDisk(engine: typeof Engine, props: MigrationsInputs): Engine.MigrationSet {
  const directory = absoluteDirectory(props.directory);
  const set = engine.loadMigrations(directory);
  const onDisk = engine.migrationInputMap(set);
  const problems: string[] = [];
  for (const [id, checksum] of Object.entries(props.migrations)) {
    if (onDisk[id] === undefined) problems.push(`${migrationFile(props.directory, id)} is missing`);
    else if (onDisk[id] !== checksum) {
      problems.push(
        `${migrationFile(props.directory, id)} differs (checksum ${shortChecksum(checksum)} when the program read it, ${shortChecksum(onDisk[id])} now)`,
      );
    }
  }
  for (const id of Object.keys(onDisk)) {
    if (props.migrations[id] === undefined) problems.push(`${migrationFile(props.directory, id)} was not there before`);
  }
  if (problems.length > 0) {
    throw new Error(
      `The migrations in ${directory} are not the ones the Pulumi program read:\n  - ${problems.join("\n  - ")}\n` +
        "The files changed while Pulumi was running, or the provider runs in another directory than the program " +
        "(directory must be relative to the Pulumi program directory). Nothing was applied; run `pulumi up` again.",
    );
  }
  return set;
}

function migrationId(row: Engine.AppliedMigration, knownIds: readonly string[]): string {
  const known = knownIds.find((id) => {
    const match = /^(\d+)_(.*)$/.exec(id);
    return match !== null && Number(match[1]) === row.version && match[2] === row.name;
  });
  return known ?? `${String(row.version).padStart(4, "0")}_${row.name}`;
}

/** The outputs that describe the tracking table. */
function appliedState(rows: readonly Engine.AppliedMigration[], migrations: Record<string, string>) {
  const knownIds = Object.keys(migrations);
  const sorted = [...rows].sort((a, b) => a.version - b.version);
  const applied: Record<string, string> = {};
  for (const row of sorted) applied[migrationId(row, knownIds)] = row.checksum;
  const latest = sorted[sorted.length - 1];
  return {
    applied,
    appliedCount: sorted.length,
    latestVersion: latest?.version ?? 0,
    latestMigration: latest === undefined ? "" : migrationId(latest, knownIds),
  };
}

/** The server answered that the database does not exist (SQLSTATE 3D000), as opposed to not answering at all. */
function isMissingDatabase(error: unknown): boolean {
  const { code, details } = error as { code?: unknown; details?: { cause?: unknown } };
  return code === "CONNECTION_FAILED" && details?.cause === "3D000";
}

function databaseName(connection: ResolvedConnection): string {
  return target(connection).database ?? "database";
}

async function applyMigrations(props: MigrationsInputs): Promise<MigrationsOutputs> {
  const engine = loadEngine();
  try {
    const set = migrationsOnDisk(engine, props);
    const result = await engine.up(set, engineOptions(props));
    const newlyApplied = result.applied.map((migration) => migration.id);
    return { ...props, ...appliedState(result.state, props.migrations), newlyApplied };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const resume =
      code === "MIGRATION_FAILED"
        ? `\nMigrations applied before this one are recorded in ${props.trackingTable}; the next \`pulumi up\` continues from there.`
        : "";
    throw new Error(`${failureMessage(error, props.connection)}${resume}`);
  }
}

export const migrationsProvider: pulumi.dynamic.ResourceProvider<MigrationsInputs, MigrationsOutputs> = {
  async check(olds, news) {
    const oldInputs: Record<string, unknown> = isRecord(olds) ? olds : {};
    const newInputs: Record<string, unknown> = isRecord(news) ? news : {};
    const added = addedMigrationIds(oldInputs, newInputs);
    const failures = [
      ...connectionFailures(newInputs.connection),
      ...settingFailures(newInputs),
      ...appliedMigrationFailures(oldInputs, newInputs),
      ...addedMigrationFailures(newInputs, added),
    ];
    return { inputs: news, failures };
  },

  // Runs during preview: compares values only, never connects.
  async diff(_id, olds, news) {
    const replaces = targetChanged(olds.connection, news.connection) ? ["connection"] : [];
    const migrationsChanged =
      canonical(olds.migrations) !== canonical(news.migrations) ||
      canonical(olds.applied) !== canonical(news.migrations);
    const settingsChanged = settingKeys.some((key) => canonical(olds[key]) !== canonical(news[key]));
    return { changes: replaces.length > 0 || migrationsChanged || settingsChanged, replaces };
  },

  async create(inputs) {
    const outs = await applyMigrations(inputs);
    return { id: `${databaseName(inputs.connection)}:${inputs.trackingTable}`, outs };
  },

  async update(_id, _olds, news) {
    return { outs: await applyMigrations(news) };
  },

  // `pulumi refresh`: the tracking table is the truth, so drift shows up as changes to `applied`.
  async read(id, props) {
    if (props === undefined)
      throw new Error("Migrations cannot be imported: declare the resource and run `pulumi up`.");
    const engine = loadEngine();
    try {
      const rows = await engine.readApplied(engineOptions(props));
      return { id, props: { ...props, ...appliedState(rows, props.migrations) } };
    } catch (error) {
      if (isMissingDatabase(error)) {
        // Dropped together with its migrations: gone from the state, so the next `pulumi up` starts afresh.
        console.log(`Migrations: database ${databaseName(props.connection)} no longer exists.`);
        return { id: "" };
      }
      throw new Error(failureMessage(error, props.connection));
    }
  },

  async delete(_id, props) {
    if (props.onDelete !== "down") {
      console.log(
        `Migrations: onDelete is "keep", so the database was not touched: the ${props.appliedCount} applied ` +
          `migrations, their tables and ${props.trackingTable} stay. Set onDelete: "down" to revert them on delete.`,
      );
      return;
    }
    const engine = loadEngine();
    try {
      const set = engine.loadMigrations(absoluteDirectory(props.directory));
      const result = await engine.down(set, 0, engineOptions(props));
      const reverted = result.reverted.map((migration) => migration.id);
      console.log(
        `Migrations: onDelete is "down": reverted ${reverted.length === 0 ? "nothing" : reverted.join(", ")}.`,
      );
    } catch (error) {
      throw new Error(failureMessage(error, props.connection));
    }
  },
};
