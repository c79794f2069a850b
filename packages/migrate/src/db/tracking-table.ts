// The tracking table: one row per applied migration.
import { createHash } from "node:crypto";
import { MigrateError } from "../errors";
import type { AppliedMigration } from "../types";
import { type Database, lastResult, type PgError } from "./database";
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
/** The session's own temporary schema (pg_temp, pg_temp_N) and its TOAST schema. */
const temporarySchemaPattern = /^pg_(toast_)?temp(_\d+)?$/;

/**
 * The tracking table unless one is named: in a schema of its own, where an application role granted DML on the
 * tables of `public` cannot rewrite the migration history.
 */
export const defaultTrackingTable = "pgvector_migrate.schema_migrations";
/** The default before the tracking table had a schema of its own (see legacy-tracking-table.ts). */
export const legacyDefaultTrackingTable = "public.schema_migrations";

export function resolveTrackingTable(name = defaultTrackingTable): TrackingTable {
  const parts = name.split(".");
  const [schema, table] = parts.length === 1 ? ["public", parts[0] ?? ""] : parts;
  if (parts.length > 2 || !schema || !table || !identifierPattern.test(schema) || !identifierPattern.test(table)) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid tracking table name "${name}": use table or schema.table, each in lowercase letters, digits and underscores (at most 63 characters), e.g. public.schema_migrations.`,
    );
  }
  if (temporarySchemaPattern.test(schema)) {
    throw new MigrateError(
      "INVALID_OPTIONS",
      `Invalid tracking table name "${name}": ${schema} is a temporary schema, whose tables vanish when the session ends, so every run would apply all migrations again. Use a permanent schema, e.g. public.schema_migrations.`,
    );
  }
  const display = `${schema}.${table}`;
  const digest = createHash("sha256").update(`pgvector-migrate:${display}`).digest();
  const lockKey = digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
  return { schema, table, sql: `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`, display, lockKey };
}

/** The comment ensureTrackingTable puts on the table: it marks the tracking tables of other runners too. */
export const trackingTableComment = "Migrations applied by pgvector-migrate. Do not edit by hand.";

/** The tracking table's columns: name, definition, and the type as format_type() prints it. */
const trackingColumns = [
  { name: "version", definition: "bigint PRIMARY KEY", type: "bigint" },
  { name: "name", definition: "text NOT NULL", type: "text" },
  { name: "checksum", definition: "text NOT NULL", type: "text" },
  { name: "applied_at", definition: "timestamptz NOT NULL DEFAULT now()", type: "timestamp with time zone" },
  { name: "duration_ms", definition: "integer NOT NULL", type: "integer" },
  { name: "applied_by", definition: "text NOT NULL", type: "text" },
] as const;

const columns = trackingColumns.map((column) => column.name).join(", ");
const expectedShape = trackingColumns
  .map((column) => `${column.name} ${column.type}`)
  .sort()
  .join(", ");

const relationKinds: Readonly<Record<string, string>> = {
  v: "a view",
  m: "a materialized view",
  f: "a foreign table",
  p: "a partitioned table",
  S: "a sequence",
  i: "an index",
  I: "a partitioned index",
  c: "a composite type",
  t: "a TOAST table",
};

/**
 * SQL expression (one line): NULL when the relation is a plain table with exactly the tracking table's columns,
 * otherwise what it is ("relkind v", or its columns as "name type, ..." sorted by name).
 */
function shapeProblemSql(tracking: TrackingTable): string {
  const shape = `CASE WHEN c.relkind <> 'r' THEN 'relkind ' || c.relkind::text ELSE (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) END`;
  return `(SELECT NULLIF(${shape}, ${quoteLiteral(expectedShape)}) FROM pg_class c WHERE c.oid = to_regclass(${quoteLiteral(tracking.sql)}))`;
}

/**
 * The rows as one JSON array of [version, name, checksum, applied_at, duration_ms, applied_by] arrays, in version
 * order: the driver decodes 1000 rows field by field in about 10 ms, JSON.parse reads them in one. The version is
 * text (a bigint); applied_at is JSON's ISO 8601 text, which Date parses (to the millisecond, as the driver's
 * parser). Only to_json of each column: a table of another shape still reads, and its shape is reported.
 */
const appliedRowsJson = `coalesce(json_agg(json_build_array(version::text, name, checksum, applied_at, duration_ms, applied_by) ORDER BY version), '[]')`;

type AppliedRow = [
  version: string,
  name: string,
  checksum: string,
  appliedAt: string,
  durationMs: number,
  appliedBy: string,
];

/** The applied migrations in version order; undefined when the table (or its schema) does not exist. */
export async function readTrackingTable(
  database: Database,
  tracking: TrackingTable,
): Promise<AppliedMigration[] | undefined> {
  try {
    // Naming every column fails (42703) on a table without one of them. The shape is checked once the table has
    // rows: an empty table of another shape is left to the checks that create or write it.
    const result = await database.query<{ rows: string; shape_problem: string | null }>(
      `SELECT ${appliedRowsJson}::text AS rows, ${shapeProblemSql(tracking)} AS shape_problem FROM ${tracking.sql}`,
    );
    const row = result.rows[0];
    const applied = (JSON.parse(row?.rows ?? "[]") as AppliedRow[]).map(toApplied);
    if (row?.shape_problem && applied.length > 0) throw foreignTable(tracking, row.shape_problem);
    return applied;
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

/** Whether the tracking table's schema and the table itself exist. */
export interface TrackingTableState {
  readonly schema_exists: boolean;
  readonly table_exists: boolean;
}

/** The state of a tracking table that was read (or moved into place). */
export const trackingTableExists: TrackingTableState = { schema_exists: true, table_exists: true };

/** Whether the schema and the table exist; throws when a relation of that name is not a tracking table. */
export async function trackingTableState(
  database: Database,
  tracking: TrackingTable,
): Promise<TrackingTableState | undefined> {
  const exists = await database.query<{ schema_exists: boolean; table_exists: boolean; shape_problem: string | null }>(
    `SELECT to_regnamespace(${quoteLiteral(quoteIdentifier(tracking.schema))}) IS NOT NULL AS schema_exists,
            to_regclass(${quoteLiteral(tracking.sql)}) IS NOT NULL AS table_exists,
            ${shapeProblemSql(tracking)} AS shape_problem`,
  );
  const row = exists.rows[0];
  if (row?.shape_problem) throw foreignTable(tracking, row.shape_problem);
  return row;
}

/**
 * Creates the table (and its schema) when missing. Call it while holding the migration lock. `known`: what a
 * look under that lock found (readTracking's state), which spares looking again.
 */
export async function ensureTrackingTable(
  database: Database,
  tracking: TrackingTable,
  known?: TrackingTableState,
): Promise<void> {
  const row = known ?? (await trackingTableState(database, tracking));
  if (row?.table_exists) return;
  const statements = [
    // Without waiting for the WAL flush: losing an empty tracking table in a crash is harmless (the next run makes
    // it again), and the run's final synchronous commit (up's or baseline's) makes it durable with the rest.
    "SELECT set_config('synchronous_commit', 'off', true)",
    ...(row?.schema_exists ? [] : [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(tracking.schema)}`]),
    `CREATE TABLE IF NOT EXISTS ${tracking.sql} (\n${trackingColumns.map((column) => `  ${column.name} ${column.definition}`).join(",\n")}\n)`,
    `COMMENT ON TABLE ${tracking.sql} IS ${quoteLiteral(trackingTableComment)}`,
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

