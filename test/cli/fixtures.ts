import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { createNativeDatabase, type NativeDatabase } from "../support";

/** A temporary project directory with a `migrations/` folder holding `files` (name -> SQL). */
export function migrationsProject(files: Readonly<Record<string, string>>): {
  root: string;
  dir: string;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), "pgvm-cli-"));
  const dir = join(root, "migrations");
  mkdirSync(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return { root, dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export const basicMigrations = {
  "0001_create_documents.sql": "CREATE TABLE documents (id bigint PRIMARY KEY, title text NOT NULL);\n",
  "0001_create_documents.down.sql": "DROP TABLE documents;\n",
  "0002_add_body.sql": "ALTER TABLE documents ADD COLUMN body text;\n",
  "0002_add_body.down.sql": "ALTER TABLE documents DROP COLUMN body;\n",
} as const;

/**
 * Per-test resources that are removed after each test, newest first: call once at the top of a test file.
 * `freshDatabase` creates a database on the native server; `project` a temporary migrations project.
 */
export function perTestResources(databasePrefix: string) {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    defer(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
    async freshDatabase(): Promise<NativeDatabase> {
      const database = await createNativeDatabase(databasePrefix);
      cleanups.push(() => database.drop());
      return database;
    },
    project(files: Readonly<Record<string, string>>) {
      const created = migrationsProject(files);
      cleanups.push(created.remove);
      return created;
    },
  };
}
