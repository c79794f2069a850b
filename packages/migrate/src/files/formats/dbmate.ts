// dbmate folders, read by dbmate's rules (amacneil/dbmate pkg/dbmate/migration.go and migration_file.go): files
// `<digits><anything>.sql` (usually `20260203101500_name.sql`), applied in file-name order, each holding an
// `-- migrate:up` section and an optional `-- migrate:down` section after it. Each section runs in its own
// transaction unless its marker line says `transaction:false`.
import type { MigrationDirectives, MigrationFile, SqlFile } from "../../types";
import { hasSqlExtension } from "../names";
import {
  checkNameOrder,
  displayPathOf,
  type FormatSource,
  readText,
  sortedByVersion,
  sqlFileOf,
  versionKey,
} from "./source";

export const dbmateFilePattern = /^(\d+)_?(.*)\.sql$/;
const marker = /^--\s*migrate:(up|down)(?:[ \t]+(.*?))?[ \t]*$/;
export const dbmateUpMarker = /^--\s*migrate:up\b/m;

export function readDbmate(source: FormatSource): MigrationFile[] {
  const migrations: MigrationFile[] = [];
  for (const relative of source.files) {
    if (!hasSqlExtension(relative)) continue;
    const display = displayPathOf(source, relative);
    const match = dbmateFilePattern.exec(relative);
    if (!match) {
      source.problems.push(
        `${display}: dbmate migration files start with their version, e.g. 20260203101500_create_chunks.sql: rename it or move it out of the folder`,
      );
      continue;
    }
    const [, digits = "", name = ""] = match;
    const version = versionKey(source, relative, digits);
    const content = readText(source, relative);
    const sections = splitSections(content, display, source.problems);
    if (version === undefined || !sections) continue;
    migrations.push({
      version,
      versionText: digits,
      name,
      id: relative.slice(0, -".sql".length),
      up: sqlFileOf(source, relative, sections.up.sql, sections.up.directives),
      ...(sections.down && { down: downFile(source, relative, sections.down) }),
    });
  }
  checkNameOrder(
    source,
    migrations.map((migration) => ({ version: migration.version, relative: `${migration.id}.sql` })),
    "dbmate",
  );
  return sortedByVersion(source, migrations);
}

interface Section {
  /** The file with every line outside the section blanked, so line numbers in messages stay the file's. */
  sql: string;
  directives: MigrationDirectives;
}

function splitSections(
  content: string,
  display: string,
  problems: string[],
): { up: Section; down?: Section } | undefined {
  const lines = content.replace(/\r\n?/g, "\n").split("\n");
  const markers: { kind: string; line: number; directives: MigrationDirectives }[] = [];
  let ok = true;
  lines.forEach((line, index) => {
    const match = marker.exec(line);
    if (!match) return;
    const transaction = parseOptions(match[2] ?? "", `${display}:${index + 1}`, problems);
    if (transaction === undefined) ok = false;
    markers.push({ kind: match[1] ?? "", line: index, directives: { transaction: transaction ?? true, settings: {} } });
  });
  const up = markers.filter((found) => found.kind === "up");
  const down = markers.filter((found) => found.kind === "down");
  if (up.length !== 1 || down.length > 1) {
    problems.push(
      `${display}: dbmate needs exactly one "-- migrate:up" line and at most one "-- migrate:down" line (found ${up.length} and ${down.length})`,
    );
    return undefined;
  }
  const upMarker = up[0];
  const downMarker = down[0];
  if (!upMarker) return undefined;
  if (downMarker && downMarker.line < upMarker.line) {
    problems.push(`${display}: the "-- migrate:down" section must come after the "-- migrate:up" section`);
    return undefined;
  }
  if (!ok) return undefined;
  const end = downMarker?.line ?? lines.length;
  const section = (from: number, to: number) =>
    lines.map((line, index) => (index >= from && index < to ? line : "")).join("\n");
  const upSection: Section = { sql: section(upMarker.line, end), directives: upMarker.directives };
  if (!downMarker) return { up: upSection };
  const downSql = section(downMarker.line, lines.length);
  const hasSql = downSql.split("\n").some((line) => !/^\s*(--.*)?$/.test(line));
  return {
    up: upSection,
    ...(hasSql && { down: { sql: downSql, directives: downMarker.directives } }),
  };
}

/** dbmate's marker options: `transaction:false` (or true). Returns whether to use a transaction. */
function parseOptions(text: string, where: string, problems: string[]): boolean | undefined {
  let transaction = true;
  for (const option of text.split(/\s+/).filter(Boolean)) {
    const match = /^transaction:(true|false)$/.exec(option);
    if (!match) {
      problems.push(`${where}: unknown dbmate option "${option}" (dbmate knows transaction:false)`);
      return undefined;
    }
    transaction = match[1] === "true";
  }
  return transaction;
}

function downFile(source: FormatSource, relative: string, section: Section): SqlFile {
  return sqlFileOf(source, relative, section.sql, section.directives);
}
