// Validates EngineOptions once, up front, into what the engine uses.
import { type ResolvedConnection, resolveConnection } from "../db/connection-config";
import type { Deadlines } from "../db/database";
import { resolveTrackingTable, type TrackingTable } from "../db/tracking-table";
import { MigrateError } from "../errors";
import { isSettingName } from "../files/session-settings";
import { lockTimeoutMsOf, migrationOptions } from "../options/migration-options";
import { isExtensionName } from "../options/names";
import { defaultProgressAfterMs } from "../options/progress";
import { Redactor, redactorFor } from "../redact";
import {
  type EngineOptions,
  type Logger,
  type Platform,
  type ProgressEvent,
  platforms,
  type RetryOptions,
} from "../types";

/** The engine's logger: a server notice goes to the caller's `notice`, or else to its `warn`. */
export type EngineLogger = Required<Logger>;

export interface ResolvedOptions {
  connection: ResolvedConnection;
  tracking: TrackingTable;
  lockTimeoutMs: number;
  deadlines: Deadlines;
  keepAliveDelayMs: number;
  allowOutOfOrder: boolean;
  allowPopulated: boolean;
  importToolLedger: boolean;
  keepToolLedger: boolean;
  requiredExtensions: readonly string[];
  platform: Platform;
  sessionSettings: Readonly<Record<string, string>>;
  singleTransaction: boolean;
  retry: RetryOptions;
  /** The caller's logger with secrets removed from every line; silent when none was given. */
  logger: EngineLogger;
  redactor: Redactor;
  signal?: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
  /** 0: progress is never reported. */
  progressAfterMs: number;
  progressEveryMs: number;
}

export const defaultTimeouts = {
  lockTimeoutMs: lockTimeoutMsOf(migrationOptions.lockTimeoutSeconds.default),
  queryTimeoutMs: 30_000,
  migrationTimeoutMs: 24 * 3_600_000,
  keepAliveDelayMs: 10_000,
  progressAfterMs: defaultProgressAfterMs,
} as const;

/** A duration option in milliseconds: `min` is the smallest value accepted (0 where 0 means "no limit"). */
function durationOption(
  name: keyof typeof defaultTimeouts | "progressEveryMs",
  value: number | undefined,
  min: 0 | 1,
): number {
  const ms = value ?? (name === "progressEveryMs" ? undefined : defaultTimeouts[name]);
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < min || ms > 2_147_483_647) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid ${name} ${ms}: use a number of milliseconds ${min === 0 ? ">= 0" : "> 0"}. At most 2147483647 (about 24.8 days).`,
    );
  }
  return Math.round(ms);
}

export function resolveOptions(options: EngineOptions): ResolvedOptions {
  if (!options || typeof options !== "object" || !options.connection) {
    throw new MigrateError("INVALID_OPTIONS", "Engine options need a `connection` (a url, or host/database/user).");
  }
  // Secrets are known before anything else can fail, so even option errors are redacted.
  let redactor = redactorFor(options.connection);
  try {
    const connection = resolveConnection(options.connection);
    // Now including the password read from the URL or PGPASSWORD.
    redactor = new Redactor(connection.secrets, [connection.user, connection.database]);
    // Milliseconds, and a lock timeout of 0 (one attempt, no wait) is allowed: the API and the CLI take durations of
    // any precision; the Pulumi resource's lockTimeoutSeconds has its own rule (options/migration-options.ts).
    const lockTimeoutMs = durationOption("lockTimeoutMs", options.lockTimeoutMs, 0);
    const deadlines: Deadlines = {
      queryMs: durationOption("queryTimeoutMs", options.queryTimeoutMs, 1),
      migrationMs: durationOption("migrationTimeoutMs", options.migrationTimeoutMs, 0),
    };
    const keepAliveDelayMs = durationOption("keepAliveDelayMs", options.keepAliveDelayMs, 1);
    const progressAfterMs = durationOption("progressAfterMs", options.progressAfterMs, 0);
    const progressEveryMs =
      options.progressEveryMs === undefined
        ? progressAfterMs
        : durationOption("progressEveryMs", options.progressEveryMs, 1);
    const platform = options.platform ?? migrationOptions.platform.default;
    if (!platforms.includes(platform)) {
      throw new MigrateError("INVALID_OPTIONS", `Unknown platform "${platform}": use one of ${platforms.join(", ")}.`);
    }
    const requiredExtensions = options.requiredExtensions ?? [];
    for (const extension of requiredExtensions) {
      if (!isExtensionName(extension)) {
        throw new MigrateError(
          "INVALID_OPTIONS",
          `Invalid extension name "${extension}" in requiredExtensions: use the name as PostgreSQL lists it in pg_available_extensions, e.g. vector or pg_trgm.`,
        );
      }
    }
    const sessionSettings = options.sessionSettings ?? {};
    for (const [name, value] of Object.entries(sessionSettings)) {
      if (!isSettingName(name) || typeof value !== "string" || value.includes("\0")) {
        throw new MigrateError(
          "INVALID_OPTIONS",
          `Invalid session setting "${name}": use a PostgreSQL parameter name (lowercase, e.g. search_path) with a string value.`,
        );
      }
    }
    const retry = options.retry ?? {};
    if (retry.attempts !== undefined && (!Number.isInteger(retry.attempts) || retry.attempts < 1)) {
      throw new MigrateError("INVALID_OPTIONS", `Invalid retry.attempts ${retry.attempts}: use a whole number >= 1.`);
    }
    for (const key of ["initialDelayMs", "maxDelayMs"] as const) {
      const delay = retry[key];
      if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) {
        throw new MigrateError("INVALID_OPTIONS", `Invalid retry.${key} ${delay}: use a number of milliseconds >= 0.`);
      }
    }
    const logger = redactingLogger(options.logger, redactor);
    if (connection.ignoredParameters.length > 0) {
      logger.warn(`Ignoring database URL parameters: ${connection.ignoredParameters.join(", ")}`);
    }
    if (/-pooler\./.test(connection.host) || connection.port === 6543) {
      logger.warn(
        `${connection.target} looks like a transaction-mode connection pooler; the migration lock needs a session: use the direct connection.`,
      );
    }
    return {
      connection,
      tracking: resolveTrackingTable(options.trackingTable),
      lockTimeoutMs,
      deadlines,
      keepAliveDelayMs,
      allowOutOfOrder: options.allowOutOfOrder ?? migrationOptions.allowOutOfOrder.default,
      allowPopulated: options.allowPopulated ?? migrationOptions.allowPopulated.default,
      importToolLedger: options.importToolLedger ?? migrationOptions.importToolLedger.default,
      keepToolLedger: options.keepToolLedger ?? migrationOptions.keepToolLedger.default,
      requiredExtensions,
      platform,
      sessionSettings,
      singleTransaction: options.singleTransaction ?? false,
      retry,
      logger,
      redactor,
      ...(options.signal && { signal: options.signal }),
      onProgress: options.onProgress ?? (() => {}),
      progressAfterMs,
      progressEveryMs,
    };
  } catch (error) {
    if (error instanceof MigrateError) {
      throw new MigrateError(error.code, redactor.redact(error.message), redactor.redactDetails(error.details));
    }
    throw error;
  }
}

function redactingLogger(logger: Logger | undefined, redactor: Redactor): EngineLogger {
  return {
    info: (message) => logger?.info(redactor.redact(message)),
    warn: (message) => logger?.warn(redactor.redact(message)),
    notice: (message) =>
      logger?.notice ? logger.notice(redactor.redact(message)) : logger?.warn(redactor.redact(message)),
  };
}
