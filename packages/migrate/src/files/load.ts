import { type Dirent, lstatSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { MigrateError, problemsError } from "../errors";
import { SourceText } from "../sql/source-text";
import type { LoadOptions, MigrationFile, MigrationFormat, MigrationSet, SqlFile } from "../types";
import { checksumOfNormalised, normaliseSql } from "./checksum";
import { parseDirectives } from "./directives";
import { checkFormat, detectFormat, emptyFolderError, foreignReaders } from "./formats";
import { type FormatSource, fileText, readText } from "./formats/source";
import { hasSqlExtension, type ParsedFileName, parseFileName } from "./names";

/**
 * Reads every migration of a directory, in its format (see files/formats/). Reports all problems at once (bad
 * names, duplicate versions, down files without an up file, bad directives) in one MigrateError("INVALID_FILES"),
 * each naming its file. A folder without migrations is an error unless `allowEmpty`.
 * SQL is not parsed here: `up` and `down` check the SQL they are about to run (see sql/analyze.ts).
 */
export function loadMigrations(directory: string, options: LoadOptions = {}): MigrationSet {
  const requested = checkFormat(options.format ?? "auto");
  return loadFromFolder(readFolder(resolve(directory)), requested, options);
}

/** Files read between two turns of the event loop by loadMigrationsAsync: about a millisecond's worth. */
const filesPerSlice = 50;

/**
 * loadMigrations, with the same result and errors, reading the folder's SQL files a slice at a time with the event
 * loop free in between: `plan` and `up` take the promise and connect meanwhile, so connecting overlaps reading and
 * hashing the files instead of following it.
 */
export async function loadMigrationsAsync(directory: string, options: LoadOptions = {}): Promise<MigrationSet> {
  const requested = checkFormat(options.format ?? "auto");
  const source = readFolder(resolve(directory));
  const sqlFiles = source.files.filter((name) => source.regularFiles.has(name) && hasSqlExtension(name));
  for (let start = 0; start < sqlFiles.length; start += filesPerSlice) {
    await new Promise((resume) => setImmediate(resume));
    for (const name of sqlFiles.slice(start, start + filesPerSlice)) fileText(source, name);
  }
  return loadFromFolder(source, requested, options);
}

function loadFromFolder(source: FormatSource, requested: MigrationFormat | "auto", options: LoadOptions): MigrationSet {
  const absolute = source.root;
  const format: MigrationFormat = requested === "auto" ? detectFormat(source) : requested;
  const migrations = format === "native" ? readNative(source) : foreignReaders[format](source);
  if (format !== "native") reportSqlDirectories(source);
  if (source.problems.length > 0) {
    throw problemsError(
      "INVALID_FILES",
      `Invalid migration files in ${source.displayRoot}/${format === "native" ? "" : ` (format ${format})`}:`,
      source.problems,
    );
  }
  if (migrations.length === 0 && options.allowEmpty !== true) throw emptyFolderError(source, format);
  return { directory: absolute, format, migrations };
}

/** The entries of a migrations folder, for the format readers. Throws when it is missing or not a directory. */
export function readFolder(absolute: string): FormatSource {
  const files: string[] = [];
  const directories: string[] = [];
  const regularFiles = new Set<string>();
  // The listing's file types spare a stat per entry; only links (and unknown types) are followed with one.
  for (const entry of listEntries(absolute)) {
    if (entry.isFile()) regularFiles.add(entry.name);
    const directory = entry.isDirectory() || (!entry.isFile() && isDirectory(join(absolute, entry.name)));
    // Everything else, dangling links included, so that nothing named like a migration is silently skipped.
    (directory ? directories : files).push(entry.name);
  }
  return {
    root: absolute,
    displayRoot: basename(absolute),
    files,
    directories,
    regularFiles,
    contents: new Map(),
    problems: [],
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A directory named like a SQL file is never skipped silently (native reports it as it reads names). */
function reportSqlDirectories(source: FormatSource): void {
  for (const directory of source.directories) {
    if (!hasSqlExtension(directory)) continue;
    source.problems.push(
      `${source.displayRoot}/${directory}: named like a migration but it is a directory; rename or remove it`,
    );
  }
}

/** NNNN_name.sql / NNNN_name.down.sql with `-- migrate:` directives (files/names.ts, files/directives.ts). */
function readNative(source: FormatSource): MigrationFile[] {
  const { root: absolute, displayRoot, files, directories, regularFiles, problems } = source;
  const ups = new Map<number, { parsed: ParsedFileName; file: SqlFile }>();
  const downs: { parsed: ParsedFileName; file: SqlFile }[] = [];

  for (const fileName of [...files, ...directories].sort()) {
    const displayPath = `${displayRoot}/${fileName}`;
    const parsed = parseFileName(fileName);
    if (parsed.ok === "ignored") continue;
    if (!parsed.ok) {
      problems.push(`${displayPath}: ${parsed.problem}`);
      continue;
    }
    const notAFile = regularFiles.has(fileName) ? undefined : notRegularFile(join(absolute, fileName));
    if (notAFile) {
      problems.push(
        `${displayPath}: named like a migration but ${notAFile}; make it a regular file, or rename or remove it`,
      );
      continue;
    }
    const file = readSqlFile(source, fileName);
    if (parsed.file.kind === "down") {
      downs.push({ parsed: parsed.file, file });
      continue;
    }
    const existing = ups.get(parsed.file.version);
    if (existing) {
      problems.push(
        `${displayPath}: version ${parsed.file.version} is also used by ${existing.file.displayPath}; give one of them the next free number`,
      );
      continue;
    }
    ups.set(parsed.file.version, { parsed: parsed.file, file });
  }

  const downById = new Map<string, SqlFile>();
  for (const down of downs) {
    const up = ups.get(down.parsed.version);
    if (!up || up.parsed.id !== down.parsed.id) {
      const hint = up
        ? `; the up file with version ${down.parsed.version} is ${up.file.displayPath}, so name it ${up.parsed.id}.down.sql`
        : "; add the up file or delete this one";
      problems.push(`${down.file.displayPath}: down file without its up file ${down.parsed.id}.sql${hint}`);
      continue;
    }
    downById.set(down.parsed.id, down.file);
  }

  return [...ups.values()]
    .sort((a, b) => a.parsed.version - b.parsed.version)
    .map(({ parsed, file }) => {
      const down = downById.get(parsed.id);
      return {
        version: parsed.version,
        versionText: parsed.versionText,
        name: parsed.name,
        id: parsed.id,
        up: file,
        ...(down && { down }),
      };
    });
}

/** `{ "0001_init": "<sha256>" }`: each migration's id and checksum (the Pulumi resource keys its own by version). */
export function migrationInputMap(set: MigrationSet): Record<string, string> {
  return Object.fromEntries(set.migrations.map((migration) => [migration.id, migration.up.checksum]));
}

/** The directory's entries, sorted by name. */
function listEntries(directory: string): Dirent[] {
  let entries: Dirent[];
  try {
    if (!statSync(directory).isDirectory()) {
      throw new MigrateError("INVALID_OPTIONS", `The migrations directory ${directory} is not a directory.`);
    }
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if (error instanceof MigrateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new MigrateError(
        "INVALID_OPTIONS",
        `The migrations directory ${directory} does not exist: check the path, or create the first migration with \`pgvector-migrate new <name>\`.`,
      );
    }
    throw new MigrateError("INVALID_OPTIONS", `Cannot read the migrations directory ${directory}: ${code ?? error}`);
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Why a directory entry is not a readable regular file (following symlinks), or undefined when it is one. */
function notRegularFile(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (stats.isFile()) return undefined;
    return stats.isDirectory() ? "it is a directory" : "it is not a regular file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const isLink = (() => {
      try {
        return lstatSync(path).isSymbolicLink();
      } catch {
        return false;
      }
    })();
    return isLink && code === "ENOENT"
      ? "it is a symbolic link to a missing file"
      : `it cannot be read (${code ?? error})`;
  }
}

function readSqlFile(source: FormatSource, fileName: string): SqlFile {
  const { problems } = source;
  const path = join(source.root, fileName);
  const displayPath = `${source.displayRoot}/${fileName}`;
  const content = readText(source, fileName);
  const sql = normaliseSql(content);
  const nul = sql.indexOf("\0");
  if (nul !== -1) {
    const { line, column } = new SourceText(sql).lineColumn(nul);
    problems.push(
      `${displayPath}:${line}:${column}: the file contains a NUL byte, which PostgreSQL cannot receive in SQL text; remove it (a file full of them was probably saved as UTF-16: save it as UTF-8)`,
    );
  }
  const { directives, problems: directiveProblems } = parseDirectives(sql);
  for (const problem of directiveProblems) problems.push(`${displayPath}: ${problem}`);
  return { path, displayPath, sql, checksum: checksumOfNormalised(sql), directives };
}
