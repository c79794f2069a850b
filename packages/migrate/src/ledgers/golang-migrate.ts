// golang-migrate's ledger (golang-migrate/migrate database/postgres/postgres.go, ensureVersionTable, SetVersion and
// Version): `schema_migrations (version bigint not null primary key, dirty boolean not null)` holding one row, the
// version migrated to, so every migration up to it is applied. `dirty` means the migration to that version failed
// part way: golang-migrate refuses to run until someone fixes the database and runs `migrate force`.
import { ledgerRows, relationName, type ToolLedger } from "./ledger";

export const golangMigrateLedger: ToolLedger = {
  tool: "golang-migrate",
  table: "schema_migrations",
  async read(database, set) {
    const rows = await ledgerRows<{ version: string; dirty: boolean }>(
      database,
      this,
      "SELECT version::text AS version, dirty FROM schema_migrations",
    );
    if (rows === undefined) return undefined;
    const table = await relationName(database, "schema_migrations");
    const [row, ...others] = rows;
    if (!row) return { table, applied: [], problems: [] };
    if (others.length > 0) {
      return {
        table,
        applied: [],
        problems: [
          `${table}: golang-migrate keeps one row there, but it holds ${rows.length} (versions ${rows.map((other) => other.version).join(", ")}): keep the row of the version the database is at`,
        ],
      };
    }
    const version = Number(row.version);
    if (row.dirty) {
      return {
        table,
        applied: [],
        problems: [
          `${table}: golang-migrate marks version ${row.version} as dirty: the migration to it failed part way. Finish or undo it by hand, then mark the version the database is really at with \`migrate force ${row.version}\` (or the version before it), and import again`,
        ],
      };
    }
    const known = set.migrations.some((migration) => migration.version === version);
    return {
      table,
      applied: set.migrations.filter((migration) => migration.version <= version),
      problems: known
        ? []
        : [
            `${table}: the database is at version ${row.version}, but no file of the folder has that version: restore the file, or set the version with \`migrate force <version>\``,
          ],
    };
  },
};
