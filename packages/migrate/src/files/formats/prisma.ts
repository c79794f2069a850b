// Prisma Migrate folders (prisma/migrations): one sub-folder per migration, `<timestamp>_<name>/migration.sql`,
// applied in folder-name order, plus migration_lock.toml. Prisma has no down migrations. prisma migrate deploy
// sends each migration.sql as one script; this engine runs each one in a transaction.
import { existsSync } from "node:fs";
import { join } from "node:path";
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

export const prismaLockFile = "migration_lock.toml";
export const prismaMigrationFile = "migration.sql";
const folderPattern = /^(\d+)_(.+)$/;

/** Sub-folders holding a migration.sql: what makes a folder look like Prisma's. */
export function prismaFolders(source: Pick<FormatSource, "root" | "directories">): string[] {
  return source.directories.filter((directory) => existsSync(join(source.root, directory, prismaMigrationFile)));
}

export function readPrisma(source: FormatSource): MigrationFile[] {
  const migrations: MigrationFile[] = [];
  for (const file of source.files) {
    if (hasSqlExtension(file)) {
      source.problems.push(
        `${displayPathOf(source, file)}: Prisma only applies <timestamp>_<name>/migration.sql: move it into a migration folder`,
      );
    }
  }
  for (const directory of source.directories) {
    const relative = `${directory}/${prismaMigrationFile}`;
    if (!existsSync(join(source.root, relative))) {
      source.problems.push(
        `${displayPathOf(source, directory)}/: a Prisma migration folder needs a ${prismaMigrationFile}: add it or delete the folder`,
      );
      continue;
    }
    const match = folderPattern.exec(directory);
    if (!match) {
      source.problems.push(
        `${displayPathOf(source, directory)}/: Prisma migration folders are named <timestamp>_<name>, e.g. 20260101000000_init: rename it`,
      );
      continue;
    }
    const [, digits = "", name = ""] = match;
    const version = versionKey(source, relative, digits);
    if (version === undefined) continue;
    migrations.push({
      version,
      versionText: digits,
      name,
      id: directory,
      up: sqlFileOf(source, relative, readText(source, relative), transactional),
    });
  }
  checkNameOrder(
    source,
    migrations.map((migration) => ({ version: migration.version, relative: migration.id })),
    "Prisma",
  );
  return sortedByVersion(source, migrations);
}
