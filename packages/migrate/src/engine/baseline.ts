import type { Database } from "../db/database";
import { adoptLegacyTrackingTable } from "../db/legacy-tracking-table";
import { quoteLiteral } from "../db/quote";
import { ensureTrackingTable, readTrackingTable } from "../db/tracking-table";
import { MigrateError, problemsError } from "../errors";
import type { BaselineResult, EngineOptions, MigrationSet } from "../types";
import { displayDirectory } from "./compute-plan";
import { type ResolvedOptions, resolveOptions } from "./options";
import { recordWithoutRunning } from "./record-applied";
import { underMigrationLock, withEngineErrors } from "./session";

/** applied_by of a baselined row: who recorded it, and that it was recorded, not run. */
const baselinedBySql = `current_user || ${quoteLiteral(" (baseline)")}`;

/**
 * The tracking key of a baseline version as the files write it (3, 0003, 20260203101500, Flyway's 1.9, drizzle's
 * 0000): it must be a migration of the folder. Throws INVALID_TARGET naming the folder otherwise.
 */
export function baselineTarget(set: MigrationSet, to: string): number {
  const written = set.migrations.find((migration) => migration.versionText === to.replace(/_/g, "."));
  const key = written?.version ?? (/^\d+$/.test(to) ? Number(to) : undefined);
  if (key !== undefined && set.migrations.some((migration) => migration.version === key)) return key;
  throw new MigrateError(
    "INVALID_TARGET",
    `No migration in ${displayDirectory(set)} has version ${to}, so nothing can be baselined up to it (nothing was recorded): give the version of the newest migration already in the database.`,
  );
}

/**
 * Records every migration up to `targetVersion` (a tracking key, as `down` takes it) as applied without running it,
 * under the migration lock: for a database whose schema was built before it was tracked. Already recorded
 * migrations with the same checksum are left as they are; one with another checksum refuses the whole call.
 */
export async function baseline(
  set: MigrationSet,
  targetVersion: number,
  engineOptions: EngineOptions,
): Promise<BaselineResult> {
  const options = resolveOptions(engineOptions);
  if (!set.migrations.some((migration) => migration.version === targetVersion)) {
    throw new MigrateError(
      "INVALID_TARGET",
      `No migration in ${displayDirectory(set)} has version ${targetVersion}, so nothing can be baselined up to it (nothing was recorded): give the version of the newest migration already in the database.`,
    );
  }
  return withEngineErrors(options, () =>
    underMigrationLock(options, (database) => record(database, set, targetVersion, options)),
  );
}

async function record(
  database: Database,
  set: MigrationSet,
  targetVersion: number,
  options: ResolvedOptions,
): Promise<BaselineResult> {
  const { tracking, logger } = options;
  await adoptLegacyTrackingTable(database, tracking, options.lockTimeoutMs, logger);
  const applied = new Map(((await readTrackingTable(database, tracking)) ?? []).map((row) => [row.version, row]));
  const upTo = set.migrations.filter((migration) => migration.version <= targetVersion);
  const changed = upTo.flatMap((migration) => {
    const row = applied.get(migration.version);
    return row && row.checksum !== migration.up.checksum
      ? [
          `${migration.up.displayPath} is recorded as applied with checksum ${row.checksum}, but the file's is ${migration.up.checksum}: restore the applied content.`,
        ]
      : [];
  });
  if (changed.length > 0) {
    throw problemsError(
      "PLAN_PROBLEMS",
      `Refusing to baseline up to version ${targetVersion} (nothing was recorded):`,
      changed,
    );
  }
  const toRecord = upTo.filter((migration) => !applied.has(migration.version));
  await ensureTrackingTable(database, tracking);
  if (toRecord.length === 0) {
    logger.info(`Nothing to baseline: every migration up to version ${targetVersion} is recorded already`);
    return { baselined: [], state: [...applied.values()] };
  }
  const baselined = await recordWithoutRunning(database, tracking, toRecord, baselinedBySql, options);
  for (const result of baselined) logger.info(`Recorded ${result.id} as applied (baseline, not run)`);
  return { baselined, state: (await readTrackingTable(database, tracking)) ?? [] };
}
