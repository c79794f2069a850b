import type { Database } from "../db/database";
import { adoptLegacyTrackingTable } from "../db/legacy-tracking-table";
import { deleteRowSql, readTrackingTable } from "../db/tracking-table";
import { MigrateError, problemsError } from "../errors";
import type { AppliedMigration, AppliedResult, DownResult, EngineOptions, MigrationFile, MigrationSet } from "../types";
import { checkSqlFiles } from "./check-sql";
import { displayDirectory } from "./compute-plan";
import { runFile, runOptionsOf } from "./execute";
import { type ResolvedOptions, resolveOptions } from "./options";
import { ProgressWatch } from "./progress-watch";
import { throwIfInterrupted, underMigrationLock, withEngineErrors } from "./session";

/**
 * Reverts the applied migrations newer than `targetVersion`, newest first: each down file runs with the
 * deletion of its tracking row (in one transaction unless the down file says `-- migrate:no-transaction`).
 * Refuses before running anything when a needed down file is missing.
 */
export async function down(
  set: MigrationSet,
  targetVersion: number,
  engineOptions: EngineOptions,
): Promise<DownResult> {
  const options = resolveOptions(engineOptions);
  if (!Number.isSafeInteger(targetVersion) || targetVersion < 0) {
    throw new MigrateError(
      "INVALID_TARGET",
      `Invalid target version ${targetVersion}: give an applied migration version, or 0 to revert everything.`,
    );
  }
  return withEngineErrors(options, async () => {
    const progress = new ProgressWatch(options);
    try {
      return await underMigrationLock(options, (database) => revert(database, set, targetVersion, options, progress));
    } finally {
      await progress.close();
    }
  });
}

async function revert(
  database: Database,
  set: MigrationSet,
  targetVersion: number,
  options: ResolvedOptions,
  progress: ProgressWatch,
): Promise<DownResult> {
  const { tracking, logger } = options;
  await adoptLegacyTrackingTable(database, tracking, options.lockTimeoutMs, logger);
  const applied = (await readTrackingTable(database, tracking)) ?? [];
  if (targetVersion !== 0 && !applied.some((row) => row.version === targetVersion)) {
    const versions = applied.map((row) => row.version);
    throw new MigrateError(
      "INVALID_TARGET",
      `Version ${targetVersion} is not applied, so it cannot be the target of down (${
        versions.length > 0 ? `applied versions: ${summarise(versions)}` : "nothing is applied"
      }): give an applied version, or 0 to revert everything.`,
    );
  }
  const toRevert = applied.filter((row) => row.version > targetVersion).sort((a, b) => b.version - a.version);
  const files = new Map(set.migrations.map((migration) => [migration.version, migration]));
  const plan = toRevert.map((row) => ({ row, migration: files.get(row.version) }));

  const missing = plan.flatMap(({ row, migration }) => missingDown(row, migration, set));
  if (missing.length > 0) {
    throw problemsError(
      "DOWN_MISSING",
      `Cannot revert to version ${targetVersion}: down files are missing (nothing was run):`,
      missing,
    );
  }
  for (const { row, migration } of plan) {
    if (migration && migration.up.checksum !== row.checksum) {
      logger.warn(
        `${migration.up.displayPath} changed after it was applied; reverting with ${migration.down?.displayPath}`,
      );
    }
  }

  const downFiles = plan.map(({ migration }) => migration?.down).filter((file) => file !== undefined);
  const checked = await checkSqlFiles(downFiles, "down", tracking.lockKey);
  const reverted: AppliedResult[] = [];
  for (const { row, migration } of plan) {
    const downFile = migration?.down;
    const file = downFile && checked.get(downFile);
    if (!migration || !downFile || !file) continue;
    throwIfInterrupted(options);
    logger.info(`Reverting ${migration.id} with ${downFile.displayPath}`);
    const transactional = downFile.directives.transaction;
    options.onProgress({
      kind: "migration-started",
      direction: "down",
      id: migration.id,
      displayPath: downFile.displayPath,
      transactional,
      statements: file.parsed.statements.length,
    });
    const { durationMs } = await runFile({
      database,
      id: migration.id,
      progress,
      checked: file,
      direction: "down",
      trackingSql: () => deleteRowSql(tracking, row.version),
      ...runOptionsOf(options, migration.id, file),
    });
    const result = { version: row.version, name: row.name, id: migration.id, checksum: row.checksum, durationMs };
    reverted.push(result);
    options.onProgress({ kind: "migration-done", direction: "down", result });
    logger.info(`Reverted ${migration.id} in ${durationMs} ms`);
  }
  const state = (await readTrackingTable(database, tracking)) ?? [];
  return { reverted, state };
}

function missingDown(row: AppliedMigration, migration: MigrationFile | undefined, set: MigrationSet): string[] {
  if (!migration) {
    return [
      `migration ${row.version} (${row.name}) is applied but its files are gone from ${displayDirectory(set)}: restore them, or choose a later target`,
    ];
  }
  if (!migration.down) {
    return [`${migration.up.displayPath} has no down file: add ${migration.id}.down.sql, or choose a later target`];
  }
  return [];
}

function summarise(versions: readonly number[]): string {
  return versions.length <= 12
    ? versions.join(", ")
    : `${versions.slice(0, 5).join(", ")}, ..., ${versions.slice(-5).join(", ")}`;
}
