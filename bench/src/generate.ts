// Generated migrations for the benchmark: each creates a table, an index and inserts rows.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const rowsPerMigration = 100;

export function migrationSql(index: number): string {
  const table = `bench_item_${String(index).padStart(4, "0")}`;
  return [
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, name text NOT NULL, score double precision NOT NULL);`,
    `CREATE INDEX ${table}_name_idx ON ${table} (name);`,
    `INSERT INTO ${table} (id, name, score) SELECT g, 'item ' || g, g * 0.5 FROM generate_series(1, ${rowsPerMigration}) AS g;`,
    "",
  ].join("\n");
}

/** Writes NNNN_bench_item_NNNN.sql files into `directory` and the same SQL as one script; returns the script path. */
export function writeMigrations(directory: string, count: number): string {
  mkdirSync(directory, { recursive: true });
  const script: string[] = [];
  for (let index = 1; index <= count; index++) {
    const sql = migrationSql(index);
    writeFileSync(join(directory, `${String(index).padStart(4, "0")}_bench_item_${index}.sql`), sql);
    script.push(sql);
  }
  const scriptPath = `${directory}.all.sql`;
  writeFileSync(scriptPath, script.join("\n"));
  return scriptPath;
}
