import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsProvider } from "../../infra/migrations";
import { repoRoot } from "../support";
import { loadCompiledProvider, serializeAsTheSdkDoes } from "./support/serialized-provider";

// Every state file carries this text, and deletes run the version stored with the resource: it must stay small
// and load the engine from the project instead of inlining it.
// The provider is a shell that loads its bodies from pgvector-migrate (about 2 kB; 29 kB when they were inlined).
const sizeBound = 4_000;

const compiledDir = join(repoRoot, ".test-data", `provider-serialization-${process.pid}`);

describe.each([
  ["as vitest loads it", () => migrationsProvider],
  ["compiled to CommonJS as `pulumi up` runs it", () => loadCompiledProvider(compiledDir)],
])("the serialized provider, %s", (_label, loadProvider) => {
  it("serializes with the SDK's own function, small and with no secret", async () => {
    const { text, containsSecrets } = await serializeAsTheSdkDoes(loadProvider());

    expect(containsSecrets).toBe(false);
    expect(text.length).toBeLessThan(sizeBound);
    expect(text).toMatch(/exports\.handler = /);
  });

  it("loads the engine by package name instead of inlining it or @pulumi/pulumi", async () => {
    const { text } = await serializeAsTheSdkDoes(loadProvider());

    expect(text).toContain('require("pgvector-migrate")');
    expect(text).not.toMatch(/function loadMigrations\b|function migrationInputMap\b|class MigrateError\b/);
    expect(text).not.toMatch(/@pulumi\/pulumi|class OutputImpl|serializeFunction/);
  });
});

afterAll(async () => {
  const { rmSync } = await import("node:fs");
  rmSync(compiledDir, { recursive: true, force: true });
});
