// The CLI's lazy engine (packages/migrate/src/cli/load-engine.ts): every name the engine's index exports resolves to
// the same value through loadEngine(), and `plan` and `up` load only the modules they use.
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../support/process";

const dist = resolve(__dirname, "../../packages/migrate/dist");

/** In a new process: reads `names` through loadEngine(), then reports which of the engine's modules were loaded. */
async function loadInProcess(names: readonly string[] | "all") {
  const script = `
    const { loadEngine } = require(${JSON.stringify(`${dist}/cli/load-engine.js`)});
    const engine = loadEngine();
    const wanted = ${JSON.stringify(names)};
    const names = wanted === "all" ? Object.keys(require(${JSON.stringify(`${dist}/index.js`)})) : wanted;
    const index = wanted === "all" ? require(${JSON.stringify(`${dist}/index.js`)}) : undefined;
    const mismatched = names.filter((name) => index !== undefined && engine[name] !== index[name]);
    const missing = names.filter((name) => engine[name] === undefined);
    const loaded = Object.keys(require.cache)
      .filter((file) => file.startsWith(${JSON.stringify(`${dist}/`)}))
      .map((file) => file.slice(${dist.length + 1}));
    process.stdout.write(JSON.stringify({ count: names.length, mismatched, missing, loaded }));`;
  const result = await runProcess(process.execPath, ["-e", script]);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as { count: number; mismatched: string[]; missing: string[]; loaded: string[] };
}

describe("loadEngine", () => {
  it("resolves every name the engine exports to the index's own value", async () => {
    const { count, mismatched, missing } = await loadInProcess("all");
    expect(count).toBeGreaterThan(20);
    expect(mismatched).toEqual([]);
    expect(missing).toEqual([]);
  });

  it("loads neither the linter nor the whole index for plan", async () => {
    const { loaded, missing } = await loadInProcess(["loadMigrations", "plan"]);
    expect(missing).toEqual([]);
    expect(loaded).toContain("engine/plan.js");
    expect(loaded).not.toContain("index.js");
    expect(loaded).not.toContain("engine/up.js");
    expect(loaded.filter((file) => file.startsWith("lint/"))).toEqual([]);
  });

  it("loads neither the linter nor the whole index for up", async () => {
    const { loaded, missing } = await loadInProcess(["loadMigrations", "plan", "up"]);
    expect(missing).toEqual([]);
    expect(loaded).toContain("engine/up.js");
    expect(loaded).not.toContain("index.js");
    expect(loaded.filter((file) => file.startsWith("lint/"))).toEqual([]);
  });

  it("loads the whole index for a name only it exports", async () => {
    const { loaded, missing } = await loadInProcess(["lintMigrations"]);
    expect(missing).toEqual([]);
    expect(loaded).toContain("index.js");
  });
});
