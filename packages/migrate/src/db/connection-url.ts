// Reads a postgres:// URL into its parts, refusing one whose authority cannot be what the user meant, without
// ever quoting the URL (it may hold a password).
import { parse } from "pg-connection-string";
import { MigrateError } from "../errors";

export interface ParsedUrl {
  host?: string;
  port?: string;
  user?: string;
  password?: string;
  database?: string;
  parameters: Map<string, string>;
}

/** URL parameters the engine understands; others are reported and ignored. */
export const knownParameters: ReadonlySet<string> = new Set([
  "host",
  "port",
  "dbname",
  "user",
  "password",
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "application_name",
  "connect_timeout",
  "options",
  "channel_binding",
]);

export const maxPort = 65535;
const scheme = /^postgres(?:ql)?:\/\//i;
/** The expected shape; "postgres://" stands apart so that redaction of URL userinfo leaves the example whole. */
const example = "postgres:// followed by user:password@host:5432/database?sslmode=require";

/** Characters that must be percent-encoded in a password or user name, with their encoding. */
const mustEncode: Readonly<Record<string, string>> = {
  "/": "%2F",
  "?": "%3F",
  "#": "%23",
  "@": "%40",
  "%": "%25",
  " ": "%20",
};

/** Why a URL is refused, in words that never quote it. */
class InvalidUrl extends Error {}

function invalid(why: string): InvalidUrl {
  return new InvalidUrl(why);
}

/** Why `text` cannot be used as a connection URL (never quoting it), or undefined when it can. */
export function connectionUrlProblem(text: string): string | undefined {
  try {
    readUrl(text);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidUrl) return error.message;
    throw error;
  }
}

/**
 * Parses a connection URL. The shape checks are hand-written because no URL parser can see intent: by RFC 3986
 * (and so WHATWG URL and pg-connection-string) the authority ends at the first `/`, `?` or `#`, so a password
 * with one of those unencoded silently turns into a host, port and database (`user:12/ab@host` connects to host
 * `user`, port 12, database `ab@host`). The parts of a URL that passed them are read by pg-connection-string,
 * the driver's own parser, with the query left out: its query handling reads certificate files and warns about
 * sslmode with node-postgres's meanings, while the engine applies libpq's (connection-config.ts).
 */
export function parseConnectionUrl(text: string): ParsedUrl {
  try {
    return readUrl(text);
  } catch (error) {
    if (!(error instanceof InvalidUrl)) throw error;
    throw new MigrateError(
      "INVALID_OPTIONS",
      `The database URL is not valid: ${error.message}. The URL is not shown because it may contain a password. Expected ${example}`,
    );
  }
}

