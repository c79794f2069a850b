// drizzle-kit's ledger, as drizzle-orm's migrator keeps it (drizzle-orm/src/pg-core/dialect.ts, PgDialect.migrate):
// `drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`, one row per
// migration with the SHA-256 of its file and its journal entry's `when`. The migrator reads only the row with the
// largest created_at and applies every journal entry whose `when` is larger, so every entry up to that row counts
// as applied. (drizzle.config's `migrations.schema` / `migrations.table` can move it; the defaults are read here.)
import { quoteLiteral } from "../db/quote";
import type { MigrationFile } from "../types";
import { drizzleHash } from "./checksums";
import { checksumProblem, ledgerRows, type WritableLedger } from "./ledger";

const table = '"drizzle"."__drizzle_migrations"';

export const drizzleLedger: WritableLedger = {
  tool: "drizzle-kit",
  table: "drizzle.__drizzle_migrations",
  async read(database, set) {
    const rows = await ledgerRows<{ hash: string; created_at: string | null }>(
      database,
      this,
      `SELECT hash, created_at::text AS created_at FROM ${table} ORDER BY id`,
    );
    if (rows === undefined) return undefined;
    const problems: string[] = [];
    const byWhen = new Map(set.migrations.map((migration) => [migration.version, migration]));
    let newest = 0;
    for (const row of rows) {
      const when = row.created_at === null ? undefined : Number(row.created_at);
      const migration = when === undefined ? undefined : byWhen.get(when);
      if (when === undefined || !migration) {
        problems.push(
          `${this.table}: the row with hash ${row.hash} has created_at ${row.created_at ?? "NULL"}, which is the "when" of no entry of meta/_journal.json: restore the migration it records, or delete the row if it was never applied`,
        );
        continue;
      }
      newest = Math.max(newest, when);
      const hash = drizzleHash(migration.up.path);
      if (row.hash !== hash) problems.push(checksumProblem(migration, this.tool, row.hash, hash));
    }
    return {
      table: this.table,
      applied: set.migrations.filter((migration) => migration.version <= newest),
      problems,
    };
  },
  ensureSql: [
    'CREATE SCHEMA IF NOT EXISTS "drizzle"',
    `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  ],
  recordSql: (migration: MigrationFile) =>
    `INSERT INTO ${table} ("hash", "created_at") VALUES (${quoteLiteral(drizzleHash(migration.up.path))}, ${migration.version})`,
};
