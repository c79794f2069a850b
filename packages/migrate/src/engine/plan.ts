import type { Database } from "../db/database";
import { readTrackingTableOrLegacy } from "../db/legacy-tracking-table";
import { isMigrateError } from "../errors";
import type { AppliedMigration, EngineOptions, ExtensionProblem, MigrationSet, Plan } from "../types";
import { checkSqlFiles } from "./check-sql";
import { computePlan } from "./compute-plan";
import { type ResolvedOptions, resolveOptions } from "./options";
import { extensionProblems, preflightOptions } from "./preflight";
import { openReader, withEngineErrors } from "./session";

/**
 * Pending migrations and problems, and what the extension preflight of `up` would find (on the same connection).
 * One query for the applied set; with nothing pending and no requiredExtensions, no SQL parsing and no other
 * query. No lock, no writes.
 */
export async function plan(set: MigrationSet, engineOptions: EngineOptions): Promise<Plan> {
  const options = resolveOptions(engineOptions);
  return withEngineErrors(options, async () => {
    const database = await openReader(options);
    try {
      const applied = (await readTrackingTableOrLegacy(database, options.tracking)) ?? [];
      const computed = computePlan(set, applied, options.allowOutOfOrder);
      if (computed.pending.length === 0 && options.requiredExtensions.length === 0) return computed;
      return { ...computed, extensionProblems: await preflight(database, computed, options) };
    } finally {
      await database.close();
    }
  });
}

/** The preflight of the pending files; files `up` would refuse as invalid SQL only count for requiredExtensions. */
async function preflight(database: Database, computed: Plan, options: ResolvedOptions): Promise<ExtensionProblem[]> {
  const files = computed.pending.map((migration) => migration.up);
  const checked = await checkSqlFiles(files, "up", options.tracking.lockKey).catch((error: unknown) => {
    if (isMigrateError(error) && error.code === "INVALID_FILES") return new Map();
    throw error;
  });
  const inOrder = files.map((file) => checked.get(file)).filter((file) => file !== undefined);
  return extensionProblems(database, inOrder, preflightOptions(options));
}

/** Rows of the tracking table in version order; [] when it does not exist yet. */
export async function readApplied(engineOptions: EngineOptions): Promise<AppliedMigration[]> {
  const options = resolveOptions(engineOptions);
  return withEngineErrors(options, async () => {
    const database = await openReader(options);
    try {
      return (await readTrackingTableOrLegacy(database, options.tracking)) ?? [];
    } finally {
      await database.close();
    }
  });
}
