// Turns command-line options into engine options, rejecting bad values as usage errors.
import { resolve } from "node:path";
import { libpqVariables } from "../db/connection-config";
import { noRetry } from "../db/retry";
import { migrationOptions, searchPathValue } from "../options/migration-options";
import { durationMs } from "../options/progress";
import type { ConnectionOptions, EngineOptions, LoadOptions, Platform } from "../types";
import { UsageError } from "./exit-codes";

/** Options shared by the commands that connect to a database, as parsed from the command line. */
export interface DatabaseCommandOptions {
  dir: string;
  databaseUrl?: string;
  trackingTable?: string;
  lockTimeout?: number;
  queryTimeout?: number;
  migrationTimeout?: number;
  keepalive?: number;
  allowOutOfOrder?: boolean;
  /** `--search-path`: the schemas of the migration sessions' search_path. */
  searchPath?: string[];
  platform?: Platform;
  format?: LoadOptions["format"];
  allowEmpty?: boolean;
  json?: boolean;
  verbose?: boolean;
  /** `up`/`down --progress`: report a statement running longer than this (ms); 0: never. */
  progress?: number;
  /** `up --single-transaction`. */
  singleTransaction?: boolean;
  /** `up --allow-populated`. */
  allowPopulated?: boolean;
  /** `up --import-tool-ledger`. */
  importToolLedger?: boolean;
  /** `up --keep-tool-ledger`. */
  keepToolLedger?: boolean;
  /** `--no-retry`: one connection attempt. */
  noRetry?: boolean;
}

/** "500ms", "30s", "2m", "6h", or a bare number of seconds, to milliseconds. */
export function parseDuration(value: string): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new UsageError("use a duration such as 500ms, 30s, 2m, 6h, or a number of seconds");
  return ms;
}

/** "public, extensions" to ["public", "extensions"], each name as the searchPath option takes it. */
export function parseSearchPathOption(value: string): string[] {
  const schemas = value
    .split(",")
    .map((schema) => schema.trim())
    .map((schema) => (/^"(.*)"$/.test(schema) ? schema.slice(1, -1).replace(/""/g, '"') : schema));
  const problem =
    migrationOptions.searchPath.problem(schemas) ?? schemas.map(migrationOptions.searchPath.item).find(Boolean);
  if (problem) throw new UsageError(`give schema names separated by commas, e.g. public,extensions (${problem})`);
  return schemas;
}

export function migrationsDirectory(dir: string): string {
  return resolve(process.cwd(), dir);
}

/**
 * Where to connect: the URL when one is given (the libpq variables fill the parts it leaves out), else the libpq
 * variables alone, provided PGHOST or PGDATABASE names a server or database. Unlike libpq, which would then try a
 * local server and a database named after the OS user, nothing given is an error: migrations are not applied to
 * a guessed database.
 */
export function databaseConnection(url: string | undefined, env: NodeJS.ProcessEnv): ConnectionOptions {
  if (url !== undefined && url.trim() !== "") return { url };
  if (env[libpqVariables.host] || env[libpqVariables.database]) return {};
  throw new UsageError(
    `no database given: set DATABASE_URL, or ${libpqVariables.host} / ${libpqVariables.database} (with ${libpqVariables.port}, ${libpqVariables.user}, ${libpqVariables.password}, ${libpqVariables.sslmode} as libpq reads them), or pass --database-url (prefer the environment: command lines are visible to other users)`,
  );
}

/** How the command reads the migrations folder (--format, --allow-empty). */
export function loadOptions(options: { format?: LoadOptions["format"]; allowEmpty?: boolean }): LoadOptions {
  return {
    ...(options.format !== undefined && { format: options.format }),
    ...(options.allowEmpty && { allowEmpty: true }),
  };
}

export function engineOptions(
  options: DatabaseCommandOptions,
  connection: ConnectionOptions,
  logger: EngineOptions["logger"],
): EngineOptions {
  return {
    connection: { ...connection, applicationName: "pgvector-migrate" },
    ...loadOptions(options),
    ...(options.trackingTable !== undefined && { trackingTable: options.trackingTable }),
    ...(options.lockTimeout !== undefined && { lockTimeoutMs: options.lockTimeout }),
    ...(options.queryTimeout !== undefined && { queryTimeoutMs: options.queryTimeout }),
    ...(options.migrationTimeout !== undefined && { migrationTimeoutMs: options.migrationTimeout }),
    ...(options.keepalive !== undefined && { keepAliveDelayMs: options.keepalive }),
    ...(options.allowOutOfOrder && { allowOutOfOrder: true }),
    ...(options.searchPath !== undefined && { sessionSettings: { search_path: searchPathValue(options.searchPath) } }),
    ...(options.platform !== undefined && { platform: options.platform }),
    ...(options.singleTransaction && { singleTransaction: true }),
    ...(options.allowPopulated && { allowPopulated: true }),
    ...(options.importToolLedger && { importToolLedger: true }),
    ...(options.keepToolLedger && { keepToolLedger: true }),
    ...(options.noRetry && { retry: noRetry }),
    ...(options.progress !== undefined && { progressAfterMs: options.progress }),
    logger,
  };
}
