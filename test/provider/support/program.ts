// Throw-away Pulumi program directories under .test-data/: node resolution from there reaches the project's
// node_modules, so the dynamic-provider host finds @pulumi/pulumi and the built pgvector-migrate as in a real program.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../support";

export interface ProgramDir {
  dir: string;
  /** `<dir>/migrations` */
  migrationsDir: string;
  /** Writes `migrations/<fileName>`. */
  write(fileName: string, sql: string): void;
  remove(fileName: string): void;
  cleanup(): void;
}

export function createProgramDir(prefix: string, files: Readonly<Record<string, string>> = {}): ProgramDir {
  const dir = join(repoRoot, ".test-data", `${prefix}-${randomBytes(4).toString("hex")}`);
  const migrationsDir = join(dir, "migrations");
  mkdirSync(migrationsDir, { recursive: true });
  const program: ProgramDir = {
    dir,
    migrationsDir,
    write: (fileName, sql) => writeFileSync(join(migrationsDir, fileName), sql),
    remove: (fileName) => unlinkSync(join(migrationsDir, fileName)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [fileName, sql] of Object.entries(files)) program.write(fileName, sql);
  return program;
}
