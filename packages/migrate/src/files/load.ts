import { type Dirent, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { MigrateError, problemsError } from "../errors";
import type { MigrationFile, MigrationSet, SqlFile } from "../types";
import { checksumOf, normaliseSql } from "./checksum";
import { parseDirectives } from "./directives";
import { type ParsedFileName, parseFileName } from "./names";

/**
 * Reads every migration of a directory. Reports all problems at once (bad names, duplicate versions, down
 * files without an up file, bad directives) in one MigrateError("INVALID_FILES"), each naming its file.
 * SQL is not parsed here: `up` and `down` check the SQL they are about to run (see sql/analyze.ts).
 */
export function loadMigrations(directory: string): MigrationSet {
  const absolute = resolve(directory);
  const displayRoot = basename(absolute);
  const problems: string[] = [];
  const ups = new Map<number, { parsed: ParsedFileName; file: SqlFile }>();
  const downs: { parsed: ParsedFileName; file: SqlFile }[] = [];

  for (const entry of listFiles(absolute)) {
    const fileName = entry.name;
    const displayPath = `${displayRoot}/${fileName}`;
    const parsed = parseFileName(fileName);
    if (parsed.ok === "ignored") continue;
    if (!parsed.ok) {
      problems.push(`${displayPath}: ${parsed.problem}`);
      continue;
    }
    // The directory listing already says which entries are regular files: only the others need a stat.
    const notAFile = entry.isFile() ? undefined : notRegularFile(join(absolute, fileName));
    if (notAFile) {
      problems.push(
        `${displayPath}: named like a migration but ${notAFile}; make it a regular file, or rename or remove it`,
      );
      continue;
    }
    const file = readSqlFile(join(absolute, fileName), displayPath, problems);
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

  if (problems.length > 0) {
    throw problemsError("INVALID_FILES", `Invalid migration files in ${displayRoot}/:`, problems);
  }

  const migrations: MigrationFile[] = [...ups.values()]
    .sort((a, b) => a.parsed.version - b.parsed.version)
    .map(({ parsed, file }) => {
      const down = downById.get(parsed.id);
      return { version: parsed.version, name: parsed.name, id: parsed.id, up: file, ...(down && { down }) };
    });
  return { directory: absolute, migrations };
}

/** `{ "0001_init": "<sha256>" }`: what the Pulumi resource takes as input, so an edited file shows as a diff. */
export function migrationInputMap(set: MigrationSet): Record<string, string> {
  return Object.fromEntries(set.migrations.map((migration) => [migration.id, migration.up.checksum]));
}

function listFiles(directory: string): Dirent[] {
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

const utf8 = new TextDecoder("utf-8", { fatal: true });

function readSqlFile(path: string, displayPath: string, problems: string[]): SqlFile {
  let content = "";
  try {
    content = utf8.decode(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code === "ERR_ENCODING_INVALID_ENCODED_DATA"
        ? `${displayPath}: the file is not valid UTF-8 text; save it as UTF-8`
        : `${displayPath}: cannot read the file (${code ?? String(error)})`,
    );
  }
  const sql = normaliseSql(content);
  const { directives, problems: directiveProblems } = parseDirectives(sql);
  for (const problem of directiveProblems) problems.push(`${displayPath}: ${problem}`);
  return { path, displayPath, sql, checksum: checksumOf(content), directives };
}
