import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importCycles } from "../support/import-cycles";
import { projectDirectory } from "./stack-files";

describe("imports in infra/", () => {
  it("form no cycle, type-only or not", () => {
    expect(importCycles(path.join(projectDirectory, "infra"))).toEqual([]);
  });
});

describe("importCycles", () => {
  const root = mkdtempSync(path.join(tmpdir(), "import-cycles-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds a cycle through a type-only import and a re-export of a folder's index", () => {
    mkdirSync(path.join(root, "config"));
    writeFileSync(path.join(root, "config", "index.ts"), 'export { load } from "./load";\n');
    writeFileSync(
      path.join(root, "config", "load.ts"),
      'import type { Platform } from "../platform";\nexport const load = 1;\n',
    );
    writeFileSync(
      path.join(root, "platform.ts"),
      'import { load } from "./config";\nexport type Platform = typeof load;\n',
    );
    writeFileSync(path.join(root, "leaf.ts"), 'import { load } from "./config/load";\nexport const leaf = load;\n');
    expect(importCycles(root)).toEqual([["config/index.ts", "config/load.ts", "platform.ts", "config/index.ts"]]);
  });
});
