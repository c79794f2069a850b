import { readTrackingTableOrLegacy } from "../db/legacy-tracking-table";
import type { AppliedMigration, EngineOptions, MigrationSet, Plan } from "../types";
import { computePlan } from "./compute-plan";
import { type ResolvedOptions, resolveOptions } from "./options";
import { openReader, withEngineErrors } from "./session";

/** Pending migrations and problems. One query for the applied set; no SQL parsing, no lock, no writes. */
export async function plan(set: MigrationSet, engineOptions: EngineOptions): Promise<Plan> {
  const options = resolveOptions(engineOptions);
  const applied = await readWith(options);
  return computePlan(set, applied, options.allowOutOfOrder);
}

/** Rows of the tracking table in version order; [] when it does not exist yet. */
export async function readApplied(engineOptions: EngineOptions): Promise<AppliedMigration[]> {
  return readWith(resolveOptions(engineOptions));
}

function readWith(options: ResolvedOptions): Promise<AppliedMigration[]> {
  return withEngineErrors(options, async () => {
    const database = await openReader(options);
    try {
      return (await readTrackingTableOrLegacy(database, options.tracking)) ?? [];
    } finally {
      await database.close();
    }
  });
}
