// The migrationsLint setting: how `pulumi preview` and `up` lint the migrations an update adds (infra/migrations).
import { describe, expect, it } from "vitest";
import { ConfigError, staticConfigSource } from "../../infra/config";
import { loadStackConfig } from "../../infra/stack-config";
import { project, runStack, single } from "./harness";
import { stackFileConfig } from "./stack-files";

const migrationsType = "pulumi-nodejs:dynamic/pgvector:Migrations";
const azure = { "azure-native:location": "westeurope", deployerInVnet: "true" };

const lintOf = (stack: string, values: Record<string, string>) =>
  loadStackConfig(staticConfigSource(project, stack, values)).migrations.lint;

describe("migrationsLint", () => {
  it("defaults to warn", () => {
    expect(lintOf("dev", azure)).toBe("warn");
  });

  it("accepts off, warn and strict, in any case", () => {
    expect(lintOf("dev", { ...azure, migrationsLint: "off" })).toBe("off");
    expect(lintOf("dev", { ...azure, migrationsLint: "STRICT" })).toBe("strict");
  });

  it("rejects another value, naming the setting and the accepted values", () => {
    let error: unknown;
    try {
      lintOf("dev", { ...azure, migrationsLint: "error" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'pgvector-stack:migrationsLint: "error" is not a lint mode. Accepted values: off, warn or strict.',
    );
  });

  it("is strict on prod and warn on dev (and so on pull-request stacks, which start from dev)", () => {
    expect(lintOf("prod", stackFileConfig("prod"))).toBe("strict");
    expect(lintOf("dev", stackFileConfig("dev"))).toBe("warn");
  });

  it("reaches the Migrations resource as its lint input, with the directory relative to the project", async () => {
    const { registrations } = await runStack("prod", stackFileConfig("prod"));
    const migrations = single(registrations, migrationsType);

    expect(migrations.inputs).toMatchObject({ lint: "strict", directory: "migrations" });
  });
});