/**
 * INSERT of the tracking row. `durationSql` is a SQL expression of the duration in milliseconds. It returns what
 * was stored (duration_ms, applied_at as JSON's ISO 8601 text, as readTrackingTable reads it, applied_by), which
 * `storedRow` reads: `up` knows the table's final state without reading it again.
 */
export function insertRowSql(
  tracking: TrackingTable,
  migration: { version: number; name: string; checksum: string },
  durationSql: string,
  appliedBySql: string,
): string {
  return `INSERT INTO ${tracking.sql} (${columns}) VALUES (${migration.version}, ${quoteLiteral(migration.name)}, ${quoteLiteral(migration.checksum)}, clock_timestamp(), ${durationSql}, ${appliedBySql}) RETURNING duration_ms, to_json(applied_at) #>> '{}' AS applied_at, applied_by`;
}

/**
 * A statement that fails (division by zero) unless the tracking row of `version` is there: run first in a
 * migration's transaction, it keeps a migration sent before the one before it was answered from running after that
 * one failed at its COMMIT (see engine/pipelined-files.ts). Not constant, so the planner cannot fold it beforehand.
 */
export function committedGuardSql(tracking: TrackingTable, version: number): string {
  return `SELECT 1 / (SELECT count(*)::integer FROM ${tracking.sql} WHERE version = ${version}) AS committed_before`;
}

/** What insertRowSql stored beyond the migration's own fields. */
export type StoredRow = Pick<AppliedMigration, "durationMs" | "appliedAt" | "appliedBy">;

/** insertRowSql's RETURNING row from the text fields of a simple query's last row; undefined if it is not one. */
export function storedRow(fields: readonly (string | null)[] | undefined): StoredRow | undefined {
  if (fields?.length !== 3) return undefined;
  const [duration, appliedAt, appliedBy] = fields;
  // In the order of readTrackingTable's rows, so that a row built from it prints the same.
  const row = { appliedAt: new Date(appliedAt ?? ""), durationMs: Number(duration), appliedBy: appliedBy ?? "" };
  return duration !== null &&
    Number.isInteger(row.durationMs) &&
    !Number.isNaN(row.appliedAt.getTime()) &&
    appliedBy !== null
    ? row
    : undefined;
}

/** insertRowSql's RETURNING row from a query's result (the last statement's, for several statements). */
export function storedRowOfResult(result: Parameters<typeof lastResult>[0]): StoredRow | undefined {
  const row = lastResult(result)?.rows[0];
  return row ? storedRow(Object.values(row).map((value) => (value === null ? null : String(value)))) : undefined;
}

export function deleteRowSql(tracking: TrackingTable, version: number): string {
  return `DELETE FROM ${tracking.sql} WHERE version = ${version}`;
}

function toApplied([version, name, checksum, appliedAt, durationMs, appliedBy]: AppliedRow): AppliedMigration {
  return { version: Number(version), name, checksum, appliedAt: new Date(appliedAt), durationMs, appliedBy };
}

/** `shape`: "relkind v", or the columns found ("name type, ..."); undefined when a tracking column is missing. */
function foreignTable(tracking: TrackingTable, shape?: string): MigrateError {
  const kind = shape?.startsWith("relkind ") ? shape.slice("relkind ".length) : undefined;
  const found =
    kind !== undefined
      ? `it is ${relationKinds[kind] ?? `a relation of kind "${kind}"`}, not a table`
      : shape !== undefined
        ? `its columns are (${shape}) where a tracking table has exactly (${expectedShape})`
        : `it lacks some of the columns ${columns}`;
  return new MigrateError(
    "INVALID_OPTIONS",
    `The table ${tracking.display} exists but is not a pgvector-migrate tracking table: ${found}; it may belong to another migration tool. Choose another tracking table name (the trackingTable option, or --tracking-table), or move that relation out of the way.`,
    { trackingTable: tracking.display },
  );
}
