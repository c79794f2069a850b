// Whether a database already holds the application's objects: tables and views that no extension owns.
import type { Platform } from "../types";
import type { Database } from "./database";
import { quoteLiteral } from "./quote";
import {
  defaultTrackingTable,
  legacyDefaultTrackingTable,
  resolveTrackingTable,
  type TrackingTable,
  type TrackingTableState,
  trackingTableComment,
  trackingTableState,
} from "./tracking-table";

/** How many relations an error names at most. */
const listedRelations = 10;

/** System schemas, never the application's. */
const systemSchemaSql =
  "n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%' OR n.nspname LIKE 'pg\\_temp\\_%'";

/**
 * Schemas a managed platform creates in every database for its own services, whose tables are not extension members:
 * a new Supabase project has tables in auth, storage, realtime and the others before any migration ran. The list is
 * what Supabase's own tooling treats as managed (`supabase db dump` leaves out auth, storage and the schemas of
 * extensions).
 */
const platformSchemas: Readonly<Record<Platform, readonly string[]>> = {
  generic: [],
  azure: [],
  neon: [],
  supabase: [
    "_analytics",
    "_realtime",
    "_supavisor",
    "auth",
    "cron",
    "extensions",
    "graphql",
    "graphql_public",
    "net",
    "pgbouncer",
    "pgmq",
    "pgsodium",
    "pgsodium_masks",
    "realtime",
    "storage",
    "supabase_functions",
    "supabase_migrations",
    "vault",
  ],
};

/**
 * Schemas that hold only tracking tables: the default one's, and the tracking table's own unless that is `public`,
 * where the application's tables live too (there only the tracking table itself is left out).
 */
function engineSchemas(tracking: TrackingTable): string[] {
  const own = resolveTrackingTable(defaultTrackingTable).schema;
  return tracking.schema === "public" ? [own] : [own, tracking.schema];
}

/**
 * Tables, views, materialized views and foreign tables outside the system schemas and `engineSchemas`
 * that are neither tracking tables (of other tracking table names, marked by their comment) nor members of an extension (pg_depend deptype 'e'): schema.name, sorted, at most `listedRelations`,
 * and their total count. `known`: the tracking table's state found under the migration lock. Where the tracking table exists, only those older than it (a smaller OID: PostgreSQL
 * hands them out in order): the newer ones were made by the migrations of a run whose first migration failed part
 * way (a no-transaction file leaves its earlier statements applied), which the next run must be able to retry.
 */
export async function findUserRelations(
  database: Database,
  tracking: TrackingTable,
  platform: Platform = "generic",
  known?: TrackingTableState,
): Promise<{ names: string[]; total: number }> {
  // A relation of the tracking table's name that is not one is the first thing to report; `known` to be absent,
  // there is none.
  if (known?.table_exists !== false) await trackingTableState(database, tracking);
  const result = await database.query<{ name: string; total: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, count(*) OVER () AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND NOT (${systemSchemaSql})
        AND n.nspname NOT IN (${[...engineSchemas(tracking), ...platformSchemas[platform]].map(quoteLiteral).join(", ")})
        AND n.nspname || '.' || c.relname NOT IN (${quoteLiteral(tracking.display)}, ${quoteLiteral(legacyDefaultTrackingTable)})
        AND (to_regclass(${quoteLiteral(tracking.sql)}) IS NULL OR c.oid < to_regclass(${quoteLiteral(tracking.sql)})::oid)
        AND obj_description(c.oid, 'pg_class') IS DISTINCT FROM ${quoteLiteral(trackingTableComment)}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1 LIMIT ${listedRelations}`,
  );
  return { names: result.rows.map((row) => row.name), total: Number(result.rows[0]?.total ?? 0) };
}
