// Prisma Migrate's ledger (prisma-engines schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs,
// create_migrations_table): `_prisma_migrations (id, checksum VARCHAR(64), finished_at, migration_name,
// logs, rolled_back_at, started_at, applied_steps_count)` in the schema of the connection (default public). A
// migration is applied when a row of its folder name has finished_at set and rolled_back_at unset; a row with
// neither is a failed migration that `prisma migrate resolve` must settle first.
import { readFileSync } from "node:fs";
import { sha256Hex } from "../sha256";
import { prismaChecksumMatches } from "./checksums";
import { checksumProblem, ledgerRows, relationName, type ToolLedger } from "./ledger";

interface PrismaRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
}

export const prismaLedger: ToolLedger = {
  tool: "Prisma",
  table: "_prisma_migrations",
  async read(database, set) {
    const rows = await ledgerRows<PrismaRow>(
      database,
      this,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations ORDER BY started_at, migration_name`,
    );
    if (rows === undefined) return undefined;
    const table = await relationName(database, "_prisma_migrations");
    const byName = new Map(set.migrations.map((migration) => [migration.id, migration]));
    const applied = new Map<string, (typeof set.migrations)[number]>();
    const problems: string[] = [];
    for (const row of rows) {
      if (row.rolled_back) continue;
      if (!row.finished) {
        problems.push(
          `${table}: ${row.migration_name} started but did not finish (a failed migration): fix the database, then settle it with \`prisma migrate resolve --applied ${row.migration_name}\` or \`--rolled-back ${row.migration_name}\`, and import again`,
        );
        continue;
      }
      const migration = byName.get(row.migration_name);
      if (!migration) {
        problems.push(
          `${table}: ${row.migration_name} is recorded as applied, but the folder has no ${row.migration_name}/migration.sql: restore it`,
        );
        continue;
      }
      if (!prismaChecksumMatches(migration.up.path, row.checksum)) {
        problems.push(checksumProblem(migration, this.tool, row.checksum, sha256Hex(readFileSync(migration.up.path))));
      }
      applied.set(migration.id, migration);
    }
    return { table, applied: [...applied.values()].sort((a, b) => a.version - b.version), problems };
  },
};
