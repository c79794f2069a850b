// The published packages' manifests against their sources, without packing anything (test/package/consumer.test.ts
// installs and uses the packed packages).
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support";
import { publishedPackages, readManifest } from "./support/consumer-project";

/** The packages (not node builtins, not relative files) that the TypeScript files under `folders` import. */
function importedPackages(folders: readonly string[], except: readonly string[] = []): string[] {
  const names = new Set<string>();
  for (const folder of folders) {
    const files = (readdirSync(join(repoRoot, folder), { recursive: true }) as string[]).filter(
      (file) => file.endsWith(".ts") && !except.includes(join(folder, file)),
    );
    for (const file of files) {
      const text = readFileSync(join(repoRoot, folder, file), "utf8");
      for (const [, specifier = ""] of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*)"([^".][^"]*)"/g)) {
        if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
        const parts = specifier.split("/");
        names.add((specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/"));
      }
    }
  }
  return [...names].sort();
}

const root = readManifest(repoRoot);
const rootVersions: Record<string, string | undefined> = {
  ...(root as { devDependencies?: Record<string, string> }).devDependencies,
  ...root.dependencies,
};

describe("pulumi-pgvector's package.json", () => {
  const manifest = readManifest(publishedPackages.components);
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };

  it("declares exactly the packages the components import (infra/ but the program infra/main.ts)", () => {
    expect(Object.keys(declared).sort()).toEqual(importedPackages(["infra"], ["infra/main.ts"]));
  });

  it("asks for the versions this repository installs and tests, and the engine of the same release", () => {
    const engine = readManifest(publishedPackages.engine);
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      const expected = name === engine.name ? engine.version : rootVersions[name];
      expect({ name, version }).toEqual({ name, version: expected });
    }
    // A peer, so the program's own SDK (the one running it) registers the components' resources.
    expect(manifest.peerDependencies).toEqual({ "@pulumi/pulumi": `^${rootVersions["@pulumi/pulumi"]}` });
  });
});

describe("pgvector-migrate's package.json", () => {
  it("declares every package the engine imports", () => {
    const manifest = readManifest(publishedPackages.engine);
    const missing = importedPackages(["packages/migrate/src"]).filter((name) => !manifest.dependencies?.[name]);
    expect(missing).toEqual([]);
  });
});
