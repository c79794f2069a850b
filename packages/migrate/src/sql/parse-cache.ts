// Parse trees of SQL texts parsed before, kept on disk. Loading the WASM parser and its first parse cost more than
// the rest of `up` with one small pending migration, and parsing 1000 files a few hundred milliseconds; `plan`
// parses the pending files that `up` then runs. An entry is keyed by the SHA-256 of the parser's version and the
// text, so a changed file or another parser version never finds an old tree; one that cannot be read is parsed
// again. PGVECTOR_MIGRATE_PARSE_CACHE=off turns the cache off, or names another directory.
// node:fs/promises is not used: loading it costs a short CLI run several milliseconds (readline, streams).
import { lstatSync, mkdirSync, readFileSync, rename, writeFile } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sha256Hex } from "../sha256";

/** What the parser returns for a text: its statements (stmt, stmt_location, stmt_len). */
export type RawStatements = readonly unknown[];

/** Bumped when what is stored changes. */
const formatVersion = 1;
/** Larger texts are parsed every time: their trees would be large files for a rare case. */
const maxCachedLength = 1_000_000;
/** Trees kept in memory at most (a long-lived process, such as the Pulumi provider, parses many texts). */
const maxInMemory = 10_000;

const memory = new Map<string, RawStatements>();
let directory: string | undefined | null = null;
let keyPrefix: string | undefined;

/** The cache directory, created private to this user; undefined when off or not safely usable. */
function cacheDirectory(): string | undefined {
  if (directory !== null) return directory;
  directory = undefined;
  const setting = process.env.PGVECTOR_MIGRATE_PARSE_CACHE;
  if (setting === "off" || setting === "0") return undefined;
  const uid = process.getuid?.();
  const base = setting || join(tmpdir(), uid === undefined ? "pgvector-migrate" : `pgvector-migrate-${uid}`);
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    // Another user could have made the directory in a shared temporary directory and put trees in it that pass
    // the checks of a file they do not allow: only a directory of this user, writable by no one else, is used.
    const stats = lstatSync(base);
    if (!stats.isDirectory() || (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o022) !== 0))) return;
    const parse = join(base, `parse-v${formatVersion}`);
    mkdirSync(parse, { recursive: true, mode: 0o700 });
    directory = parse;
  } catch {
    // Unwritable or missing temporary directory: parse every time.
  }
  return directory;
}

function parserVersion(): string {
  const manifest = join(dirname(require.resolve("libpg-query")), "..", "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function entryPath(dir: string, text: string): string {
  keyPrefix ??= `${formatVersion}\0${parserVersion()}\0`;
  return join(dir, `${sha256Hex(keyPrefix + text)}.json`);
}

/** The statements of a text parsed before (in this process or an earlier one), or undefined. */
export function cachedStatements(text: string): RawStatements | undefined {
  const known = memory.get(text);
  if (known !== undefined) return known;
  const dir = text.length <= maxCachedLength ? cacheDirectory() : undefined;
  if (!dir) return undefined;
  try {
    const stored = JSON.parse(readFileSync(entryPath(dir, text), "utf8")) as unknown;
    if (!Array.isArray(stored)) return undefined;
    remember(text, stored);
    return stored;
  } catch {
    return undefined;
  }
}

/** Keeps the statements of a text that parsed. Written in the background; a failed write is ignored. */
export function storeStatements(text: string, statements: RawStatements): void {
  remember(text, statements);
  const dir = text.length <= maxCachedLength ? cacheDirectory() : undefined;
  if (!dir) return;
  const path = entryPath(dir, text);
  // Written under a name of its own, then renamed: a reader never sees half an entry.
  const partial = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  writeFile(partial, JSON.stringify(statements), { mode: 0o600 }, (error) => {
    if (!error) rename(partial, path, () => undefined);
  });
}

function remember(text: string, statements: RawStatements): void {
  if (memory.size >= maxInMemory) memory.clear();
  memory.set(text, statements);
}
