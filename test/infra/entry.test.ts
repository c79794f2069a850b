// The program as the Pulumi CLI loads it (working directory, ts-node, type checking), without the CLI.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectDirectory, stackFileConfig } from "./stack-files";

const run = promisify(execFile);

describe("Pulumi.yaml main: infra/", () => {
  it("type-checks and runs infra/main.ts (package.json main) from infra/, with paths resolved from the project directory", async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(__dirname, "pulumi-entry.cjs"), projectDirectory, "dev", JSON.stringify(stackFileConfig("dev"))],
      { timeout: 170_000 },
    );
    const result = JSON.parse(stdout) as {
      cwd: string;
      outputs: string[];
      types: string[];
      migrationsDirectory: string;
      migrationIds: string[];
    };
    expect(result.cwd).toBe(path.join(projectDirectory, "infra"));
    expect(result.outputs).toEqual(expect.arrayContaining(["host", "adminConnectionString", "appConnectionString"]));
    expect(result.types).toEqual(
      expect.arrayContaining(["azure-native:dbforpostgresql:Server", "postgresql:index/extension:Extension"]),
    );
    // The migrations folder next to Pulumi.yaml (paths are relative to the project directory), not
    // infra/migrations, the provider's code, next to the program.
    expect(result.migrationsDirectory).toBe("migrations");
    const upFiles = readdirSync(path.join(projectDirectory, "migrations")).filter(
      (file) => !file.endsWith(".down.sql"),
    );
    expect(result.migrationIds).toEqual(upFiles.map((file) => file.replace(/\.sql$/, "")));
    expect(result.migrationIds.length).toBeGreaterThan(0);
  }, 180_000);
});
