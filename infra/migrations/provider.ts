// The dynamic provider behind `Migrations`.
//
// Pulumi serializes this object with everything it references (pulumi.runtime.serializeFunction) into the state as
// `__provider`, and the dynamic-provider host rebuilds it with `require` in the program directory. Hence:
// - no value imports in this file: every helper it calls must be defined here (they are captured by value);
// - the engine is loaded by package name inside the methods (`require("pgvector-migrate")`), not inlined;
// - nothing secret is captured: connection settings arrive as method arguments only.
// The migrations directory is stored relative to the project directory (where Pulumi.yaml is) and found again from
// the host's working directory, which the CLI sets to the program directory (`main`) or the project directory.
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

/**
 * The Pulumi project directory: the nearest directory at or above `start` that holds Pulumi.yaml. Both the program
 * (at registration) and the dynamic-provider host (wherever the CLI starts it inside the project) find the same one.
 */
export function findProjectDirectory(start: string): string {
  const fs: typeof import("node:fs") = require("node:fs");
  const path: typeof import("node:path") = require("node:path");
  let directory = path.resolve(start);
  for (;;) {
    if (["Pulumi.yaml", "Pulumi.yml"].some((name) => fs.existsSync(path.join(directory, name)))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error(
        `Migrations: no Pulumi.yaml in ${path.resolve(start)} or any directory above it. The migrations directory is ` +
          "stored relative to the Pulumi project directory (where Pulumi.yaml is): run Pulumi inside the project.",
      );
    }
    directory = parent;
  }
}

/** The stored, project-relative directory on this machine. */
function absoluteDirectory(directory: string): string {
  const path: typeof import("node:path") = require("node:path");
  return path.resolve(findProjectDirectory(process.cwd()), directory);
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

const sslmodes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full", "no-verify"];

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
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail(
        "connection.url cannot be parsed as a URL (it is not shown: it may contain a password); " +
          "percent-encode special characters of the user name and password",
      );
    }
    const sslmode = parsed.searchParams.get("sslmode");
    if (sslmode !== null && !sslmodes.includes(sslmode)) {
      return fail(`connection.url has sslmode=${sslmode}: use one of ${sslmodes.join(", ")}`);
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
  if (!isUnknown(connection.sslmode) && !sslmodes.includes(connection.sslmode as string)) {
    failures.push({ property: "connection", reason: `connection.sslmode must be one of ${sslmodes.join(", ")}` });
  }
  return failures;
}

function settingFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const directory = news.directory;
  if (typeof directory !== "string" || directory === "" || /^([/\\]|[A-Za-z]:)/.test(directory)) {
    fail(
      "directory",
      "directory must be the migrations folder relative to the project directory (where Pulumi.yaml is)",
    );
  }
  const migrations = news.migrations;
  if (!isRecord(migrations) || !Object.values(migrations).every((checksum) => typeof checksum === "string")) {
    fail("migrations", "migrations must map migration ids to checksums (the Migrations resource computes it)");
  }
  // The engine's rules (pgvector-migrate), checked here so that preview fails instead of `pulumi up`.
  if (typeof news.trackingTable !== "string" || !trackingTablePattern.test(news.trackingTable)) {
    fail(
      "trackingTable",
      `trackingTable ${JSON.stringify(news.trackingTable ?? null)} is not a table name: use table or schema.table, ` +
        'each in lowercase letters, digits and underscores (at most 63 characters), e.g. "public.schema_migrations"',
    );
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
  const extensions = news.requiredExtensions;
  if (!Array.isArray(extensions)) {
    fail("requiredExtensions", 'requiredExtensions must be a list of extension names, e.g. ["pg_trgm"]');
  } else {
    for (const extension of extensions) {
      if (typeof extension !== "string" || !extensionPattern.test(extension)) {
        fail(
          "requiredExtensions",
          `requiredExtensions: ${JSON.stringify(extension)} is not an extension name; use the name as ` +
            "pg_available_extensions lists it, e.g. vector or pg_trgm",
        );
      }
    }
  }
  if (!lintModes.includes(news.lint as string)) fail("lint", `lint must be one of ${lintModes.join(", ")}`);
  if (news.cluster !== undefined && news.cluster !== true) fail("cluster", "cluster must be true, or absent");
  return failures;
}

const lintModes = ["off", "warn", "strict"];
const trackingTablePattern = /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/;
const extensionPattern = /^[a-z0-9_][a-z0-9_-]*$/;

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
 * Checks that apply only to migrations this update adds (earlier ones already ran and cannot change): each entry
 * must be what the resource produces. Their SQL is linted by lintAddedMigrations.
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

/** What linting the added migrations found: failures in strict mode, warnings in warn mode. */
interface LintOutcome {
  failures: CheckFailure[];
  warnings: string[];
}

/**
 * Lints the migrations this update adds (squawk, through the engine's linter), as they are on disk now if they
 * still match what the program read (a file changed since is refused by the update anyway).
 * strict: every finding, or a linter that cannot run, fails the check (and the preview). warn: findings are
 * reported and never block. A dynamic provider cannot return warnings, so they go to stderr, which the CLI shows
 * (pulumi/pulumi#18253), and into the checked inputs as `lintWarnings`, which `pulumi preview --diff` shows.
 */
