// What the engine needs to know of another migration tool's ledger: where it is, how to read which migrations it
// records as applied, and (for the tools this engine keeps working beside) how to record one more in it.
import type pg from "pg";
import type { Database, PgError } from "../db/database";
import { MigrateError } from "../errors";
import type { MigrationFile, MigrationSet } from "../types";

/** What a tool's ledger says: the folder's migrations it records as applied, and what stops an import. */
export interface LedgerReading {
  /** The ledger's table as the database names it, for messages: "drizzle.__drizzle_migrations". */
  table: string;
  applied: MigrationFile[];
  /** "<file or ledger row>: what is wrong and what to do", e.g. a checksum that differs from the file's. */
  problems: string[];
}

export interface ToolLedger {
  /** The tool, as messages name it: "drizzle-kit". */
  tool: string;
  /** Where the tool keeps its ledger by default, for messages: "drizzle.__drizzle_migrations". */
  table: string;
  /** Undefined when the ledger (its table or schema) does not exist. */
  read(database: Database, set: MigrationSet): Promise<LedgerReading | undefined>;
}

/** A ledger this engine can also write to, so the tool sees what this engine applied as applied. */
export interface WritableLedger extends ToolLedger {
  /** Statements that create the ledger as the tool does when it is missing (idempotent). */
  ensureSql: readonly string[];
  /**
   * The statement that records `migration` (its parsed statements given), run in the transaction of the migration
   * and its tracking row. Neither tool has down files, so nothing is ever removed.
   */
  recordSql(migration: MigrationFile, statements: readonly string[]): string;
}

/**
 * The rows of a ledger query; undefined when its table or schema does not exist. A table of that name without the
 * tool's columns (another tool's table of the same name) is an error naming it.
 */
export async function ledgerRows<Row extends pg.QueryResultRow>(
  database: Database,
  ledger: Pick<ToolLedger, "tool" | "table">,
  sql: string,
): Promise<Row[] | undefined> {
  try {
    return (await database.query<Row>(sql)).rows;
  } catch (error) {
    const cause = error as PgError;
    if (cause.code === "42P01" || cause.code === "3F000") return undefined;
    if (cause.code === "42703") {
      throw new MigrateError(
        "INVALID_TARGET",
        `${ledger.table} exists but is not ${ledger.tool}'s ledger (${cause.message}); nothing was recorded. It may belong to another tool: check the folder's format (format / --format).`,
      );
    }
    throw error;
  }
}

/** schema.table of an existing relation found through the search path, for messages. */
export async function relationName(database: Database, name: string): Promise<string> {
  const result = await database.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [name],
  );
  return result.rows[0]?.name ?? name;
}

/** "<file>: <tool> recorded checksum X, but the file's is Y": a mismatch with the file as it is now. */
export function checksumProblem(
  migration: MigrationFile,
  tool: string,
  recorded: string | number,
  file: string | number,
): string {
  return `${migration.up.displayPath}: ${tool} recorded it as applied with checksum ${recorded}, but the file's is ${file}: the file changed after ${tool} applied it; restore the applied content (e.g. from version control), then import again`;
}
