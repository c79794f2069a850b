// The migration folder layouts this engine reads, how a folder's layout is detected, and why a folder holds no
// migrations. Each format's reader lives in its own module; native files are read by files/load.ts.
import { MigrateError } from "../../errors";
import type { MigrationFile, MigrationFormat } from "../../types";
import { hasSqlExtension } from "../names";
import { InvalidUtf8 } from "../read-text";
import { dbmateUpMarker, readDbmate } from "./dbmate";
import { drizzleJournal, hasDrizzleJournal, readDrizzle } from "./drizzle";
import { flywayFilePattern, readFlyway } from "./flyway";
import { golangMigratePattern, readGolangMigrate } from "./golang-migrate";
import { prismaFolders, prismaLockFile, readPrisma } from "./prisma";
import { displayPathOf, type FormatSource, fileText } from "./source";
import { isSupabaseFolder, readSupabase } from "./supabase";

export const migrationFormats: readonly MigrationFormat[] = [
  "native",
  "drizzle",
  "supabase",
  "dbmate",
  "golang-migrate",
  "flyway",
  "prisma",
];
export const formatChoices: readonly (MigrationFormat | "auto")[] = ["auto", ...migrationFormats];

export const foreignReaders: Readonly<
  Record<Exclude<MigrationFormat, "native">, (source: FormatSource) => MigrationFile[]>
> = {
  drizzle: readDrizzle,
  supabase: readSupabase,
  dbmate: readDbmate,
  "golang-migrate": readGolangMigrate,
  flyway: readFlyway,
  prisma: readPrisma,
};

export function checkFormat(format: unknown): MigrationFormat | "auto" {
  if (typeof format === "string" && (formatChoices as readonly string[]).includes(format)) {
    return format as MigrationFormat | "auto";
  }
  throw new MigrateError(
    "INVALID_OPTIONS",
    `Unknown migration format "${String(format)}": use one of ${formatChoices.join(", ")}.`,
  );
}

/** What points to each foreign format, as display paths: the files that decide. */
function evidence(source: FormatSource): Partial<Record<MigrationFormat, string[]>> {
  const sqlFiles = source.files.filter((file) => hasSqlExtension(file));
  const found: Partial<Record<MigrationFormat, string[]>> = {};
  const add = (format: MigrationFormat, paths: readonly string[]) => {
    if (paths.length > 0) found[format] = paths.slice(0, 3).map((path) => displayPathOf(source, path));
  };
  add("drizzle", hasDrizzleJournal(source.root) ? [drizzleJournal] : []);
  add("prisma", [
    ...(source.files.includes(prismaLockFile) ? [prismaLockFile] : []),
    ...prismaFolders(source).map((folder) => `${folder}/migration.sql`),
  ]);
  add(
    "flyway",
    sqlFiles.filter((file) => flywayFilePattern.test(file)),
  );
  add(
    "golang-migrate",
    sqlFiles.filter((file) => golangMigratePattern.test(file) && file.endsWith(".up.sql")),
  );
  add(
    "dbmate",
    sqlFiles.filter((file) => hasDbmateMarker(source, file)),
  );
  if (isSupabaseFolder(source.root)) found.supabase = [`${source.displayRoot}/ (a supabase/migrations folder)`];
  return found;
}

function hasDbmateMarker(source: FormatSource, file: string): boolean {
  const content = fileText(source, file);
  const text = typeof content === "string" ? content : content instanceof InvalidUtf8 ? content.lossy : "";
  // The cheap test first: it rules out most files of a folder of any other format.
  return text.includes("migrate:up") && dbmateUpMarker.test(text);
}

/** The folder's format: the one foreign format it shows signs of, else native. Refuses a folder showing several. */
export function detectFormat(source: FormatSource): MigrationFormat {
  const found = Object.entries(evidence(source)) as [MigrationFormat, string[]][];
  if (found.length === 1 && found[0]) return found[0][0];
  if (found.length === 0) return "native";
  throw new MigrateError(
    "INVALID_FILES",
    `Cannot tell the migration format of ${source.displayRoot}/: it looks like ${found
      .map(([format, paths]) => `${format} (${paths.join(", ")})`)
      .join(" and ")}. Keep one tool's migrations in the folder, or choose one with format / --format.`,
  );
}

/** "No migrations" error naming what the folder holds instead. */
export function emptyFolderError(source: FormatSource, format: MigrationFormat): MigrateError {
  const found: string[] = [];
  const prisma = prismaFolders(source);
  if (prisma.length > 0 && format !== "prisma") {
    found.push(
      `sub-folders with a migration.sql (${prisma.slice(0, 3).join(", ")}): a Prisma layout, read with --format prisma`,
    );
  }
  if (source.directories.includes("meta") && format !== "drizzle") {
    found.push(
      hasDrizzleJournal(source.root)
        ? `${drizzleJournal}: a drizzle-kit folder, read with --format drizzle`
        : "a meta/ folder without _journal.json (drizzle-kit writes meta/_journal.json)",
    );
  }
  const others = source.directories.filter((directory) => !prisma.includes(directory) && directory !== "meta");
  if (others.length > 0)
    found.push(
      `sub-folders ${others
        .slice(0, 5)
        .map((name) => `${name}/`)
        .join(", ")}`,
    );
  const wrongExtension = source.files.filter((file) => !hasSqlExtension(file) && file !== prismaLockFile);
  if (wrongExtension.length > 0) {
    found.push(`files without the .sql extension: ${wrongExtension.slice(0, 5).join(", ")}`);
  }
  return new MigrateError(
    "INVALID_FILES",
    `No migrations in ${source.displayRoot}/ (read as format ${format})${found.length > 0 ? `; found ${found.join("; ")}` : ", the folder is empty"}. Check the directory and the format, or allow an empty folder with allowEmpty / --allow-empty.`,
  );
}
