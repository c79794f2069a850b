import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// The built CLI (as npm run lint:migrations runs it), in-process: its engine is loaded with require at run time.
import { main } from "../../packages/migrate/dist/cli/main";

const createDocuments = `-- migrate:set lock_timeout = '5s'
CREATE TABLE documents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);
CREATE INDEX documents_title_idx ON documents (title);
`;
const indexExistingTable = `-- migrate:set lock_timeout = '5s'
CREATE INDEX documents_lower_title_idx ON documents (lower(title));
`;

let root: string;
let migrations: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lint-main-"));
  migrations = join(root, "migrations");
  mkdirSync(migrations);
  writeFileSync(join(migrations, "0001_documents.sql"), createDocuments);
  writeFileSync(join(migrations, "0002_lower_title.sql"), indexExistingTable);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["lint", ...argv], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe("pgvector-migrate lint", () => {
  it("prints one line per finding and a count, and passes when there are only warnings", async () => {
    const result = await run("--dir", migrations);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "migrations/0002_lower_title.sql:2:1: warning require-concurrent-index-creation: During normal index creation",
    );
    expect(result.stdout).not.toContain("0001_documents.sql:");
    expect(result.stdout).toContain("Migration lint: 1 warning in 2 file(s) (every migration in");
  });

  it("fails in strict mode", async () => {
    const result = await run("--dir", migrations, "--strict");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("migrations/0002_lower_title.sql:2:1: error require-concurrent-index-creation");
  });

  it("adds --exclude to the default exclusions", async () => {
    const result = await run("--dir", migrations, "--strict", "--exclude", "require-concurrent-index-creation");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Migration lint: no findings in 2 file(s)");
  });

  it("with --cluster, fails on a vector table the migrations never distribute, annotated as the project's rule", async () => {
    writeFileSync(
      join(migrations, "0003_chunks.sql"),
      "-- migrate:set lock_timeout = '5s'\nCREATE TABLE chunks (id bigint PRIMARY KEY, embedding vector(3));\n",
    );
    expect((await run("--dir", migrations)).code).toBe(0);
    const result = await run("--dir", migrations, "--cluster", "--github");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "::error file=migrations/0003_chunks.sql,line=2,col=1,endLine=2,endColumn=64,title=pgvector-migrate citus-undistributed-vector-table::Table public.chunks has a vector column",
    );
    writeFileSync(join(migrations, "0004_distribute.sql"), "SELECT create_distributed_table('chunks', 'id');\n");
    expect((await run("--dir", migrations, "--cluster")).code).toBe(0);
  });

  it("prints GitHub annotations", async () => {
    const result = await run("--dir", migrations, "--github");
    expect(result.stdout).toContain(
      "::warning file=migrations/0002_lower_title.sql,line=2,col=1,endLine=2,endColumn=67,title=squawk require-concurrent-index-creation::During normal index creation",
    );
  });

  it("prints one JSON document", async () => {
    const result = await run("--dir", migrations, "--json", "--strict");
    const document = JSON.parse(result.stdout) as {
      command: string;
      ok: boolean;
      checkedFiles: string[];
      findings: { rule: string }[];
    };
    expect(document.command).toBe("lint");
    expect(document.ok).toBe(false);
    expect(document.checkedFiles).toEqual(["migrations/0001_documents.sql", "migrations/0002_lower_title.sql"]);
    expect(document.findings.map((finding) => finding.rule)).toEqual(["require-concurrent-index-creation"]);
  });

  it("appends a Markdown summary for the GitHub job summary", async () => {
    const summary = join(root, "summary.md");
    writeFileSync(summary, "# Earlier step\n");
    await run("--dir", migrations, "--summary", summary);
    const text = readFileSync(summary, "utf8");
    expect(text.startsWith("# Earlier step\n### Migration lint (squawk)")).toBe(true);
    expect(text).toContain(
      "| warning | `migrations/0002_lower_title.sql:2:1` | [require-concurrent-index-creation](https://squawkhq.com/docs/require-concurrent-index-creation) |",
    );
    expect(text).toContain("-- squawk-ignore <rule>");
  });

  describe("--changed-since", () => {
    function git(...args: string[]) {
      execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
        cwd: root,
        stdio: "pipe",
      });
    }

    beforeEach(() => {
      git("init", "--quiet", "--initial-branch=main");
      git("add", "migrations/0001_documents.sql");
      git("commit", "--quiet", "-m", "base");
      git("tag", "base");
      git("add", "migrations/0002_lower_title.sql");
      git("commit", "--quiet", "-m", "pull request");
    });

    it("checks only migrations added since the merge base, committed or not", async () => {
      writeFileSync(join(migrations, "0003_untracked.sql"), "-- migrate:set lock_timeout = '5s'\nSELECT 1;\n");
      const result = await run("--dir", migrations, "--changed-since", "base", "--json");
      const document = JSON.parse(result.stdout) as { checkedFiles: string[] };
      expect(document.checkedFiles).toEqual(["migrations/0002_lower_title.sql", "migrations/0003_untracked.sql"]);
    });

    it("checks nothing when no migration changed", async () => {
      const summary = join(root, "summary.md");
      const result = await run("--dir", migrations, "--changed-since", "HEAD", "--strict", "--summary", summary);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        "Migration lint: no findings in 0 file(s) (migrations added or changed since HEAD)",
      );
      expect(readFileSync(summary, "utf8")).toContain("No migration files to check.");
    });

    it("explains an unknown ref", async () => {
      const result = await run("--dir", migrations, "--changed-since", "origin/nope");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('cannot list the migrations changed since "origin/nope"');
      expect(result.stderr).toContain("fetch-depth: 0");
    });
  });

  it("reports invalid migration files with exit code 1", async () => {
    writeFileSync(join(migrations, "0002_duplicate.sql"), "SELECT 1;\n");
    const result = await run("--dir", migrations);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("migrations/0002_duplicate.sql");
  });

  it("rejects unknown options and values with exit code 2, pointing at the right option", async () => {
    const unknown = await run("--dir", migrations, "--fix");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--fix'");
    expect(unknown.stderr).toContain("(run with --help for usage)");
    const format = await run("--format", "xml");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("Allowed choices are auto, native, drizzle");
    // The output format of the former lint-migrations is an option of its own, as in every command.
    const github = await run("--dir", migrations, "--format", "github");
    expect(github.code).toBe(2);
    expect(github.stderr).toContain("use --github for workflow annotations");
    const both = await run("--dir", migrations, "--github", "--json");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--github and --json are two outputs: choose one");
  });

  it("takes --exclude and --include several times, each a comma-separated list", async () => {
    const result = await run(
      "--dir",
      migrations,
      "--strict",
      "--exclude",
      "prefer-robust-stmts,require-concurrent-index-creation",
      "--exclude",
      "ban-drop-column",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Migration lint: no findings in 2 file(s)");
  });

  it("rejects a rule squawk does not know with exit code 2", async () => {
    const result = await run("--dir", migrations, "--include", "no-such-rule");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("includedRules");
  });

  it("runs as a process from the built package, as npm run lint:migrations does", () => {
    const bin = resolve(__dirname, "../../packages/migrate/bin/pgvector-migrate.js");
    expect(existsSync(resolve(__dirname, "../../packages/migrate/dist/cli/main.js")), "run `npm run build` first").toBe(
      true,
    );
    const result = spawnSync(process.execPath, [bin, "lint", "--dir", migrations, "--strict"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("migrations/0002_lower_title.sql:2:1: error require-concurrent-index-creation");
  });
});
