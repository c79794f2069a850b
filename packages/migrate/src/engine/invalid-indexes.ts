// INVALID indexes left by failed CREATE INDEX CONCURRENTLY builds. A re-run with IF NOT EXISTS would keep the
// broken index silently, and one without would fail with "already exists": drop them before retrying.
import type { Database } from "../db/database";
import { quoteIdentifier, quoteLiteral } from "../db/quote";
import type { ConcurrentIndex } from "../sql/analyze";
import type { Logger } from "../types";

/** Qualified names ("schema"."index") of the given indexes that exist and are INVALID. */
export async function findInvalidIndexes(database: Database, indexes: readonly ConcurrentIndex[]): Promise<string[]> {
  if (indexes.length === 0) return [];
  const conditions = indexes.map((index) => {
    const table = index.schema
      ? `${quoteIdentifier(index.schema)}.${quoteIdentifier(index.table)}`
      : quoteIdentifier(index.table);
    return `(c.relname = ${quoteLiteral(index.name)} AND i.indrelid = to_regclass(${quoteLiteral(table)}))`;
  });
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
