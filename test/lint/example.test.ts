import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMigrations } from "../../packages/migrate/src/files/load";
import { lintErrors, lintMigrations } from "../../packages/migrate/src/lint";

/**
 * What the default rules say about the example migrations in migrations/. Each entry is a reviewed finding:
 * - 0002 creates chunks with a foreign key to documents, which locks documents (SHARE ROW EXCLUSIVE) while the
 *   constraint is added; on a busy production table that lock should be bounded by a lock_timeout.
 * - 0004 creates a function; squawk asks for a lock_timeout before any DDL.
 * Both go away with `-- migrate:set lock_timeout = '5s'` in the file's header; until then strict mode (prod) would
 * refuse them.
 */
const expectedFindings: unknown[] = [];

describe("the example migrations", () => {
  it("have only the reviewed findings, and nothing squawk cannot parse", async () => {
    const set = loadMigrations(resolve(__dirname, "../../migrations"));
    const findings = await lintMigrations(set.migrations);
    expect(findings.map(({ displayPath, line, rule }) => ({ displayPath, line, rule }))).toEqual(expectedFindings);
    expect(lintErrors(findings)).toEqual([]);
  });
});
