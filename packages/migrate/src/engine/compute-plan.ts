// Compares the migration files with the tracking table. Pure: no database, no SQL parsing.
import type { AppliedMigration, MigrationFile, MigrationSet, Plan, PlanProblem } from "../types";

export function computePlan(set: MigrationSet, applied: readonly AppliedMigration[], allowOutOfOrder: boolean): Plan {
  const files = new Map(set.migrations.map((migration) => [migration.version, migration]));
  const appliedVersions = new Set(applied.map((row) => row.version));
  const problems: PlanProblem[] = [];

  for (const row of applied) {
    const file = files.get(row.version);
    if (!file) {
      problems.push({
        kind: "missing-file",
        severity: "error",
        version: row.version,
        name: row.name,
        message: `Migration ${row.version} (${row.name}) is applied but its file is gone from ${displayDirectory(set)}: restore the file (the database keeps what it did).`,
      });
    } else if (file.up.checksum !== row.checksum) {
      const renamed = file.name === row.name ? "" : ` (applied as "${row.name}")`;
      problems.push({
        kind: "checksum-mismatch",
        severity: "error",
        version: row.version,
        name: row.name,
        displayPath: file.up.displayPath,
        appliedChecksum: row.checksum,
        fileChecksum: file.up.checksum,
        message: `${file.up.displayPath} changed after it was applied${renamed} (applied checksum ${row.checksum}, file checksum ${file.up.checksum}): restore the applied content and put the change in a new migration.`,
      });
    }
  }

  const pending: MigrationFile[] = set.migrations.filter((migration) => !appliedVersions.has(migration.version));
  const newestApplied = applied.reduce((max, row) => Math.max(max, row.version), 0);
  for (const migration of pending) {
    if (migration.version >= newestApplied) continue;
    problems.push({
      kind: "out-of-order",
      severity: allowOutOfOrder ? "warning" : "error",
      version: migration.version,
      name: migration.name,
      displayPath: migration.up.displayPath,
      newestAppliedVersion: newestApplied,
      message: allowOutOfOrder
        ? `${migration.up.displayPath} is older than the newest applied migration (${newestApplied}); it will be applied out of order.`
        : `${migration.up.displayPath} is older than the newest applied migration (${newestApplied}), so it would run out of order: renumber it after ${newestApplied}, or allow out-of-order migrations (allowOutOfOrder / --allow-out-of-order).`,
    });
  }

  return { applied: [...applied].sort((a, b) => a.version - b.version), pending, problems };
}

/** "migrations/": the directory as messages name it, the same on every machine. */
export function displayDirectory(set: MigrationSet): string {
  const parts = set.directory.split(/[\\/]/);
  return `${parts[parts.length - 1] ?? set.directory}/`;
}
