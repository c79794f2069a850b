// INVALID indexes left by failed CREATE INDEX CONCURRENTLY builds. A re-run with IF NOT EXISTS would keep the
// broken index silently, and one without would fail with "already exists": drop them before retrying.
//
// Every lookup runs in the migration's session right before or after the statement, so the table name resolves
// as the statement resolves it: through the file's search_path directive, the engine's session settings, or a
// SET search_path earlier in the file.
import type { Database } from "../db/database";
import { quoteIdentifier, quoteLiteral } from "../db/quote";
import type { ConcurrentIndex } from "../sql/analyze";
import type { Logger } from "../types";

/** The table as the statement names it, as a SQL literal for to_regclass. */
function tableLiteral(index: ConcurrentIndex): string {
  const table = index.schema
    ? `${quoteIdentifier(index.schema)}.${quoteIdentifier(index.table)}`
    : quoteIdentifier(index.table);
  return quoteLiteral(table);
}

/** Qualified names ("schema"."index") of the given indexes that exist on their table and are INVALID. */
export async function findInvalidIndexes(database: Database, indexes: readonly ConcurrentIndex[]): Promise<string[]> {
  if (indexes.length === 0) return [];
  const conditions = indexes.map(
    (index) => `(c.relname = ${quoteLiteral(index.name)} AND i.indrelid = to_regclass(${tableLiteral(index)}))`,
  );
  const result = await database.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid AND (${conditions.join(" OR ")})`,
  );
  return result.rows.map((row) => row.name);
}

/** Drops the INVALID leftovers of the given indexes; returns their names. */
export async function dropInvalidIndexes(
  database: Database,
  indexes: readonly ConcurrentIndex[],
  logger: Logger,
): Promise<string[]> {
  const invalid = await findInvalidIndexes(database, indexes);
  for (const name of invalid) {
    logger.warn(
      `Dropping the INVALID index ${name} left by an earlier failed concurrent build, before building it again`,
    );
    // Waits for every transaction older than it: as long as a migration statement may take.
    await database.runStatement(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  }
  return invalid;
}

/**
 * The oid of the index a concurrent build just created or (IF NOT EXISTS) kept: the index of that name in the
 * table's schema, whatever table it is on. Undefined when there is none.
 */
export async function builtIndexOid(database: Database, index: ConcurrentIndex): Promise<string | undefined> {
  const result = await database.query<{ oid: string }>(
    `SELECT c.oid::int8::text AS oid
       FROM pg_class c
       JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relname = ${quoteLiteral(index.name)}
        AND c.relnamespace = (SELECT t.relnamespace FROM pg_class t WHERE t.oid = to_regclass(${tableLiteral(index)}))`,
  );
  return result.rows[0]?.oid;
}

/** SQL expression: the qualified names (text[]) of the indexes among `oids` that are INVALID. */
export function invalidAmongSql(oids: readonly string[]): string {
  const list = oids.map((oid) => `${BigInt(oid)}`).join(", ");
  return `ARRAY(SELECT format('%I.%I', n.nspname, c.relname)
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid AND i.indexrelid::int8 = ANY (ARRAY[${list}]::int8[]))`;
}
