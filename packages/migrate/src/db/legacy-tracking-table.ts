// Databases migrated before the tracking table had a schema of its own record their migrations in
// public.schema_migrations, where the application role may write. With the default tracking table, the engine
// reads such a table while the default one does not exist, and `up` and `down` move it there, under the migration
// lock, with ALTER TABLE ... SET SCHEMA (the rows, the primary key and the owner go with it).
import { MigrateError } from "../errors";
import type { AppliedMigration, Logger } from "../types";
import { acquireLock, releaseLock } from "./advisory-lock";
import type { Database, PgError } from "./database";
import { quoteIdentifier, quoteLiteral } from "./quote";
import {
  defaultTrackingTable,
  legacyDefaultTrackingTable,
  readTrackingTable,
  resolveTrackingTable,
  type TrackingTable,
  type TrackingTableState,
  trackingTableExists,
} from "./tracking-table";

const trackingColumns = ["version", "name", "checksum", "applied_at", "duration_ms", "applied_by"];

/** The legacy table that could be in use instead of `tracking`: only the default tracking table has one. */
function legacyCandidate(tracking: TrackingTable): TrackingTable | undefined {
  return tracking.display === defaultTrackingTable ? resolveTrackingTable(legacyDefaultTrackingTable) : undefined;
}

/**
 * After the tracking table was not found: whether its schema exists, and the legacy table when `tracking` is the
 * default, still does not exist, and the legacy one is a tracking table. One query for both.
 */
async function lookAround(
  database: Database,
  tracking: TrackingTable,
): Promise<{ state: TrackingTableState; legacy?: TrackingTable }> {
  const legacy = legacyCandidate(tracking);
  const legacyColumns = legacy
    ? `(SELECT count(*)::int FROM pg_attribute
         WHERE attrelid = to_regclass(${quoteLiteral(legacy.sql)}) AND NOT attisdropped
           AND attname = ANY (ARRAY[${trackingColumns.map(quoteLiteral).join(", ")}]))`
    : "0";
  const result = await database.query<{ current: boolean; schema_exists: boolean; columns: number }>(
    `SELECT to_regclass(${quoteLiteral(tracking.sql)}) IS NOT NULL AS current,
            to_regnamespace(${quoteLiteral(quoteIdentifier(tracking.schema))}) IS NOT NULL AS schema_exists,
            ${legacyColumns} AS columns`,
  );
  const row = result.rows[0];
  const state = { schema_exists: row?.schema_exists ?? false, table_exists: row?.current ?? false };
  return !state.table_exists && legacy && row?.columns === trackingColumns.length ? { state, legacy } : { state };
}

/** What a run found of the tracking table: its rows, and which table they came from. */
export interface TrackingRead {
  /** The applied migrations in version order; undefined when neither table exists. */
  applied: AppliedMigration[] | undefined;
  /** The tracking table itself exists (its rows were read). */
  exists: boolean;
  /** Whether the tracking table and its schema exist, as found by this read. */
  state: TrackingTableState;
  /** The legacy table that was read instead, while the tracking table does not exist. */
  legacy?: TrackingTable;
}

/** The tracking table's rows, or the legacy table's while the default one does not exist (no lock, no writes). */
export async function readTracking(database: Database, tracking: TrackingTable): Promise<TrackingRead> {
  const applied = await readTrackingTable(database, tracking);
  if (applied !== undefined) return { applied, exists: true, state: trackingTableExists };
  const { state, legacy } = await lookAround(database, tracking);
  return legacy
    ? { applied: await readTrackingTable(database, legacy), exists: false, state, legacy }
    : { applied, exists: false, state };
}

/** readTrackingTable, reading the legacy table while the default one does not exist (no lock, no writes). */
export async function readTrackingTableOrLegacy(
  database: Database,
  tracking: TrackingTable,
): Promise<AppliedMigration[] | undefined> {
  return (await readTracking(database, tracking)).applied;
}

/**
 * Moves the legacy table into the default table's schema. Call it holding the migration lock of `tracking`; it
 * also takes the legacy table's lock, which runners of older versions take, while the table moves.
 * `read`: what readTracking found under that lock, which spares looking again.
 */
export async function adoptLegacyTrackingTable(
  database: Database,
  tracking: TrackingTable,
  lockTimeoutMs: number,
  logger: Logger,
  read?: TrackingRead,
): Promise<void> {
  const legacy = read ? read.legacy : legacyCandidate(tracking) && (await lookAround(database, tracking)).legacy;
  if (!legacy) return;
  await acquireLock(database, legacy, lockTimeoutMs, logger);
  try {
    const schema = quoteIdentifier(tracking.schema);
    await database.query(`CREATE SCHEMA IF NOT EXISTS ${schema};\nALTER TABLE ${legacy.sql} SET SCHEMA ${schema}`);
  } catch (error) {
    throw new MigrateError(
      "MIGRATION_FAILED",
      `Cannot move the tracking table ${legacy.display} to ${tracking.display}: ${(error as PgError).message}. The user must own ${legacy.display} and be allowed to create schemas; or keep it where it is by naming it as the tracking table (trackingTable "${legacyDefaultTrackingTable}").`,
      { sqlstate: (error as PgError).code },
    );
  } finally {
    if (!database.lostError) await releaseLock(database, legacy).catch(() => undefined);
  }
  logger.info(
    `Moved the tracking table ${legacy.display} to ${tracking.display}, out of the application's schema; runners of older pgvector-migrate versions no longer find it.`,
  );
}
