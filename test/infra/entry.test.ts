// The program as the Pulumi CLI loads it (working directory, ts-node, type checking), without the CLI.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectDirectory, stackFileConfig } from "./stack-files";

const run = promisify(execFile);

describe("Pulumi.yaml main: infra/", () => {
  it("type-checks and runs infra/index.ts from infra/, with paths resolved from the project directory", async () => {
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
    };
    expect(result.cwd).toBe(path.join(projectDirectory, "infra"));
    expect(result.outputs).toEqual(expect.arrayContaining(["host", "adminConnectionString", "appConnectionString"]));
    expect(result.types).toEqual(
      expect.arrayContaining(["azure-native:dbforpostgresql:Server", "postgresql:index/extension:Extension"]),
    );
    // The migrations folder next to Pulumi.yaml, not infra/migrations (the provider's code).
    expect(result.migrationsDirectory).toBe("../migrations");
  }, 180_000);
});
