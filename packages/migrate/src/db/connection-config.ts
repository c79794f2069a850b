// Turns ConnectionOptions (a URL and/or discrete fields) into what the pg driver needs, with libpq's sslmode
// meanings, and a description of the target that is safe to print.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { MigrateError } from "../errors";
import type { ConnectionOptions, SslMode } from "../types";
import { knownParameters, maxPort, type ParsedUrl, parseConnectionUrl } from "./connection-url";

export interface ResolvedConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslmode: SslMode;
  /** TLS settings when TLS is attempted (sslmode other than disable). */
  tls?: TlsOptions;
  applicationName: string;
  connectTimeoutMs: number;
  /** libpq `options` (e.g. Neon's `endpoint=...`), passed through. */
  options?: string;
  channelBinding: boolean;
  /** "user@host:port/database": the target, safe to print. */
  target: string;
  /** Values that must never be printed. */
  secrets: string[];
  /** URL parameters that were ignored, for a warning. */
  ignoredParameters: string[];
}

export const sslModes: readonly SslMode[] = [
  "disable",
  "allow",
  "prefer",
  "require",
  "verify-ca",
  "verify-full",
  "no-verify",
];

const defaultConnectTimeoutMs = 10_000;

/**
 * The libpq environment variables, by the part they fill: each is used, as libpq uses it, for a part that neither
 * the options nor the URL give (libpq's "Environment Variables" page).
 */
export const libpqVariables = {
  host: "PGHOST",
  port: "PGPORT",
  database: "PGDATABASE",
  user: "PGUSER",
  password: "PGPASSWORD",
  sslmode: "PGSSLMODE",
} as const;

export function resolveConnection(options: ConnectionOptions): ResolvedConnection {
  const url = options.url !== undefined && options.url.trim() !== "" ? parseConnectionUrl(options.url) : emptyUrl();
  const parameter = (name: string) => url.parameters.get(name);
  const env = process.env;

  // An empty variable counts as unset, as node-postgres reads them.
  const fromEnv = (name: keyof typeof libpqVariables) => env[libpqVariables[name]] || undefined;

  const host = options.host ?? url.host ?? parameter("host") ?? fromEnv("host") ?? "localhost";
  const urlPort = options.port !== undefined ? String(options.port) : (url.port ?? parameter("port"));
  const portText = urlPort ?? fromEnv("port");
  const port = portText === undefined || portText === "" ? 5432 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > maxPort) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid port "${portText}"${urlPort === undefined ? ` (from ${libpqVariables.port})` : ""}: use a number from 1 to ${maxPort}.`,
    );
  }
  const user = options.user ?? url.user ?? parameter("user") ?? fromEnv("user") ?? userInfo().username;
  const password = options.password ?? url.password ?? parameter("password") ?? fromEnv("password");
  const database = options.database ?? url.database ?? parameter("dbname") ?? fromEnv("database") ?? user;

  const givenSslmode = options.sslmode ?? parameter("sslmode");
  const sslmodeText = givenSslmode ?? fromEnv("sslmode") ?? "prefer";
  if (!sslModes.includes(sslmodeText as SslMode)) {
    const source = givenSslmode === undefined ? ` (from ${libpqVariables.sslmode})` : "";
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid sslmode "${sslmodeText}"${source}: use one of ${sslModes.join(", ")}.`,
    );
  }
  const sslmode = sslmodeText as SslMode;

  let connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  const urlTimeout = parameter("connect_timeout");
  if (options.connectTimeoutMs === undefined && urlTimeout !== undefined) {
    const seconds = Number(urlTimeout);
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new MigrateError("INVALID_OPTIONS", `Invalid connect_timeout "${urlTimeout}": use a number of seconds.`);
    }
    if (seconds > 0) connectTimeoutMs = Math.max(2, seconds) * 1000;
  }
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
    throw new MigrateError("INVALID_OPTIONS", `Invalid connectTimeoutMs ${connectTimeoutMs}: use a positive number.`);
  }

  const channelBindingText = parameter("channel_binding");
  const tls =
    sslmode === "disable"
      ? undefined
      : tlsOptions(sslmode, host, {
          rootCert: parameter("sslrootcert"),
          cert: parameter("sslcert"),
          key: parameter("sslkey"),
        });
  const urlOptions = parameter("options");
  const resolved: ResolvedConnection = {
    host,
    port,
    database,
    user,
    sslmode,
    applicationName: options.applicationName ?? parameter("application_name") ?? "pgvector-migrate",
    connectTimeoutMs,
    channelBinding: channelBindingText === "require",
    target: `${user}@${host.includes(":") ? `[${host}]` : host}:${port}/${database}`,
    secrets: [password, options.url].filter((value): value is string => Boolean(value)),
    ignoredParameters: [...url.parameters.keys()].filter((name) => !knownParameters.has(name)),
    ...(password !== undefined && { password }),
    ...(tls && { tls }),
    ...(urlOptions !== undefined && { options: urlOptions }),
  };
  return resolved;
}

function emptyUrl(): ParsedUrl {
  return { parameters: new Map() };
}

interface CertificateFiles {
  rootCert: string | undefined;
  cert: string | undefined;
  key: string | undefined;
}

/**
 * libpq's sslmode semantics (not node-postgres's, where "require" verifies the certificate):
 * - allow, prefer, require, no-verify: encrypt without verifying the certificate
 *   (require with sslrootcert verifies the chain, like verify-ca, as libpq does);
 * - verify-ca: verify the chain against sslrootcert (or the system CAs), not the host name;
 * - verify-full: verify the chain and that the certificate matches the host name.
 * sslrootcert=system uses the system CAs.
 */
function tlsOptions(sslmode: SslMode, host: string, files: CertificateFiles): TlsOptions {
  const options: TlsOptions = {};
  if (files.rootCert && files.rootCert !== "system") options.ca = readCertificate("sslrootcert", files.rootCert);
  if (files.cert) options.cert = readCertificate("sslcert", files.cert);
  if (files.key) options.key = readCertificate("sslkey", files.key);
  const verifyChain =
    sslmode === "verify-ca" || sslmode === "verify-full" || (sslmode === "require" && files.rootCert !== undefined);
  options.rejectUnauthorized = verifyChain;
  if (verifyChain && sslmode !== "verify-full") options.checkServerIdentity = () => undefined;
  if (sslmode === "verify-full" && !/^[\d.]+$|:/.test(host)) options.servername = host;
  return options;
}

function readCertificate(parameter: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Cannot read ${parameter} file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
    );
  }
}
