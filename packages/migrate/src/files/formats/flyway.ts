// Flyway folders, named as Flyway's "Migrations" documentation describes: `V<version>__<description>.sql`
// (versioned), `U<version>__<description>.sql` (undo), `R__<description>.sql` (repeatable). The version's parts
// are separated by "." or "_" (V1_1 is 1.1) and compared as numbers part by part, so 1.10 comes after 1.9, and
// trailing zero parts do not count (1.0 is 1). Each migration runs in its own transaction, as Flyway does on
// PostgreSQL. What Flyway has and this engine cannot honour is an error naming the file: repeatable
// migrations, SQL callbacks (beforeMigrate.sql, ...), per-script .conf files and ${placeholders}.
import type { MigrationFile, SqlFile } from "../../types";
import { hasSqlExtension } from "../names";
import { displayPathOf, type FormatSource, readText, sortedByVersion, sqlFileOf, transactional } from "./source";

export const flywayFilePattern = /^([VUR])([0-9._]*)__(.+)\.sql$/;
const callbackPattern = /^(before|after)[A-Z][A-Za-z]*(__.*)?\.sql$/;
const placeholderPattern = /\$\{[^}\n]*\}/;

/** Parts of the packed tracking key: the first part, then two more below this bound. */
const partBound = 10_000;
const maxParts = 3;

/**
 * The tracking key of a Flyway version, ordered as Flyway orders versions: major * 10^8 + minor * 10^4 + patch.
 * Undefined when the version has more than three parts (after dropping trailing zeros), a minor or patch part of
 * 10000 or more, or a first part too large for the key.
 */
export function flywayVersionKey(parts: readonly number[]): number | undefined {
  const trimmed = [...parts];
  while (trimmed.length > 1 && trimmed.at(-1) === 0) trimmed.pop();
  if (trimmed.length > maxParts || trimmed.slice(1).some((part) => part >= partBound)) return undefined;
  const [major = 0, minor = 0, patch = 0] = trimmed;
  const key = (major * partBound + minor) * partBound + patch;
  return key > 0 && Number.isSafeInteger(key) ? key : undefined;
}

export function readFlyway(source: FormatSource): MigrationFile[] {
  const versioned: MigrationFile[] = [];
  const undos = new Map<number, SqlFile>();
  for (const relative of source.files) {
    const display = displayPathOf(source, relative);
    if (relative.endsWith(".sql.conf")) {
      source.problems.push(
        `${display}: per-script Flyway configuration is not supported; delete it (each migration runs in a transaction)`,
      );
      continue;
    }
    if (!hasSqlExtension(relative)) continue;
    if (callbackPattern.test(relative)) {
      source.problems.push(
        `${display}: Flyway SQL callbacks are not supported; move the SQL into a versioned migration or out of the folder`,
      );
      continue;
    }
    const match = flywayFilePattern.exec(relative);
    if (!match) {
      source.problems.push(
        `${display}: Flyway reads V<version>__<description>.sql (two underscores), e.g. V1__create_documents.sql: rename it`,
      );
      continue;
    }
    const [, prefix, versionText = "", description = ""] = match;
    if (prefix === "R") {
      source.problems.push(
        `${display}: Flyway repeatable migrations (R__) are not supported: this engine applies each migration once; put the SQL in a V<version>__ migration`,
      );
      continue;
    }
    const parts = versionText.split(/[._]/);
    if (versionText === "" || parts.some((part) => !/^\d+$/.test(part))) {
      source.problems.push(
        `${display}: "${versionText}" is not a Flyway version: use numbers separated by dots, e.g. V1.2__${description}.sql`,
      );
      continue;
    }
    const key = flywayVersionKey(parts.map(Number));
    if (key === undefined) {
      source.problems.push(
        `${display}: version ${versionText} cannot be tracked here: use at most three parts, the second and third below ${partBound}, the first below 90071992`,
      );
      continue;
    }
    const content = readText(source, relative);
    const placeholder = placeholderLine(content);
    if (placeholder) {
      source.problems.push(
        `${display}:${placeholder.line}: Flyway placeholder ${placeholder.text} is not supported: write the value into the SQL`,
      );
      continue;
    }
    const file = sqlFileOf(source, relative, content, transactional);
    const shownVersion = parts.map(Number).join(".");
    if (prefix === "U") {
      undos.set(key, file);
      continue;
    }
    versioned.push({
      version: key,
      versionText: shownVersion,
      name: description,
      id: relative.slice(0, -".sql".length),
      up: file,
    });
  }
  const sorted = sortedByVersion(source, versioned);
  const byKey = new Map(sorted.map((migration) => [migration.version, migration]));
  for (const [key, undo] of undos) {
    const migration = byKey.get(key);
    if (!migration) {
      source.problems.push(
        `${undo.displayPath}: undo migration without a versioned migration of the same version: add it or delete this one`,
      );
      continue;
    }
    migration.down = undo;
  }
  return sorted;
}

function placeholderLine(content: string): { line: number; text: string } | undefined {
  const lines = content.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const match = placeholderPattern.exec(line);
    if (match) return { line: index + 1, text: match[0] };
  }
  return undefined;
}
