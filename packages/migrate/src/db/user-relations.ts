// Whether a database already holds the application's objects: tables and views that no extension owns.
import type { Database } from "./database";
import { quoteLiteral } from "./quote";
import { legacyDefaultTrackingTable, type TrackingTable } from "./tracking-table";

/** How many relations an error names at most. */
const listedRelations = 10;

/** System schemas, never the application's. */
const systemSchemaSql =
  "n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%' OR n.nspname LIKE 'pg\\_temp\\_%'";

/**
 * Tables, views, materialized views and foreign tables outside the system schemas and the tracking table's schema
 * that are not members of an extension (pg_depend deptype 'e'): schema.name, sorted, at most `listedRelations`,
 * and their total count.
 */
export async function findUserRelations(
  database: Database,
  tracking: TrackingTable,
): Promise<{ names: string[]; total: number }> {
  const result = await database.query<{ name: string; total: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, count(*) OVER () AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND NOT (${systemSchemaSql})
        AND n.nspname <> ${quoteLiteral(tracking.schema)}
        AND n.nspname || '.' || c.relname <> ${quoteLiteral(legacyDefaultTrackingTable)}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1 LIMIT ${listedRelations}`,
  );
  return { names: result.rows.map((row) => row.name), total: Number(result.rows[0]?.total ?? 0) };
}
