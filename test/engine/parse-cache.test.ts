// The parse cache (packages/migrate/src/sql/parse-cache.ts): a text parsed in one process is parsed from disk in
// the next, without the WASM parser; nothing else is ever taken for a parse tree.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runProcess } from "../support/process";

const parserModule = resolve(__dirname, "../../packages/migrate/dist/sql/parser.js");

/**
 * In a new process: whether the texts need the WASM parser, then their statements (loading the parser only if
 * needed), and whether libpg-query was loaded at all. Waits for the cache writes before exiting.
 */
async function parseInProcess(cacheSetting: string, texts: readonly string[]) {
  const script = `
    const parser = require(${JSON.stringify(parserModule)});
    const texts = ${JSON.stringify(texts)};
    (async () => {
      const needed = parser.parserNeeded(texts);
      if (needed) await parser.loadParser();
      const statements = texts.map((text) => parser.parseSql(text).statements.map(({ kind, text, node }) => ({ kind, text, node })));
      const loaded = Object.keys(require.cache).some((file) => file.includes("libpg-query"));
      process.stdout.write(JSON.stringify({ needed, loaded, statements }));
    })();`;
  const result = await runProcess(process.execPath, ["-e", script], {
    env: { ...process.env, PGVECTOR_MIGRATE_PARSE_CACHE: cacheSetting },
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as { needed: boolean; loaded: boolean; statements: unknown[] };
}

const texts = ["CREATE TABLE items (id bigint PRIMARY KEY);\nCREATE INDEX items_id ON items (id);", "SELECT 1"];

describe("parse cache", () => {
  const made: string[] = [];
  const newDirectory = () => {
    const dir = mkdtempSync(join(tmpdir(), "parse-cache-test-"));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("parses a text once: the next process reads the same statements without loading the WASM parser", async () => {
    const dir = newDirectory();
    const first = await parseInProcess(dir, texts);
    expect(first).toMatchObject({ needed: true, loaded: true });
    expect(readdirSync(join(dir, "parse-v1")).filter((name) => name.endsWith(".json"))).toHaveLength(2);

    const second = await parseInProcess(dir, texts);
    expect(second).toMatchObject({ needed: false, loaded: false });
    expect(second.statements).toEqual(first.statements);
    // An edited text is a new key: parsed again.
    expect(await parseInProcess(dir, [`${texts[1]};`])).toMatchObject({ needed: true, loaded: true });
  });

  it("parses again when an entry is damaged", async () => {
    const dir = newDirectory();
    const first = await parseInProcess(dir, [texts[0] as string]);
    const [entry = ""] = readdirSync(join(dir, "parse-v1"));
    writeFileSync(join(dir, "parse-v1", entry), '{"not": "a list"');
    const again = await parseInProcess(dir, [texts[0] as string]);
    expect(again).toMatchObject({ needed: true, loaded: true });
    expect(again.statements).toEqual(first.statements);
  });

  it("uses no directory that other users can write to", async () => {
    const dir = join(newDirectory(), "shared");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    await parseInProcess(dir, texts);
    expect(readdirSync(dir)).toEqual([]);
    expect(await parseInProcess(dir, texts)).toMatchObject({ needed: true, loaded: true });
  });

  it("is off with PGVECTOR_MIGRATE_PARSE_CACHE=off", async () => {
    await parseInProcess("off", texts);
    expect(await parseInProcess("off", texts)).toMatchObject({ needed: true, loaded: true });
  });
});
