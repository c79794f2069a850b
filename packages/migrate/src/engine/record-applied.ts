// Recording migrations as applied without running them: what `baseline` and `import` share.
import type { Database } from "../db/database";
import { insertRowSql, type TrackingTable } from "../db/tracking-table";
import type { AppliedResult, MigrationFile } from "../types";
import type { ResolvedOptions } from "./options";
import { throwIfInterrupted } from "./session";

/**
 * Inserts a tracking row for each migration (duration 0, `appliedBySql` as applied_by) in one transaction: every
 * row or none. Call it holding the migration lock, after the tracking table exists.
 */
export async function recordWithoutRunning(
  database: Database,
  tracking: TrackingTable,
  migrations: readonly MigrationFile[],
  appliedBySql: string,
  options: ResolvedOptions,
): Promise<AppliedResult[]> {
  const inserts = migrations.map((migration) =>
    insertRowSql(tracking, { ...migration, checksum: migration.up.checksum }, "0", appliedBySql),
  );
  throwIfInterrupted(options);
  // One simple query: every row or none.
  await database.query(["BEGIN", ...inserts, "COMMIT"].join(";\n"));
  return migrations.map((migration) => ({
    version: migration.version,
    name: migration.name,
    id: migration.id,
    checksum: migration.up.checksum,
    durationMs: 0,
  }));
}
