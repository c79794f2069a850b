// Colours only on a terminal: NO_COLOR and FORCE_COLOR, and what the built CLI prints through a pipe.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { colourEnabled, paintLabel } from "../../packages/migrate/src/cli/colour";
import { cliBin, runCli } from "../support";

const terminal = { isTTY: true };
const pipe = {};
const escapeCode = "\u001b[";

describe("when to colour", () => {
  it.each([
    { stream: terminal, env: {}, expected: true },
    { stream: pipe, env: {}, expected: false },
    { stream: terminal, env: { NO_COLOR: "1" }, expected: false },
    // no-color.org: an empty NO_COLOR does not count.
    { stream: terminal, env: { NO_COLOR: "" }, expected: true },
    { stream: terminal, env: { TERM: "dumb" }, expected: false },
    { stream: pipe, env: { FORCE_COLOR: "1" }, expected: true },
    { stream: pipe, env: { FORCE_COLOR: "" }, expected: true },
    { stream: terminal, env: { FORCE_COLOR: "0" }, expected: false },
    { stream: terminal, env: { FORCE_COLOR: "false" }, expected: false },
    { stream: pipe, env: { FORCE_COLOR: "1", NO_COLOR: "1" }, expected: true },
  ])("$env on a terminal: $stream.isTTY -> $expected", ({ stream, env, expected }) => {
    expect(colourEnabled(stream, env)).toBe(expected);
  });

  it("colours the label only", () => {
    expect(paintLabel("error [CONNECTION_FAILED]: no")).toBe("\u001b[1;31merror [CONNECTION_FAILED]:\u001b[0m no");
    expect(paintLabel("warning: lint skipped")).toBe("\u001b[1;33mwarning:\u001b[0m lint skipped");
    expect(paintLabel("Applied 0001_x (3 ms)")).toBe("Applied 0001_x (3 ms)");
  });
});

describe("the CLI's output", () => {
  it("has no escape codes through a pipe, on stderr or stdout, text or JSON", async () => {
    for (const args of [["pln"], ["up", "--json"], ["up", "--dir", "/no/such/dir"]]) {
      const result = await runCli(args, { env: { FORCE_COLOR: undefined, NO_COLOR: undefined } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).not.toContain(escapeCode);
      expect(result.stdout).not.toContain(escapeCode);
    }
  });

  it("colours the error label with FORCE_COLOR, but never the JSON document", async () => {
    const text = await runCli(["pln"], { env: { FORCE_COLOR: "1" } });
    expect(text.stderr).toContain("\u001b[1;31merror:\u001b[0m unknown command 'pln'");
    const json = await runCli(["pln", "--json"], { env: { FORCE_COLOR: "1" } });
    expect(json.stdout).not.toContain(escapeCode);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "USAGE" } });
  });
});

describe("on a real terminal", () => {
  // util-linux `script` runs the command on a pseudo-terminal (as on the Linux machines and runners the suite runs on).
  function onTerminal(env: NodeJS.ProcessEnv): string {
    const command = `'${process.execPath}' '${cliBin}' pln`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env });
    expect(result.error, "util-linux `script` is needed for this test").toBeUndefined();
    return result.stdout;
  }
  const base = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: "xterm" };

  it("colours the error label, and NO_COLOR turns it off", () => {
    expect(onTerminal(base)).toContain("\u001b[1;31merror:\u001b[0m unknown command 'pln'");
    const plain = onTerminal({ ...base, NO_COLOR: "1" });
    expect(plain).toContain("error: unknown command 'pln' (did you mean plan?)");
    expect(plain).not.toContain(escapeCode);
  });
});
