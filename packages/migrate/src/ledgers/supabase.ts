// The Supabase CLI's ledger (supabase/cli pkg/migration/history.go): `supabase_migrations.schema_migrations
// (version text NOT NULL PRIMARY KEY, statements text[], name text)`, one row per applied file, keyed by the
// file name's version; `supabase db push` applies the files whose version has no row (pkg/migration/apply.go,
// FindPendingMigrations). It holds no checksum. The statements written here are those of this engine's parser,
// without the final semicolon as the CLI's SplitAndTrim (pkg/parser/token.go) stores them; its splitter also keeps
// the comments before a statement, which the CLI only shows back (it never compares them).
import { quoteLiteral } from "../db/quote";
import type { MigrationFile } from "../types";
import { ledgerRows, type WritableLedger } from "./ledger";

const table = "supabase_migrations.schema_migrations";

export const supabaseLedger: WritableLedger = {
  tool: "the Supabase CLI",
  table,
  async read(database, set) {
    const rows = await ledgerRows<{ version: string }>(database, this, `SELECT version FROM ${table} ORDER BY version`);
    if (rows === undefined) return undefined;
    const byVersion = new Map(set.migrations.map((migration) => [migration.versionText, migration]));
    const problems = rows
      .filter((row) => !byVersion.has(row.version))
      .map(
        (row) =>
          `${table}: version ${row.version} is recorded as applied, but no file of the folder has that version: restore the file (supabase migration fetch), or mark it reverted with \`supabase migration repair --status reverted ${row.version}\``,
      );
    return {
      table,
      applied: rows.flatMap((row) => byVersion.get(row.version) ?? []),
      problems,
    };
  },
  // The CLI's own statements (history.go CreateMigrationTable), so a ledger made here is the one it makes.
  ensureSql: [
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    `CREATE TABLE IF NOT EXISTS ${table} (version text NOT NULL PRIMARY KEY)`,
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS statements text[]`,
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS name text`,
  ],
  recordSql: (migration: MigrationFile, statements: readonly string[]) =>
    `INSERT INTO ${table} (version, name, statements) VALUES (${quoteLiteral(migration.versionText)}, ${quoteLiteral(migration.name)}, ${statements.length === 0 ? "'{}'::text[]" : `ARRAY[${statements.map(quoteLiteral).join(", ")}]`})`,
};
