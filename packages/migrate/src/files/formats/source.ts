// What a format reader gets: the folder's entries, a way to read its files, and the list problems go to.
import { join } from "node:path";
import type { MigrationDirectives, MigrationFile, SqlFile } from "../../types";
import { checksumOf, checksumOfNormalised, normaliseSql } from "../checksum";
import { type FileText, readFileText, textOrProblem } from "../read-text";

export interface FormatSource {
  /** Absolute path of the migrations folder. */
  root: string;
  /** Its last path segment, which messages start file names with: "migrations". */
  displayRoot: string;
  /** Top-level file names, sorted. */
  files: readonly string[];
  /** Top-level directory names, sorted. */
  directories: readonly string[];
  /** The files the listing showed to be regular files (not links): no stat needed to know it. */
  regularFiles: ReadonlySet<string>;
  /** Contents read so far, by relative path: format detection and the reader read each file once. */
  contents: Map<string, FileText>;
  /** Every problem of the folder, "<display path>: what is wrong and what to do". */
  problems: string[];
}

export function displayPathOf(source: FormatSource, relative: string): string {
  return `${source.displayRoot}/${relative}`;
}

/** The file as read, once per load: its text, or why it has none. */
export function fileText(source: FormatSource, relative: string): FileText {
  let content = source.contents.get(relative);
  if (content === undefined) {
    content = readFileText(join(source.root, relative));
    source.contents.set(relative, content);
  }
  return content;
}

/** The file as UTF-8 text; "" after adding a problem naming it when it cannot be read or is not UTF-8. */
export function readText(source: FormatSource, relative: string): string {
  return textOrProblem(fileText(source, relative), displayPathOf(source, relative), source.problems);
}

export const transactional: MigrationDirectives = { transaction: true, settings: {} };

/**
 * A SqlFile of a foreign format. `sql` is what runs; `checksummed` is the text the checksum covers (the whole file,
 * or a dbmate file's up section), so editing what does not run here does not count as a change.
 */
export function sqlFileOf(
  source: FormatSource,
  relative: string,
  sql: string,
  directives: MigrationDirectives,
  checksummed: string = sql,
): SqlFile {
  const normalised = normaliseSql(sql);
  return {
    path: join(source.root, relative),
    displayPath: displayPathOf(source, relative),
    sql: normalised,
    checksum: checksummed === sql ? checksumOfNormalised(normalised) : checksumOf(checksummed),
    directives,
  };
}

/** Versions must sort the same as numbers and as the file names the tool sorts: "9_a" before "10_b" fails that. */
export function checkNameOrder(
  source: FormatSource,
  entries: readonly { version: number; relative: string }[],
  tool: string,
): void {
  const byName = [...entries].sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  const byVersion = [...entries].sort((a, b) => a.version - b.version);
  const differs = byName.findIndex((entry, index) => entry !== byVersion[index]);
  if (differs < 0) return;
  const entry = byVersion[differs];
  if (!entry) return;
  source.problems.push(
    `${displayPathOf(source, entry.relative)}: ${tool} orders migrations by file name, and this version has another number of digits than the others, so the order by name differs from the order by version: give every version the same number of digits`,
  );
}

/** Sorted by version; a version used twice is a problem naming both files (the first one is kept). */
export function sortedByVersion(source: FormatSource, migrations: readonly MigrationFile[]): MigrationFile[] {
  const seen = new Map<number, MigrationFile>();
  for (const migration of migrations) {
    const other = seen.get(migration.version);
    if (other) {
      source.problems.push(
        `${migration.up.displayPath}: version ${migration.versionText} is also used by ${other.up.displayPath}; give one of them a new version`,
      );
      continue;
    }
    seen.set(migration.version, migration);
  }
  return [...seen.values()].sort((a, b) => a.version - b.version);
}

/** A version number as a tracking key, or a problem naming the file when it is 0 or too large. */
export function versionKey(source: FormatSource, relative: string, digits: string): number | undefined {
  const version = Number(digits);
  if (version > 0 && Number.isSafeInteger(version)) return version;
  source.problems.push(
    `${displayPathOf(source, relative)}: version ${digits} ${version === 0 ? 'is 0, which this tool reserves for "nothing applied": start at 1' : "is too large (at most 15 digits)"}`,
  );
  return undefined;
}
