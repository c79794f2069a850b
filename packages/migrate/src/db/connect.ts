// Opens a connection with a connect timeout, libpq-like sslmode fallbacks, and bounded retries with
// exponential backoff for transient failures (server starting, DNS not yet resolvable, too many connections).
import pg from "pg";
import { MigrateError } from "../errors";
import type { Redactor } from "../redact";
import type { Logger, RetryOptions } from "../types";
import type { ResolvedConnection } from "./connection-config";
import { Database, type Deadlines, type PgError, socketOf } from "./database";
import { defaultRetry } from "./retry";

export interface ConnectContext {
  deadlines: Deadlines;
  /** Idle time before the first TCP keepalive probe; Node then probes every second, 10 times. */
  keepAliveDelayMs: number;
  retry?: RetryOptions;
  logger?: Logger;
  redactor: Redactor;
  /** Abandons the attempt (the engine's while the migration files load): throws the signal's reason at once. */
  signal?: AbortSignal;
}

const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P03", // cannot_connect_now: the server is starting up or shutting down
  "53300", // too_many_connections
  "53400", // configuration_limit_exceeded (e.g. connection limit of a role)
  "08006", // connection_failure
  "08001", // sqlclient_unable_to_establish_sqlconnection
]);

export async function connect(connection: ResolvedConnection, context: ConnectContext): Promise<Database> {
  const retry = { ...defaultRetry, ...context.retry };
  const attempts = Math.max(1, Math.floor(retry.attempts));
  let delay = retry.initialDelayMs;
  let lastError: PgError | undefined;
  const { signal } = context;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    signal?.throwIfAborted();
    try {
      return await connectOnce(connection, context);
    } catch (error) {
      signal?.throwIfAborted();
      lastError = error as PgError;
      if (!isTransient(lastError) || attempt === attempts) break;
      context.logger?.warn(
        context.redactor.redact(
          `Cannot connect to ${connection.target} yet (${describeCause(lastError)}); attempt ${attempt} of ${attempts}, retrying in ${delay} ms`,
        ),
      );
      await sleep(delay, signal);
      delay = Math.min(retry.maxDelayMs, delay * 2);
    }
  }
  throw connectionFailed(connection, lastError, attempts, context.redactor);
}

async function connectOnce(connection: ResolvedConnection, context: ConnectContext): Promise<Database> {
  switch (connection.sslmode) {
    case "disable":
      return open(connection, false, context);
    case "allow":
      // Plaintext first; TLS when the server refuses unencrypted connections.
      try {
        return await open(connection, false, context);
      } catch (error) {
        if ((error as PgError).code !== "28000") throw error;
        return open(connection, true, context);
      }
    case "prefer":
      // TLS first; plaintext when the server does not support TLS.
      try {
        return await open(connection, true, context);
      } catch (error) {
        if (!/does not support SSL/i.test((error as Error).message)) throw error;
        return open(connection, false, context);
      }
    default:
      return open(connection, true, context);
  }
}

async function open(connection: ResolvedConnection, useTls: boolean, context: ConnectContext): Promise<Database> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    // Without a password, pg calls this only if the server asks for one: a clear error instead of its SASL one.
    password: connection.password ?? noPasswordGiven,
    ssl: useTls ? { ...connection.tls } : false,
    application_name: connection.applicationName,
    connectionTimeoutMillis: connection.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: context.keepAliveDelayMs,
    enableChannelBinding: connection.channelBinding,
    ...(connection.options !== undefined && { options: connection.options }),
  });
  // Errors emitted before connect() settles are reported through its promise.
  client.on("error", () => {});
  // As the driver's own connect timeout does: the destroyed socket fails connect().
  const abandon = () => socketOf(client)?.destroy();
  context.signal?.addEventListener("abort", abandon, { once: true });
  try {
    await client.connect();
  } catch (error) {
    client.end().catch(() => {});
    throw error;
  } finally {
    context.signal?.removeEventListener("abort", abandon);
  }
  return new Database(client, connection.target, context.deadlines);
}

const passwordMissingCode = "PASSWORD_MISSING";

function noPasswordGiven(): never {
  throw Object.assign(new Error("the server asked for a password and none was given"), {
    code: passwordMissingCode,
  });
}

function isTransient(error: PgError): boolean {
  if (error.code && transientCodes.has(error.code)) return true;
  return /timeout|terminated unexpectedly|Connection terminated/i.test(error.message ?? "");
}

function describeCause(error: PgError | undefined): string {
  if (!error) return "unknown error";
  const code = error.code ? `${error.code}: ` : "";
  return `${code}${error.message || String(error)}`;
}

function connectionFailed(
  connection: ResolvedConnection,
  error: PgError | undefined,
  attempts: number,
  redactor: Redactor,
): MigrateError {
  const where = `${connection.target} (sslmode=${connection.sslmode})`;
  const tries = attempts > 1 && error && isTransient(error) ? ` after ${attempts} attempts` : "";
  const message = `Could not connect to ${where}${tries}: ${describeCause(error)}. ${advice(connection, error)}`;
  return new MigrateError("CONNECTION_FAILED", redactor.redact(message), {
    target: connection.target,
    ...(error?.code !== undefined && { cause: error.code }),
  });
}

function advice(connection: ResolvedConnection, error: PgError | undefined): string {
  const code = error?.code ?? "";
  const message = error?.message ?? "";
  if (code === "28P01") {
    return `The password or user name is wrong (user "${connection.user}"); the password is not shown.`;
  }
  if (code === passwordMissingCode) {
    return `Give the password of user "${connection.user}" in the URL (user:password@host, percent-encoded), in PGPASSWORD, or as the connection's password field.`;
  }
  if (code === "28000") {
    return "The server refused this user, database or host (pg_hba.conf), or requires TLS: check the user, the database and sslmode.";
  }
  if (code === "3D000") return `Database "${connection.database}" does not exist: create it or fix the name.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `The host name "${connection.host}" does not resolve: check the host (a new cloud server's DNS name can take a few minutes to appear).`;
  }
  if (code === "ECONNREFUSED") {
    return `Nothing accepts connections on ${connection.host}:${connection.port}: check that the server runs and the port.`;
  }
  if (/timeout/i.test(message) || code === "ETIMEDOUT") {
    return `No answer within ${connection.connectTimeoutMs} ms: check the host, the port and firewall rules (on Azure, the server's firewall and network settings).`;
  }
  if (/does not support SSL/i.test(message)) {
    return "The server does not accept TLS: use sslmode=prefer or sslmode=disable if an unencrypted connection is acceptable.";
  }
  if (/certificate|self[- ]signed|CERT_/i.test(`${code} ${message}`)) {
    return `TLS certificate verification failed with sslmode=${connection.sslmode}: give the server's CA certificate with sslrootcert=<file>, or use sslmode=require to encrypt without verifying.`;
  }
  return "Check the database URL (host, port, database, user) and that the server is reachable.";
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then throws its reason). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
