import type { Database } from "../db/database";
import { readTrackingTableOrLegacy } from "../db/legacy-tracking-table";
import { ledgerOf } from "../ledgers";
import type { ToolLedger } from "../ledgers/ledger";
import type { AppliedMigration, EngineOptions, MigrationSet, Plan } from "../types";
import { computePlan } from "./compute-plan";
import { type ResolvedOptions, resolveOptions } from "./options";
import { openReader, withEngineErrors } from "./session";

/**
 * Pending migrations and problems. One query for the applied set (and, with importToolLedger, one for the tool's
 * ledger); no SQL parsing, no lock, no writes.
 */
export async function plan(set: MigrationSet, engineOptions: EngineOptions): Promise<Plan> {
  const options = resolveOptions(engineOptions);
  const ledger = options.importToolLedger ? ledgerOf(set, "importToolLedger (--import-tool-ledger)") : undefined;
  return withReader(options, async (database) => {
    const applied = (await readTrackingTableOrLegacy(database, options.tracking)) ?? [];
    return ledger
      ? planWithImport(database, set, applied, ledger, options)
      : computePlan(set, applied, options.allowOutOfOrder);
  });
}

/** The plan after `up` has imported the tool's ledger: what it would record, then what would still run. */
async function planWithImport(
  database: Database,
  set: MigrationSet,
  applied: readonly AppliedMigration[],
  ledger: ToolLedger,
  options: ResolvedOptions,
): Promise<Plan> {
  const reading = await ledger.read(database, set);
  const recorded = new Set(applied.map((row) => row.version));
  const migrations = (reading?.applied ?? []).filter((migration) => !recorded.has(migration.version));
  const asImported: AppliedMigration[] = migrations.map((migration) => ({
    version: migration.version,
    name: migration.name,
    checksum: migration.up.checksum,
    appliedAt: new Date(0),
    durationMs: 0,
    appliedBy: `(imported from ${ledger.tool})`,
  }));
  const after = computePlan(set, [...applied, ...asImported], options.allowOutOfOrder);
  return {
    applied: after.applied.filter((row) => recorded.has(row.version)),
    toImport: { tool: ledger.tool, ledger: reading?.table ?? ledger.table, migrations },
    pending: after.pending,
    problems: [
      ...(reading?.problems ?? []).map((message) => ({
        kind: "tool-ledger" as const,
        severity: "error" as const,
        message,
      })),
      ...after.problems,
    ],
  };
}

/** Rows of the tracking table in version order; [] when it does not exist yet. */
export async function readApplied(engineOptions: EngineOptions): Promise<AppliedMigration[]> {
  const options = resolveOptions(engineOptions);
  return withReader(options, async (database) => (await readTrackingTableOrLegacy(database, options.tracking)) ?? []);
}

function withReader<T>(options: ResolvedOptions, read: (database: Database) => Promise<T>): Promise<T> {
  return withEngineErrors(options, async () => {
    const database = await openReader(options);
    try {
      return await read(database);
    } finally {
      await database.close();
    }
  });
}
