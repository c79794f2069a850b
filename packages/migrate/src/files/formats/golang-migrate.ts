// golang-migrate folders: `<version>_<title>.up.sql` and `<version>_<title>.down.sql`, matched as its
// source/parse.go does (DefaultRegex `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, version a uint64), applied in numeric
// order. Its postgres driver (database/postgres/postgres.go, Run) sends each file as one multi-statement query,
// which PostgreSQL runs as one implicit transaction; this engine runs each file in a transaction, the same
// all-or-nothing. (A file holding nothing but CREATE INDEX CONCURRENTLY runs there outside a transaction; `up`
// refuses it here, naming the file.)
import type { MigrationFile, SqlFile } from "../../types";
import { hasSqlExtension } from "../names";
import {
  displayPathOf,
  type FormatSource,
  readText,
  sortedByVersion,
  sqlFileOf,
  transactional,
  versionKey,
} from "./source";

export const golangMigratePattern = /^([0-9]+)_(.*)\.(down|up)\.sql$/;

export function readGolangMigrate(source: FormatSource): MigrationFile[] {
  const ups: MigrationFile[] = [];
  const downs = new Map<number, { relative: string; file: SqlFile }>();
  for (const relative of source.files) {
    if (!hasSqlExtension(relative)) continue;
    const match = golangMigratePattern.exec(relative);
    if (!match) {
      source.problems.push(
        `${displayPathOf(source, relative)}: golang-migrate only reads <version>_<title>.up.sql and <version>_<title>.down.sql: rename it or move it out of the folder`,
      );
      continue;
    }
    const [, digits = "", title = "", direction] = match;
    const version = versionKey(source, relative, digits);
    if (version === undefined) continue;
    const file = sqlFileOf(source, relative, readText(source, relative), transactional);
    if (direction === "down") {
      const other = downs.get(version);
      if (other) {
        source.problems.push(
          `${file.displayPath}: version ${digits} also has the down file ${displayPathOf(source, other.relative)}; keep one`,
        );
      }
      downs.set(version, { relative, file });
      continue;
    }
    ups.push({ version, versionText: digits, name: title, id: `${digits}_${title}`, up: file });
  }
  const sorted = sortedByVersion(source, ups);
  const byVersion = new Map(sorted.map((migration) => [migration.version, migration]));
  for (const [version, down] of downs) {
    const up = byVersion.get(version);
    if (!up) {
      source.problems.push(
        `${down.file.displayPath}: down file without an up file of version ${version}: add it or delete this one`,
      );
      continue;
    }
    up.down = down.file;
  }
  return sorted;
}
