// dbmate's ledger (amacneil/dbmate pkg/driver/postgres/postgres.go, CreateMigrationsTable and SelectMigrations):
// `schema_migrations (version varchar(255) primary key)` in the first schema of the search path, one row per applied
// file, keyed by the version digits of its name. It holds no checksum.
import { ledgerRows, relationName, type ToolLedger } from "./ledger";

export const dbmateLedger: ToolLedger = {
  tool: "dbmate",
  table: "schema_migrations",
  async read(database, set) {
    const rows = await ledgerRows<{ version: string }>(
      database,
      this,
      "SELECT version::text AS version FROM schema_migrations ORDER BY version",
    );
    if (rows === undefined) return undefined;
    const table = await relationName(database, "schema_migrations");
    const byVersion = new Map(set.migrations.map((migration) => [migration.versionText, migration]));
    const problems = rows
      .filter((row) => !byVersion.has(row.version))
      .map(
        (row) =>
          `${table}: version ${row.version} is recorded as applied, but no file of the folder has that version: restore the file, or delete the row if the migration is gone from the database too`,
      );
    return { table, applied: rows.flatMap((row) => byVersion.get(row.version) ?? []), problems };
  },
};
