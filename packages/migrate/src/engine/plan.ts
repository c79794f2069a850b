import type { Database } from "../db/database";
import { readTrackingTableOrLegacy } from "../db/legacy-tracking-table";
import { isMigrateError } from "../errors";
import { ledgerOf } from "../ledgers";
import type { ToolLedger } from "../ledgers/ledger";
import type { AppliedMigration, EngineOptions, ExtensionProblem, MigrationSet, Plan } from "../types";
import { checkSqlFiles } from "./check-sql";
import { computePlan } from "./compute-plan";
import { type ResolvedOptions, resolveOptions } from "./options";
import { extensionProblems, preflightOptions } from "./preflight";
import {
  type MigrationSource,
  openReader,
  openWhileLoading,
  resolveOptionsAfterFiles,
  withEngineErrors,
} from "./session";

/**
 * Pending migrations and problems, and what the extension preflight of `up` would find (on the same connection).
 * One query for the applied set (and, with importToolLedger, one for the tool's ledger); with nothing pending and no
 * requiredExtensions, no SQL parsing and no other query. No lock, no writes.
 */
export async function plan(source: MigrationSource<MigrationSet>, engineOptions: EngineOptions): Promise<Plan> {
  const options = await resolveOptionsAfterFiles(source, () => resolveOptions(engineOptions));
  // Refuses a folder whose tool has no ledger here before the connection is used.
  const ledgerFor = (set: MigrationSet) =>
    options.importToolLedger ? ledgerOf(set, "importToolLedger (--import-tool-ledger)") : undefined;
  return withReader(options, source, ledgerFor, async (set, ledger, database) => {
    const applied = (await readTrackingTableOrLegacy(database, options.tracking)) ?? [];
    const computed = ledger
      ? await planWithImport(database, set, applied, ledger, options)
      : computePlan(set, applied, options.allowOutOfOrder);
    if (computed.pending.length === 0 && options.requiredExtensions.length === 0) return computed;
    return { ...computed, extensionProblems: await preflight(database, computed, options) };
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
  return withReader(
    options,
    undefined,
    () => undefined,
    async (_files, _checked, database) => (await readTrackingTableOrLegacy(database, options.tracking)) ?? [],
  );
}

/** Reads on one connection, opened while the files load (see openWhileLoading), and closed after. */
function withReader<S, C, T>(
  options: ResolvedOptions,
  source: MigrationSource<S>,
  check: (files: S) => C,
  read: (files: S, checked: C, database: Database) => Promise<T>,
): Promise<T> {
  return withEngineErrors(options, async () => {
    const { files, checked, database } = await openWhileLoading(source, (signal) => openReader(options, signal), check);
    try {
      return await read(files, checked, database);
    } finally {
      await database.close();
    }
  });
}
