// Flyway's ledger (flyway-core/src/main/resources/org/flywaydb/core/internal/database/postgresql/
// createMetaDataTable.sql): `flyway_schema_history (installed_rank INT, version VARCHAR(50), description, type,
// script, checksum INTEGER, installed_by, installed_on, execution_time, success BOOLEAN)` in the default schema.
// Read in installed_rank order: a successful versioned row ("SQL", "JDBC") applies its version, a "BASELINE" row
// every version up to it, an undo ("UNDO_SQL", ...) or "DELETE" row takes its version back; failed rows and
// repeatable migrations (no version) do not count. The checksum is Flyway's CRC-32 (checksums.ts).
import { flywayVersionKey } from "../files/formats/flyway";
import type { MigrationFile } from "../types";
import { flywayFileChecksum } from "./checksums";
import { checksumProblem, ledgerRows, relationName, type ToolLedger } from "./ledger";

interface HistoryRow {
  version: string | null;
  type: string;
  script: string;
  checksum: number | null;
  success: boolean;
}

function versionKey(version: string): number | undefined {
  const parts = version.split(/[._]/);
  return parts.every((part) => /^\d+$/.test(part)) ? flywayVersionKey(parts.map(Number)) : undefined;
}

export const flywayLedger: ToolLedger = {
  tool: "Flyway",
  table: "flyway_schema_history",
  async read(database, set) {
    const rows = await ledgerRows<HistoryRow>(
      database,
      this,
      "SELECT version, type, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank",
    );
    if (rows === undefined) return undefined;
    const table = await relationName(database, "flyway_schema_history");
    const byKey = new Map(set.migrations.map((migration) => [migration.version, migration]));
    const applied = new Map<number, MigrationFile>();
    const problems: string[] = [];
    for (const row of rows) {
      if (!row.success || row.version === null || row.type === "SCHEMA") continue;
      const key = versionKey(row.version);
      if (row.type === "BASELINE") {
        for (const migration of set.migrations) {
          if (key !== undefined && migration.version <= key) applied.set(migration.version, migration);
        }
        continue;
      }
      const migration = key === undefined ? undefined : byKey.get(key);
      if (row.type.startsWith("UNDO") || row.type === "DELETE") {
        if (key !== undefined) applied.delete(key);
        continue;
      }
      if (!migration || key === undefined) {
        problems.push(
          `${table}: version ${row.version} (${row.script}) is recorded as applied, but no file of the folder has that version: restore the file, or remove the row with \`flyway repair\``,
        );
        continue;
      }
      if (row.checksum !== null) {
        const checksum = flywayFileChecksum(migration.up.path);
        if (checksum !== row.checksum) problems.push(checksumProblem(migration, this.tool, row.checksum, checksum));
      }
      applied.set(key, migration);
    }
    return { table, applied: [...applied.values()].sort((a, b) => a.version - b.version), problems };
  },
};
