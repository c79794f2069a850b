// `import`: record as applied what the folder's own tool recorded in its ledger, without running anything.
import type { Database } from "../db/database";
import { adoptLegacyTrackingTable } from "../db/legacy-tracking-table";
import { quoteLiteral } from "../db/quote";
import { ensureTrackingTable, readTrackingTable } from "../db/tracking-table";
import { MigrateError, problemsError } from "../errors";
import { ledgerOf } from "../ledgers";
import type { ToolLedger } from "../ledgers/ledger";
import type { EngineOptions, ImportResult, MigrationSet } from "../types";
import { type ResolvedOptions, resolveOptions } from "./options";
import { recordWithoutRunning } from "./record-applied";
import { underMigrationLock, withEngineErrors } from "./session";

/**
 * Reads the ledger of the tool the folder belongs to (drizzle-kit, Supabase CLI, dbmate, golang-migrate, Flyway,
 * Prisma) and records every migration it holds as applied in the tracking table, with this engine's checksum and
 * marked as imported, under the migration lock of `up`. Nothing is recorded when anything is wrong: a checksum the
 * tool recorded that differs from the file's, a ledger row without its file, a failed (dirty) migration, or a
 * migration recorded here already with another checksum.
 */
export async function importLedger(set: MigrationSet, engineOptions: EngineOptions): Promise<ImportResult> {
  const options = resolveOptions(engineOptions);
  const ledger = ledgerOf(set, "import");
  return withEngineErrors(options, () =>
    underMigrationLock(options, (database) => recordImported(database, set, ledger, options, true)),
  );
}

/**
 * The import itself; call it holding the migration lock. `required`: a missing ledger is an error (the `import`
 * command) rather than nothing to import (`up` with importToolLedger on a database the tool never migrated).
 */
export async function recordImported(
  database: Database,
  set: MigrationSet,
  ledger: ToolLedger,
  options: ResolvedOptions,
  required: boolean,
): Promise<ImportResult> {
  const { tracking, logger } = options;
  await adoptLegacyTrackingTable(database, tracking, options.lockTimeoutMs, logger);
  const reading = await ledger.read(database, set);
  const recorded = new Map(((await readTrackingTable(database, tracking)) ?? []).map((row) => [row.version, row]));
  if (reading === undefined) {
    if (!required) return { tool: ledger.tool, ledger: ledger.table, imported: [], state: [...recorded.values()] };
    throw new MigrateError(
      "INVALID_TARGET",
      `${database.target} has no ${ledger.tool} ledger (${ledger.table}), so there is nothing to import (nothing was recorded). If ${ledger.tool} keeps it elsewhere, move it there; if the schema was built some other way, record the migrations already in the database with \`pgvector-migrate baseline --to <version>\`.`,
    );
  }
  const problems = [...reading.problems];
  for (const migration of reading.applied) {
    const row = recorded.get(migration.version);
    if (row && row.checksum !== migration.up.checksum) {
      problems.push(
        `${migration.up.displayPath} is recorded in ${tracking.display} with checksum ${row.checksum}, but the file's is ${migration.up.checksum}: restore the applied content.`,
      );
    }
  }
  if (problems.length > 0) {
    throw problemsError(
      "PLAN_PROBLEMS",
      `Refusing to import ${ledger.tool}'s ledger ${reading.table} (nothing was recorded):`,
      problems,
    );
  }
  const toRecord = reading.applied.filter((migration) => !recorded.has(migration.version));
  await ensureTrackingTable(database, tracking);
  if (toRecord.length === 0) {
    logger.info(`Nothing to import: every migration ${reading.table} records is recorded in ${tracking.display}`);
    return { tool: ledger.tool, ledger: reading.table, imported: [], state: [...recorded.values()] };
  }
  const importedBy = `current_user || ${quoteLiteral(` (imported from ${ledger.tool})`)}`;
  const imported = await recordWithoutRunning(database, tracking, toRecord, importedBy, options);
  for (const result of imported) logger.info(`Recorded ${result.id} as applied (imported from ${reading.table})`);
  return {
    tool: ledger.tool,
    ledger: reading.table,
    imported,
    state: (await readTrackingTable(database, tracking)) ?? [],
  };
}
