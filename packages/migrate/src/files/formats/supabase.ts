// Supabase CLI folders (supabase/migrations): `<version>_<name>.sql`, as the CLI's pkg/migration/file.go matches
// them (migrateFilePattern `^([0-9]+)_(.*)\.sql$`, so dashes and capitals are allowed), applied in file-name order,
// with no down files. The CLI sends each file's statements as one batch (file.go ExecBatch) in a transaction, and
// recent versions run pipeline-incompatible statements such as CREATE INDEX CONCURRENTLY on their own (supabase/cli
// #5156, #6354); here each file runs in one transaction, and such a statement is refused before anything runs. The CLI skips other .sql files with a warning; here they
// are errors, so nothing is silently left out.
import type { MigrationFile } from "../../types";
import { hasSqlExtension } from "../names";
import {
  checkNameOrder,
  displayPathOf,
  type FormatSource,
  readText,
  sortedByVersion,
  sqlFileOf,
  transactional,
  versionKey,
} from "./source";

export const supabaseFilePattern = /^([0-9]+)_(.*)\.sql$/;

/** The folder is a Supabase project's migrations folder: <project>/supabase/migrations. */
export function isSupabaseFolder(root: string): boolean {
  return /(^|[\\/])supabase[\\/]migrations[\\/]?$/.test(root);
}

export function readSupabase(source: FormatSource): MigrationFile[] {
  const migrations: MigrationFile[] = [];
  for (const relative of source.files) {
    if (!hasSqlExtension(relative)) continue;
    const match = supabaseFilePattern.exec(relative);
    if (!match) {
      source.problems.push(
        `${displayPathOf(source, relative)}: the Supabase CLI skips files not named <timestamp>_<name>.sql; rename it (e.g. with \`supabase migration new\`) or move it out of the folder`,
      );
      continue;
    }
    const [, digits = "", name = ""] = match;
    const version = versionKey(source, relative, digits);
    if (version === undefined) continue;
    const content = readText(source, relative);
    migrations.push({
      version,
      versionText: digits,
      name,
      id: relative.slice(0, -".sql".length),
      up: sqlFileOf(source, relative, content, transactional),
    });
  }
  checkNameOrder(
    source,
    migrations.map((migration) => ({ version: migration.version, relative: `${migration.id}.sql` })),
    "the Supabase CLI",
  );
  return sortedByVersion(source, migrations);
}
