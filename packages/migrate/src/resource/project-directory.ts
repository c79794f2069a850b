// Where the migrations folder is: the stack configuration and the Migrations resource take it relative to the Pulumi
// project directory (where Pulumi.yaml is), the state stores it so, and the provider finds it again from there. The
// one module that makes it absolute, relative or checks it, for the config loader, the resource and the provider.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { migrationOptions } from "../options/migration-options";

const projectFiles = ["Pulumi.yaml", "Pulumi.yml"];

/**
 * The Pulumi project directory: the nearest directory at or above `start` that holds Pulumi.yaml. Both the program
 * (at registration) and the dynamic-provider host (wherever the CLI starts it inside the project) find the same one.
 */
export function findProjectDirectory(start: string): string {
  let directory = path.resolve(start);
  for (;;) {
    if (projectFiles.some((name) => existsSync(path.join(directory, name)))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error(
        `Migrations: no Pulumi.yaml in ${path.resolve(start)} or any directory above it. The migrations directory is ` +
          "stored relative to the Pulumi project directory (where Pulumi.yaml is): run Pulumi inside the project.",
      );
    }
    directory = parent;
  }
}

/** The directory as the state stores it: relative to the project directory, with forward slashes, the same on every machine. */
export function storedMigrationsDirectory(directory: string, projectDir: string): string {
  if (directory.trim() === "") {
    throw new Error(
      `Migrations: \`directory\` is empty; set it to the migrations folder, e.g. "${migrationOptions.directory.default}".`,
    );
  }
  const relative = path.relative(projectDir, path.resolve(projectDir, directory));
  if (path.isAbsolute(relative)) {
    throw new Error(
      `Migrations: directory ${directory} is on another drive than the project directory ${projectDir}; ` +
        "move the migrations into the project.",
    );
  }
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

/**
 * The absolute folder of a project-relative directory. `projectDir` defaults to the one found from the working
 * directory, which the Pulumi CLI sets to the program directory (`main`) or the project directory.
 */
export function migrationsFolder(directory: string, projectDir: string = findProjectDirectory(process.cwd())): string {
  return path.resolve(projectDir, directory);
}

/** Why the configured folder cannot be used, checked before the program registers anything; undefined when it can. */
export function migrationsFolderProblem(directory: string, projectDir: string): string | undefined {
  const absolute = migrationsFolder(directory, projectDir);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) return undefined;
  return (
    `${JSON.stringify(directory)} is not a folder (looked for ${absolute}). Set it to the folder of the SQL migrations, ` +
    `relative to the project directory (default ${migrationOptions.directory.default}), or create the first migration ` +
    "there with `pgvector-migrate new <name> --dir <folder>`."
  );
}
