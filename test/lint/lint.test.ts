import { describe, expect, it } from "vitest";
import { MigrateError } from "../../packages/migrate/src/errors";
import { DEFAULT_EXCLUDED_RULES, lintErrors, lintMigrations } from "../../packages/migrate/src/lint";
import type { MigrationFile } from "../../packages/migrate/src/types";
import { sqlFile } from "./helpers";

const indexOnExistingTable = sqlFile(
  "migrations/0002_index_title.sql",
  "-- migrate:set lock_timeout = '5s'\nCREATE INDEX documents_title_idx ON documents (title);\n",
);

describe("lintMigrations against real squawk", () => {
  it("warns about a non-concurrent index on an existing table, with position, help and documentation", async () => {
    const findings = await lintMigrations([indexOnExistingTable]);
    expect(findings).toEqual([
      {
        displayPath: "migrations/0002_index_title.sql",
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 54,
        rule: "require-concurrent-index-creation",
        message: "During normal index creation, table updates are blocked, but reads are still allowed.",
        help: "Use `concurrently` to avoid blocking writes.",
        level: "warning",
        url: "https://squawkhq.com/docs/require-concurrent-index-creation",
      },
    ]);
  });

  it("accepts a plain index on a table created in the same transactional migration", async () => {
    const newTable = sqlFile(
      "migrations/0001_documents.sql",
      [
        "-- migrate:set lock_timeout = '5s'",
        "CREATE TABLE documents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);",
        "CREATE INDEX documents_title_idx ON documents (title);",
        "",
      ].join("\n"),
    );
    expect(await lintMigrations([newTable])).toEqual([]);
  });

  it("accepts a concurrent, re-runnable index build in a no-transaction migration", async () => {
    const concurrent = sqlFile(
      "migrations/0003_hnsw.sql",
      [
        "-- migrate:no-transaction",
        "-- migrate:set lock_timeout = '5s'",
        "-- migrate:set maintenance_work_mem = '2GB'",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_idx ON chunks",
        "  USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);",
        "",
      ].join("\n"),
    );
    expect(await lintMigrations([concurrent])).toEqual([]);
  });

  it("flags a no-transaction statement that cannot be re-run after a partial failure", async () => {
    const fragile = sqlFile(
      "migrations/0003_hnsw.sql",
      "-- migrate:no-transaction\n-- migrate:set lock_timeout = '5s'\nCREATE INDEX CONCURRENTLY chunks_x_idx ON chunks (x);\n",
    );
    const findings = await lintMigrations([fragile]);
    expect(findings.map((finding) => [finding.rule, finding.line])).toEqual([["prefer-robust-stmts", 3]]);
  });

  describe("require-lock-timeout", () => {
    const alter = "ALTER TABLE documents ADD COLUMN summary text;\n";

    it("warns when nothing sets lock_timeout", async () => {
      const findings = await lintMigrations([sqlFile("migrations/0004_summary.sql", alter)]);
      expect(findings.map((finding) => finding.rule)).toEqual(["require-lock-timeout"]);
      expect(findings[0]?.message).toContain("lock_timeout");
    });

    it("is satisfied by a lock_timeout directive, by SET in the SQL, or by the session settings", async () => {
      const directive = sqlFile("migrations/0004_a.sql", `-- migrate:set lock_timeout = '3s'\n${alter}`);
      const inline = sqlFile("migrations/0004_b.sql", `SET lock_timeout = '3s';\n${alter}`);
      const plain = sqlFile("migrations/0004_c.sql", alter);
      expect(await lintMigrations([directive, inline])).toEqual([]);
      expect(await lintMigrations([plain], { sessionSettings: { lock_timeout: "10s" } })).toEqual([]);
    });

    it("is not satisfied by lock_timeout 0, which means no limit", async () => {
      const zero = sqlFile("migrations/0004_a.sql", `-- migrate:set lock_timeout = '0'\n${alter}`);
      const findings = await lintMigrations([zero], { sessionSettings: { lock_timeout: "0ms" } });
      expect(findings.map((finding) => finding.rule)).toEqual(["require-lock-timeout"]);
    });
  });

  it("turns every finding into an error in strict mode", async () => {
    const relaxed = await lintMigrations([indexOnExistingTable]);
    const strict = await lintMigrations([indexOnExistingTable], { strict: true });
    expect(lintErrors(relaxed)).toEqual([]);
    expect(strict.map((finding) => finding.level)).toEqual(["error"]);
    expect(lintErrors(strict)).toHaveLength(1);
  });

  it("reports SQL squawk cannot parse as an error even when not strict", async () => {
    const broken = sqlFile("migrations/0005_broken.sql", "CREATE TABLE t (id bigint;\n");
    const findings = await lintMigrations([broken]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "syntax-error", level: "error", line: 1, column: 26 });
  });

  it("skips the schema-style rules by default and reports them when the exclusions are replaced", async () => {
    const intColumn = sqlFile(
      "migrations/0006_count.sql",
      "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN views int;\n",
    );
    expect(DEFAULT_EXCLUDED_RULES).toContain("prefer-bigint-over-int");
    expect(await lintMigrations([intColumn])).toEqual([]);
    const all = await lintMigrations([intColumn], { excludedRules: [] });
    expect(all.map((finding) => finding.rule)).toEqual(["require-statement-timeout", "prefer-bigint-over-int"]);
  });

  it("turns on opt-in rules given in includedRules", async () => {
    const unqualified = sqlFile(
      "migrations/0007_t.sql",
      "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN note text;\n",
    );
    const findings = await lintMigrations([unqualified], { includedRules: ["require-table-schema"] });
    expect(findings.map((finding) => finding.rule)).toEqual(["require-table-schema"]);
  });

  it("passes the PostgreSQL version to version-dependent rules", async () => {
    const withDefault = sqlFile(
      "migrations/0008_flag.sql",
      "-- migrate:set lock_timeout = '5s'\nALTER TABLE documents ADD COLUMN flag boolean DEFAULT false;\n",
    );
    expect(await lintMigrations([withDefault], { pgVersion: 17 })).toEqual([]);
    const old = await lintMigrations([withDefault], { pgVersion: "10.4" });
    expect(old.map((finding) => finding.rule)).toEqual(["adding-field-with-default"]);
  });

  it("honours squawk-ignore comments in the file", async () => {
    const accepted = sqlFile(
      "migrations/0009_small_table.sql",
      [
        "-- migrate:set lock_timeout = '5s'",
        "-- squawk-ignore require-concurrent-index-creation",
        "CREATE INDEX tags_name_idx ON tags (name);",
        "",
      ].join("\n"),
    );
    expect(await lintMigrations([accepted])).toEqual([]);
  });

  it("counts columns in characters and ignores CRLF line endings", async () => {
    const unicode = sqlFile(
      "migrations/0010_unicode.sql",
      "-- migrate:set lock_timeout = '5s'\r\n/* données */ CREATE INDEX i ON documents (title);\r\n",
    );
    const [finding] = await lintMigrations([unicode]);
    expect(finding).toMatchObject({ rule: "require-concurrent-index-creation", line: 2, column: 15, endColumn: 50 });
  });

  it("lints the up file of a MigrationFile, never its down file, and keeps input order", async () => {
    const down = sqlFile("migrations/0002_index_title.down.sql", "DROP TABLE documents;\n");
    const migration: MigrationFile = {
      version: 2,
      versionText: "0002",
      name: "index_title",
      id: "0002_index_title",
      up: indexOnExistingTable,
      down,
    };
    const later = sqlFile("migrations/0004_summary.sql", "ALTER TABLE documents ADD COLUMN summary text;\n");
    const findings = await lintMigrations([later, migration]);
    expect(findings.map((finding) => finding.displayPath)).toEqual([
      "migrations/0004_summary.sql",
      "migrations/0002_index_title.sql",
    ]);
  });

  it("returns no findings for no files", async () => {
    expect(await lintMigrations([])).toEqual([]);
  });
});

describe("lintMigrations option errors", () => {
  async function failure(promise: Promise<unknown>): Promise<MigrateError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MigrateError);
    return error as MigrateError;
  }

  it("rejects a malformed rule name before running squawk", async () => {
    const error = await failure(lintMigrations([indexOnExistingTable], { excludedRules: ["Require Concurrent"] }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain('excludedRules has invalid rule names: "Require Concurrent"');
  });

  it("names the option when squawk does not know a rule", async () => {
    const error = await failure(lintMigrations([indexOnExistingTable], { includedRules: ["no-such-rule"] }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("includedRules");
    expect(error.message).toContain("no-such-rule");
  });

  it("rejects a pgVersion that is not a version", async () => {
    const error = await failure(lintMigrations([indexOnExistingTable], { pgVersion: "latest" }));
    expect(error.message).toContain('pgVersion "latest" is not a PostgreSQL version');
  });

  it("says where it looked when the squawk binary cannot run", async () => {
    const error = await failure(lintMigrations([indexOnExistingTable], { squawkPath: "/nonexistent/squawk" }));
    expect(error.message).toContain("cannot run squawk at /nonexistent/squawk");
  });
});
