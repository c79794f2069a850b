// The maps the Migrations resource keeps in its inputs (`migrations`) and outputs (`applied`). Both are keyed by the
// migration's version as the tracking table records it, never by its file name: renaming a file without changing
// its version and content, or a tracking table whose names differ from the files (a baseline, another tool's
// ledger), is no change. Ids, names and files are values, for messages and for people reading the preview.
import { relative, sep } from "node:path";
import type { AppliedMigration, MigrationFile, MigrationSet } from "../types";
import { isRecord } from "./values";

/** One migration as the program read it. */
export interface MigrationEntry {
  /** The engine's migration id: "0001_create_items" (the file stem; a Prisma folder's name). */
  id: string;
  /** The up file, relative to the migrations folder with forward slashes: "0001_create_items.sql". */
  file: string;
  /** SHA-256 of the up file. */
  checksum: string;
}

/** One row of the tracking table. */
export interface AppliedEntry {
  /** The name the row records: "create_items". */
  name: string;
  checksum: string;
}

/** Tracking version (as a decimal string) -> entry. */
export type MigrationMap = Record<string, MigrationEntry>;
export type AppliedMap = Record<string, AppliedEntry>;

/** Either map's entry as a state may hold it. */
export interface StoredEntry {
  checksum: string;
  id?: string;
  file?: string;
  name?: string;
}

/** What a migration is keyed by in both maps: its tracking version. */
export function migrationKey(migration: Pick<MigrationFile, "version">): string {
  return String(migration.version);
}

/** The resource's `migrations` input: every migration of the folder. */
export function migrationMapOf(set: MigrationSet): MigrationMap {
  return Object.fromEntries(
    set.migrations.map((migration) => [
      migrationKey(migration),
      {
        id: migration.id,
        file: relative(set.directory, migration.up.path).split(sep).join("/"),
        checksum: migration.up.checksum,
      },
    ]),
  );
}

/** The resource's `applied` output: every row of the tracking table, oldest first. */
export function appliedMapOf(rows: readonly AppliedMigration[]): AppliedMap {
  const sorted = [...rows].sort((a, b) => a.version - b.version);
  return Object.fromEntries(sorted.map((row) => [migrationKey(row), { name: row.name, checksum: row.checksum }]));
}

/** Version -> checksum: all that decides whether two maps describe the same migrations. */
export function checksumsOf(map: unknown, current?: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(readMap(map, current)).map(([key, entry]) => [key, entry.checksum]));
}

/**
 * A map as a state may hold it, version-keyed. States written before the maps were keyed by version hold
 * `{ "0001_init": "<sha256>" }` (migration id -> checksum): each such entry takes the version of the `current`
 * migration with that id, else the number its id starts with, so that upgrading shows no change.
 */
export function readMap(map: unknown, current?: unknown): Record<string, StoredEntry> {
  if (!isRecord(map)) return {};
  const currentEntries = isRecord(current) ? current : {};
  const result: Record<string, StoredEntry> = {};
  for (const [key, value] of Object.entries(map)) {
    if (!isRecord(value)) {
      const version = legacyVersion(key, currentEntries);
      if (version !== undefined) result[version] = { id: key, file: `${key}.sql`, checksum: String(value) };
      continue;
    }
    result[key] = {
      checksum: String(value.checksum),
      ...(typeof value.id === "string" && { id: value.id }),
      ...(typeof value.file === "string" && { file: value.file }),
      ...(typeof value.name === "string" && { name: value.name }),
    };
  }
  return result;
}

function legacyVersion(id: string, current: Record<string, unknown>): string | undefined {
  const same = Object.entries(current).find(([, entry]) => isRecord(entry) && entry.id === id);
  if (same) return same[0];
  const leadingNumber = /^(\d+)_/.exec(id);
  return leadingNumber ? String(Number(leadingNumber[1])) : undefined;
}

/** The file of an entry, for messages: "migrations/0001_init.sql". */
export function entryFile(directory: string, key: string, entry: StoredEntry): string {
  if (entry.file !== undefined) return `${directory}/${entry.file}`;
  return `the migration with version ${key}${entry.name === undefined ? "" : ` (${entry.name})`} in ${directory}`;
}

/** The id of the migration with this version: the entry's, else as the tracking table names it. */
export function idOf(key: string, migrations: Record<string, StoredEntry>, name: string): string {
  return migrations[key]?.id ?? `${key.padStart(4, "0")}_${name}`;
}
