// "Did you mean" for mistyped commands, options and values: the built bin, as a user runs it.
import { describe, expect, it } from "vitest";
import { editDistance, similarNames } from "../../packages/migrate/src/cli/suggest";
import { runCli } from "../support";

describe("edit distance", () => {
  it.each([
    ["plan", "plan", 0],
    ["pln", "plan", 1],
    ["stauts", "status", 1], // one swap of neighbours
    ["baselin", "baseline", 1],
    ["dwon", "down", 1],
    ["xyz", "status", 6],
  ])("%s -> %s: %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it("keeps every candidate at the best distance, and none that shares too little", () => {
    expect(similarNames("dow", ["down", "new", "up"])).toEqual(["down"]);
    expect(similarNames("nw", ["new", "now"])).toEqual(["new", "now"]);
    expect(similarNames("migrate", ["plan", "status", "up", "down", "baseline", "new"])).toEqual([]);
  });
});

describe("did you mean", () => {
  it.each([
    { args: ["pln"], message: "unknown command 'pln' (did you mean plan?)" },
    { args: ["stauts"], message: "unknown command 'stauts' (did you mean status?)" },
    { args: ["help", "baselin"], message: "unknown command 'baselin' (did you mean baseline?)" },
    { args: ["lnt"], message: "unknown command 'lnt' (did you mean lint?)" },
    { args: ["up", "--dri", "x"], message: "unknown option '--dri' (did you mean --dir?)" },
    { args: ["up", "-dir", "x"], message: "unknown option '-dir' (did you mean --dir?)" },
    { args: ["up", "--dry-rn"], message: "unknown option '--dry-rn' (did you mean --dry-run?)" },
    { args: ["plan", "--no-lnt"], message: "unknown option '--no-lnt' (did you mean --no-lint?)" },
    { args: ["down", "--to", "1", "--yse"], message: "unknown option '--yse' (did you mean --yes?)" },
    { args: ["lint", "--strct"], message: "unknown option '--strct' (did you mean --strict?)" },
    { args: ["status", "--no-rety"], message: "unknown option '--no-rety' (did you mean --no-retry?)" },
    { args: ["--hepl"], message: "unknown option '--hepl' (did you mean --help?)" },
    {
      args: ["up", "--to", "3"],
      message: "unknown option '--to' ('up' has no --to: it is an option of baseline and down)",
    },
    {
      args: ["--dir", "x", "up"],
      message: "unknown option '--dir' (options go after the command: pgvector-migrate <command> --dir ...)",
    },
    {
      args: ["up", "--format", "drizle"],
      message:
        "Allowed choices are auto, native, drizzle, supabase, dbmate, golang-migrate, flyway, prisma. Did you mean drizzle?",
    },
  ])("$args", async ({ args, message }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });

  it("says nothing when no name is close", async () => {
    const result = await runCli(["up", "--no-such-option"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--no-such-option'\n");
  });

  it("puts the suggestion in the JSON error too", async () => {
    const result = await runCli(["plan", "--jsn", "--json"]);
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(document.error).toEqual({ code: "USAGE", message: "unknown option '--jsn' (did you mean --json?)" });
  });
});
