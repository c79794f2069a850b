// `npm run migrate -- <args>` runs the same CLI from the repository root.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support";

describe("npm run migrate", () => {
  it("passes its arguments to pgvector-migrate", () => {
    const result = spawnSync("npm", ["run", "--silent", "migrate", "--", "plan", "--help"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: pgvector-migrate plan [options]");
  });
});