function readUrl(text: string): ParsedUrl {
  const trimmed = text.trim();
  const schemeMatch = scheme.exec(trimmed);
  if (!schemeMatch) throw invalid("it must start with postgres:// or postgresql://");
  const afterScheme = trimmed.slice(schemeMatch[0].length);
  checkAuthority(afterScheme);

  const queryStart = trimmed.search(/[?#]/);
  const base = queryStart === -1 ? trimmed : trimmed.slice(0, queryStart);
  const query = queryStart === -1 || trimmed[queryStart] === "#" ? "" : trimmed.slice(queryStart + 1).split("#")[0];
  let parts: ReturnType<typeof parse>;
  try {
    parts = parse(base);
  } catch (error) {
    if (error instanceof URIError) throw invalid(badPercent());
    throw invalid("it cannot be parsed as a URL");
  }
  const host = parts.host ?? "";
  if (host.includes(",")) throw invalid("several hosts are not supported");
  const parsed: ParsedUrl = { parameters: new Map(new URLSearchParams(query)) };
  if (host) parsed.host = host;
  if (parts.port) parsed.port = parts.port;
  if (parts.user) parsed.user = parts.user;
  if (parts.password) parsed.password = parts.password;
  const authorityEnd = afterScheme.search(/[/?#]/);
  const pathAndQuery = authorityEnd === -1 ? "" : afterScheme.slice(authorityEnd);
  const path = pathAndQuery.startsWith("/") ? (pathAndQuery.slice(1).split(/[?#]/)[0] ?? "") : "";
  if (path) parsed.database = decodeDatabase(path);
  return parsed;
}

/** Decoded once, by hand: pg-connection-string's decodeURI keeps %2F and the like encoded. */
function decodeDatabase(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid("the database name has a bad percent-encoding: write % as %25");
  }
}

function badPercent(): string {
  return 'the user name or password contains "%" not followed by two hexadecimal digits: write % as %25';
}

/** `rest` is the URL after `postgres://`. */
function checkAuthority(rest: string): void {
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const after = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  const userInfoEnd = authority.lastIndexOf("@");
  const hostPort = authority.slice(userInfoEnd + 1);
  const portText = portOf(hostPort);
  const portIsNumber = portText === undefined || (/^\d+$/.test(portText) && Number(portText) <= maxPort);

  const strayAt = strayAtIndex(after, userInfoEnd !== -1);
  if (strayAt !== -1) {
    const userInfo = rest.slice(0, authorityEnd + strayAt);
    throw invalid(
      `there is an "@" after the first "${after[0]}", so the URL cannot be split into user:password@host. ` +
        `The password (or user name) contains ${encodingAdvice(userInfo)}; ` +
        'if the "@" belongs to the database name or a parameter, write it as %40',
    );
  }
  if (userInfoEnd !== -1 && (hostPort === "" || hostPort.startsWith(":"))) {
    throw invalid('the URL has no host: put the host name after the "@" (user:password@host:5432/database)');
  }
  if (!portIsNumber) {
    // Without "@", the text after ":" may be a password written without its @host: never quote it then.
    throw invalid(
      userInfoEnd !== -1
        ? `port "${portText}" is not a number from 1 to ${maxPort}: use a port such as 5432`
        : 'the text after the host\'s ":" is not a port number (if it is a password, the URL lacks "@host")',
    );
  }
}

/**
 * Where an "@" after the authority can only have ended a user:password whose password holds `/`, `?` or `#`:
 * anywhere when the authority has no "@"; else in the path, in the fragment, or in the query outside the value
 * of a parameter the engine knows (`?application_name=me@ci` is legitimate). -1 when there is none.
 */
function strayAtIndex(after: string, authorityHasAt: boolean): number {
  if (!after.includes("@")) return -1;
  if (!authorityHasAt) return after.lastIndexOf("@");
  const fragmentStart = after.includes("#") ? after.indexOf("#") : after.length;
  const queryStart = after.slice(0, fragmentStart).includes("?") ? after.indexOf("?") : fragmentStart;
  const pathAt = after.lastIndexOf("@", queryStart - 1);
  if (pathAt !== -1) return pathAt;
  let offset = queryStart + 1;
  for (const pair of after.slice(queryStart + 1, fragmentStart).split("&")) {
    const at = pair.indexOf("@");
    const equals = pair.indexOf("=");
    if (at !== -1 && (equals === -1 || at < equals || !knownParameters.has(pair.slice(0, equals)))) {
      return offset + at;
    }
    offset += pair.length + 1;
  }
  return after.indexOf("@", fragmentStart) === -1 ? -1 : after.lastIndexOf("@");
}

function portOf(hostPort: string): string | undefined {
  const afterHost = hostPort.startsWith("[") ? hostPort.slice(hostPort.indexOf("]") + 1) : hostPort;
  const colon = afterHost.indexOf(":");
  return colon === -1 ? undefined : afterHost.slice(colon + 1);
}

/** `"/" (write it as %2F) and "?" (write it as %3F)`: the characters of `userInfo` that need encoding. */
function encodingAdvice(userInfo: string): string {
  const found = Object.entries(mustEncode).filter(([character]) =>
    character === "%" ? /%(?![0-9a-f]{2})/i.test(userInfo) : userInfo.includes(character),
  );
  const described = found.map(([character, encoded]) => `"${character}" (write it as ${encoded})`);
  const list =
    described.length <= 1 ? (described[0] ?? "") : `${described.slice(0, -1).join(", ")} and ${described.at(-1)}`;
  return `${list} that must be percent-encoded`;
}
