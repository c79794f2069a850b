// The migration-format fixtures of test/fixtures/formats: one folder per format, with realistic pgvector SQL.
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { MigrationFormat } from "pgvector-migrate";
import { repoRoot } from "../support";

export const formatFixtures = join(repoRoot, "test/fixtures/formats");

/** Each fixture's migrations folder, relative to its fixture directory. */
export const fixtureFolders: Readonly<Record<MigrationFormat, string>> = {
  native: "native/migrations",
  drizzle: "drizzle/migrations",
  supabase: "supabase/supabase/migrations",
  dbmate: "dbmate/migrations",
  "golang-migrate": "golang-migrate/migrations",
  flyway: "flyway/sql",
  prisma: "prisma/migrations",
};

/** A copy of a fixture folder (so `new` can write to it), at the same relative path. */
export function copyFixture(format: MigrationFormat, root: string): string {
  const relative = fixtureFolders[format];
  const target = join(root, relative);
  cpSync(join(formatFixtures, relative), target, { recursive: true });
  return target;
}