async function lintAddedMigrations(news: Record<string, unknown>, added: readonly string[]): Promise<LintOutcome> {
  const mode = news.lint;
  const outcome: LintOutcome = { failures: [], warnings: [] };
  if ((mode !== "warn" && mode !== "strict") || added.length === 0 || typeof news.directory !== "string") {
    return outcome;
  }
  const checksums = isRecord(news.migrations) ? news.migrations : {};
  const engine = loadEngine();
  let findings: Engine.LintFinding[];
  try {
    const set = engine.loadMigrations(absoluteDirectory(news.directory));
    const files = set.migrations.filter(
      (migration) => added.includes(migration.id) && checksums[migration.id] === migration.up.checksum,
    );
    const squawkPath = process.env.SQUAWK_PATH;
    findings = await engine.lintMigrations(files, {
      strict: mode === "strict",
      sessionSettings: sessionSettings(news as unknown as MigrationsInputs),
      platform: news.platform as Engine.Platform,
      cluster: news.cluster === true,
      ...(squawkPath ? { squawkPath } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (mode === "strict") {
      outcome.failures.push({
        property: "migrations",
        reason:
          `the migrations this update adds could not be linted, and lint is "strict": ${message}. ` +
          'Install the linter with the project (`npm ci` installs squawk-cli), or set lint to "warn".',
      });
    } else {
      outcome.warnings.push(`migration lint did not run: ${message}`);
    }
    return reportLintWarnings(outcome);
  }
  for (const finding of findings) {
    if (mode === "strict") {
      outcome.failures.push({
        property: "migrations",
        reason:
          `${engine.formatLintFinding(finding)} ` +
          `Change the migration, or accept the finding after review with \`-- squawk-ignore ${finding.rule}\` on the line above the statement.`,
      });
    } else {
      outcome.warnings.push(engine.formatLintFinding({ ...finding, level: "warning" }));
    }
  }
  return reportLintWarnings(outcome);
}

function reportLintWarnings(outcome: LintOutcome): LintOutcome {
  for (const warning of outcome.warnings) console.error(`Migrations lint: ${warning}`);
  return outcome;
}

/** The checked inputs: the program's, plus this check's lint warnings (only when there are some). */
function checkedInputs(news: MigrationsInputs, warnings: readonly string[]): MigrationsInputs {
  const { lintWarnings: _previous, ...inputs } = news;
  return warnings.length > 0 ? { ...inputs, lintWarnings: [...warnings] } : inputs;
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

// Not compared: `lint`, `cluster` and `lintWarnings` only concern the check of new migrations; a change in them alone changes
// nothing in the database, so it must not make an update.
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

/** Settings of every migration session; a file's `-- migrate:set` directives override them for that file. */
function sessionSettings(props: MigrationsInputs): Record<string, string> {
  const settings: Record<string, string> = { statement_timeout: `${props.timeoutMinutes}min` };
  if (props.searchPath !== undefined) settings.search_path = props.searchPath.map(quoteIdentifierIfNeeded).join(", ");
  return settings;
}

function engineOptions(props: MigrationsInputs): Engine.EngineOptions {
  return {
    connection: { ...props.connection },
    trackingTable: props.trackingTable,
    lockTimeoutMs: props.lockTimeoutSeconds * 1000,
    allowOutOfOrder: props.allowOutOfOrder,
    requiredExtensions: props.requiredExtensions,
    platform: props.platform,
    sessionSettings: sessionSettings(props),
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
        "The files changed while Pulumi was running, or the provider found another project directory than the " +
        "program (directory is relative to the directory of Pulumi.yaml). Nothing was applied; run `pulumi up` again.",
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

async function applyMigrations(checked: MigrationsInputs): Promise<MigrationsOutputs> {
  // The lint warnings describe this preview, not the resource: the next preview shows only its own.
  const { lintWarnings: _shownInPreview, ...props } = checked;
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
    const settings = settingFailures(newInputs);
    const addedEntries = addedMigrationFailures(newInputs, added);
    // Lint only what the rest of the check accepts: a bad setting or entry is reported as such first.
    const lint =
      settings.length === 0 && addedEntries.length === 0
        ? await lintAddedMigrations(newInputs, added)
        : { failures: [], warnings: [] };
    const failures = [
      ...connectionFailures(newInputs.connection),
      ...settings,
      ...appliedMigrationFailures(oldInputs, newInputs),
      ...addedEntries,
      ...lint.failures,
    ];
    return { inputs: checkedInputs(news, lint.warnings), failures };
  },

  // Runs during preview: compares values only, never connects.
  async diff(_id, olds, news) {
    // A replacement deletes the old resource after creating the new one. With onDelete "down" that delete
    // would revert every migration on the old target, which may be the very same database under another
    // host name (a DNS alias), so such a resource is updated in place and the old target is left as it is.
    const revertsOnDelete = olds.onDelete === "down" || news.onDelete === "down";
    const replaces = !revertsOnDelete && targetChanged(olds.connection, news.connection) ? ["connection"] : [];
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
