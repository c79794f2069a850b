import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MigrateError } from "../errors";
import { isValidMigrationName, parseFileName } from "./names";

export interface CreatedMigration {
  version: number;
  upPath: string;
  downPath: string;
}

/**
 * Creates the next numbered pair NNNN_name.sql / NNNN_name.down.sql: version = highest existing + 1, padded to
 * the width of the existing file names (at least 4 digits). Creates the directory if needed; never overwrites.
 */
export function createMigration(directory: string, name: string): CreatedMigration {
  if (!isValidMigrationName(name)) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid migration name "${name}": use lowercase letters, digits and underscores, starting with a letter or digit (e.g. add_chunks_index).`,
    );
  }
  const absolute = resolve(directory);
  mkdirSync(absolute, { recursive: true });

  let highest = 0;
  let width = 4;
  for (const fileName of readdirSync(absolute)) {
    const parsed = parseFileName(fileName);
    if (parsed.ok !== true) continue;
    highest = Math.max(highest, parsed.file.version);
    width = Math.max(width, parsed.file.versionText.length);
  }
  const version = highest + 1;
  const id = `${String(version).padStart(width, "0")}_${name}`;
  const upPath = join(absolute, `${id}.sql`);
  const downPath = join(absolute, `${id}.down.sql`);

  try {
    writeFileSync(upPath, upTemplate(id), { flag: "wx" });
    writeFileSync(downPath, downTemplate(id), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new MigrateError("INVALID_OPTIONS", `Cannot create ${id}: a file with that name already exists.`);
    }
    throw error;
  }
  return { version, upPath, downPath };
}

function upTemplate(id: string): string {
  return `-- ${id}
-- Optional directives, only in this comment block at the top of the file:
--   "-- migrate:no-transaction"  runs this file outside a transaction, statement by statement
--                                (needed for CREATE INDEX CONCURRENTLY; make each statement safe to re-run)
--   "-- migrate:set maintenance_work_mem = '2GB'"  a session setting for this migration only

`;
}

function downTemplate(id: string): string {
  return `-- Reverts ${id}. Delete this file if the migration cannot be reverted.

`;
}
