// Throw-away Pulumi projects under .test-data/: node resolution from there reaches the project's node_modules, so the
// dynamic-provider host finds @pulumi/pulumi and the built pgvector-migrate as in a real project.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../support";

/** A project laid out like this one: Pulumi.yaml with `main: infra/`, and the migrations next to it. */
export interface TestProject {
  /** The project directory, where Pulumi.yaml is. */
  dir: string;
  /** `<dir>/infra`: the program directory, where the CLI runs the program and starts the provider host. */
  programDir: string;
  /** `<dir>/migrations` */
  migrationsDir: string;
  /** Writes `migrations/<fileName>`. */
  write(fileName: string, sql: string): void;
  remove(fileName: string): void;
  cleanup(): void;
}

export function createTestProject(prefix: string, files: Readonly<Record<string, string>> = {}): TestProject {
  const dir = join(repoRoot, ".test-data", `${prefix}-${randomBytes(4).toString("hex")}`);
  const programDir = join(dir, "infra");
  const migrationsDir = join(dir, "migrations");
  mkdirSync(migrationsDir, { recursive: true });
  mkdirSync(programDir, { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${prefix}\nruntime: nodejs\nmain: infra/\n`);
  const project: TestProject = {
    dir,
    programDir,
    migrationsDir,
    write: (fileName, sql) => writeFileSync(join(migrationsDir, fileName), sql),
    remove: (fileName) => unlinkSync(join(migrationsDir, fileName)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [fileName, sql] of Object.entries(files)) project.write(fileName, sql);
  return project;
}
