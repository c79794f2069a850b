// The tracking table: one row per applied migration.
import { createHash } from "node:crypto";
import { MigrateError } from "../errors";
import type { AppliedMigration } from "../types";
import type { Database, PgError } from "./database";
import { quoteIdentifier, quoteLiteral } from "./quote";

export interface TrackingTable {
  schema: string;
  table: string;
  /** "schema"."table", quoted for SQL. */
  sql: string;
  /** schema.table, for messages. */
  display: string;
  /** Advisory lock key of the runners sharing this table (a positive 63-bit integer). */
  lockKey: bigint;
}

/** A lower-case PostgreSQL identifier that needs no quoting (at most 63 bytes, PostgreSQL's NAMEDATALEN - 1). */
export const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The tracking table when none is given: the one place that names it. */
export const defaultTrackingTable = "public.schema_migrations";

export function resolveTrackingTable(name = defaultTrackingTable): TrackingTable {
  const parts = name.split(".");
  const [schema, table] = parts.length === 1 ? ["public", parts[0] ?? ""] : parts;
  if (parts.length > 2 || !schema || !table || !identifierPattern.test(schema) || !identifierPattern.test(table)) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid tracking table name "${name}": use table or schema.table, each in lowercase letters, digits and underscores (at most 63 characters), e.g. public.schema_migrations.`,
    );
  }
  const display = `${schema}.${table}`;
  const digest = createHash("sha256").update(`pgvector-migrate:${display}`).digest();
  const lockKey = digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
  return { schema, table, sql: `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`, display, lockKey };
}

const columns = "version, name, checksum, applied_at, duration_ms, applied_by";

interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number;
  applied_by: string;
}

/** The applied migrations in version order; undefined when the table (or its schema) does not exist. */
export async function readTrackingTable(
  database: Database,
  tracking: TrackingTable,
): Promise<AppliedMigration[] | undefined> {
  try {
    const result = await database.query<AppliedRow>(`SELECT ${columns} FROM ${tracking.sql} ORDER BY version`);
    return result.rows.map(toApplied);
  } catch (error) {
    const code = (error as PgError).code;
    if (code === "42P01" || code === "3F000") return undefined;
    if (code === "42703") throw foreignTable(tracking);
    if (code === "42501") {
      throw new MigrateError(
        "MIGRATION_FAILED",
        `Cannot read the tracking table ${tracking.display}: ${(error as PgError).message}. Grant this user SELECT, INSERT and DELETE on it, or use the user that owns it.`,
        { sqlstate: code },
      );
    }
    throw error;
  }
}

/** Creates the table (and its schema) when missing. Call it while holding the migration lock. */
export async function ensureTrackingTable(database: Database, tracking: TrackingTable): Promise<void> {
  const exists = await database.query<{ schema_exists: boolean; table_exists: boolean }>(
    `SELECT to_regnamespace(${quoteLiteral(quoteIdentifier(tracking.schema))}) IS NOT NULL AS schema_exists,
            to_regclass(${quoteLiteral(tracking.sql)}) IS NOT NULL AS table_exists`,
  );
  const row = exists.rows[0];
  if (row?.table_exists) return;
  const statements = [
    ...(row?.schema_exists ? [] : [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(tracking.schema)}`]),
    `CREATE TABLE IF NOT EXISTS ${tracking.sql} (
  version bigint PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL,
  applied_by text NOT NULL
)`,
    `COMMENT ON TABLE ${tracking.sql} IS 'Migrations applied by pgvector-migrate. Do not edit by hand.'`,
  ];
  // One simple query: PostgreSQL runs its statements in one implicit transaction.
  try {
    await database.query(statements.join(";\n"));
  } catch (error) {
    throw new MigrateError(
      "MIGRATION_FAILED",
      `Cannot create the tracking table ${tracking.display}: ${(error as PgError).message}. The user needs CREATE on schema ${tracking.schema}, or create the table once with a privileged user.`,
      { sqlstate: (error as PgError).code },
    );
  }
}

/** INSERT of the tracking row. `durationSql` is a SQL expression of the duration in milliseconds. */
export function insertRowSql(
  tracking: TrackingTable,
  migration: { version: number; name: string; checksum: string },
  durationSql: string,
  appliedBySql: string,
): string {
  return `INSERT INTO ${tracking.sql} (${columns}) VALUES (${migration.version}, ${quoteLiteral(migration.name)}, ${quoteLiteral(migration.checksum)}, clock_timestamp(), ${durationSql}, ${appliedBySql}) RETURNING duration_ms`;
}

export function deleteRowSql(tracking: TrackingTable, version: number): string {
  return `DELETE FROM ${tracking.sql} WHERE version = ${version}`;
}

function toApplied(row: AppliedRow): AppliedMigration {
  return {
    version: Number(row.version),
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at,
    durationMs: row.duration_ms,
    appliedBy: row.applied_by,
  };
}

function foreignTable(tracking: TrackingTable): MigrateError {
  return new MigrateError(
    "INVALID_OPTIONS",
    `The table ${tracking.display} exists but is not a pgvector-migrate tracking table (it lacks the columns ${columns}); it may belong to another migration tool. Choose another tracking table name.`,
  );
}
