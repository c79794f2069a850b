// The file layer: names, directives, checksums, the input map, new files. No database.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { checksumOf, createMigration, type LoadOptions, loadMigrations, migrationInputMap } from "pgvector-migrate";
import { afterEach, describe, expect, it } from "vitest";
import { type MigrationsDir, migrationsDir, thrown } from "./helpers";

let dir: MigrationsDir | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

function invalidFiles(files: Record<string, string>, options: LoadOptions = {}) {
  dir = migrationsDir(files);
  const path = dir.path;
  const error = thrown(() => loadMigrations(path, options));
  expect(error.code).toBe("INVALID_FILES");
  return error;
}

describe("loadMigrations", () => {
  it("reads up and down files sorted by version, with ids, names and display paths", () => {
    dir = migrationsDir({
      "0010_later.sql": "SELECT 10;",
      "0002_second.sql": "SELECT 2;",
      "0002_second.down.sql": "SELECT -2;",
      "0001_first.sql": "SELECT 1;",
      "README.md": "ignored",
      ".gitkeep": "",
    });
    const set = loadMigrations(dir.path);
    expect(set.directory).toBe(dir.path);
    expect(set.migrations.map((migration) => migration.id)).toEqual(["0001_first", "0002_second", "0010_later"]);
    const second = set.migrations[1];
    expect(second?.version).toBe(2);
    expect(second?.name).toBe("second");
    expect(second?.up.displayPath).toBe("migrations/0002_second.sql");
    expect(second?.down?.displayPath).toBe("migrations/0002_second.down.sql");
    expect(second?.down?.sql).toBe("SELECT -2;");
    expect(set.migrations[0]?.down).toBeUndefined();
    expect(second?.up.directives).toEqual({ transaction: true, settings: {} });
  });

  it("gives the same checksum for CRLF and LF files, and a different one for different content", () => {
    dir = migrationsDir({
      "0001_lf.sql": "CREATE TABLE a (id int);\nSELECT 1;\n",
      "0002_crlf.sql": "CREATE TABLE a (id int);\r\nSELECT 1;\r\n",
      "0003_other.sql": "CREATE TABLE a (id int);\nSELECT 2;\n",
    });
    const [lf, crlf, other] = loadMigrations(dir.path).migrations;
    expect(lf?.up.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(crlf?.up.checksum).toBe(lf?.up.checksum);
    expect(other?.up.checksum).not.toBe(lf?.up.checksum);
    expect(crlf?.up.sql).toBe("CREATE TABLE a (id int);\nSELECT 1;\n");
    expect(checksumOf("x\r\ny")).toBe(checksumOf("x\ny"));
  });

  it("maps ids to checksums for the Pulumi resource input", () => {
    dir = migrationsDir({ "0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;" });
    const set = loadMigrations(dir.path);
    expect(migrationInputMap(set)).toEqual({
      "0001_a": set.migrations[0]?.up.checksum,
      "0002_b": set.migrations[1]?.up.checksum,
    });
  });

  it("reads directives from the leading comment block", () => {
    dir = migrationsDir({
      "0001_index.sql": [
        "-- Build the HNSW index without blocking writes.",
        "-- migrate:no-transaction",
        "-- migrate:set maintenance_work_mem = '2GB'",
        "--migrate:set max_parallel_maintenance_workers = 4",
        "-- migrate:set statement_timeout = '0'",
        "-- migrate:set lock_timeout = '5s'",
        "",
        "CREATE INDEX CONCURRENTLY i ON t (x);",
      ].join("\n"),
    });
    const [migration] = loadMigrations(dir.path).migrations;
    expect(migration?.up.directives).toEqual({
      transaction: false,
      settings: {
        maintenance_work_mem: "2GB",
        max_parallel_maintenance_workers: "4",
        statement_timeout: "0",
        lock_timeout: "5s",
      },
    });
  });

  it("treats a -- migrate: line inside a string, dollar-quoted body or block comment as SQL, not a directive", () => {
    dir = migrationsDir({
      "0001_function.sql": [
        "-- migrate:set lock_timeout = '5s'",
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$",
        "-- migrate:no-transaction",
        "SELECT 'x'",
        "$body$;",
        "INSERT INTO notes VALUES ('line one",
        "-- migrate:bogus', E'it\\'s",
        "-- migrate:set x = 1');",
        "/* a comment /* nested */",
        "-- migrate:no-transaction */",
        "SELECT 1;",
      ].join("\n"),
    });
    const [migration] = loadMigrations(dir.path).migrations;
    expect(migration?.up.directives).toEqual({ transaction: true, settings: { lock_timeout: "5s" } });

    dir.write("0002_late.sql", "SELECT 1;\n-- migrate:no-transaction\n");
    const path = dir.path;
    expect(thrown(() => loadMigrations(path)).details?.problems).toEqual([
      'migrations/0002_late.sql: line 2: directive "-- migrate:no-transaction" comes after SQL; directives must be in the comment block at the top of the file',
    ]);
  });

  it("reads directives of a file with CR-only line endings, keeping its checksum", () => {
    const content =
      "-- migrate:no-transaction\r-- migrate:set lock_timeout = '5s'\rCREATE INDEX CONCURRENTLY i ON t (x);\r";
    dir = migrationsDir({ "0001_index.sql": content });
    const [migration] = loadMigrations(dir.path).migrations;
    expect(migration?.up.directives).toEqual({ transaction: false, settings: { lock_timeout: "5s" } });
    expect(migration?.up.checksum).toBe(createHash("sha256").update(content).digest("hex"));
  });

  it("reports a missing directory clearly", () => {
    const error = thrown(() => loadMigrations("/nonexistent/pgvm/migrations"));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("/nonexistent/pgvm/migrations does not exist");
  });

  it("reports a duplicate version naming both files", () => {
    const error = invalidFiles({ "0002_a.sql": "SELECT 1;", "002_b.sql": "SELECT 1;" });
    expect(error.message).toContain("migrations/002_b.sql: version 2 is also used by migrations/0002_a.sql");
  });

  it("accepts names with dashes and capitals, as hand-written runners and Supabase write them", () => {
    dir = migrationsDir({
      "001-initial-schema.sql": "SELECT 1;",
      "001-initial-schema.down.sql": "SELECT -1;",
      "0002_Init.sql": "SELECT 2;",
    });
    const set = loadMigrations(dir.path);
    expect(set.format).toBe("native");
    expect(set.migrations.map((migration) => [migration.version, migration.versionText, migration.id])).toEqual([
      [1, "001", "001-initial-schema"],
      [2, "0002", "0002_Init"],
    ]);
    expect(set.migrations[0]?.down?.displayPath).toBe("migrations/001-initial-schema.down.sql");
  });

  it.each([
    ["init.sql", "does not start with a version number"],
    ["0001_add index.sql", "rename it to 0001_add_index.sql"],
    ["0001_init.up.sql", "rename it to 0001_init.sql"],
    ["0001_init.SQL", 'the extension must be lowercase ".sql"'],
    ["0000_zero.sql", "version 0 is reserved"],
  ])("reports the unparsable file name %s", (fileName, expected) => {
    const error = invalidFiles({ [fileName]: "SELECT 1;" }, { format: "native" });
    expect(error.message).toContain(`migrations/${fileName}: `);
    expect(error.message).toContain(expected);
  });

  it("reports a down file without its up file", () => {
    const error = invalidFiles({ "0001_a.sql": "SELECT 1;", "0001_b.down.sql": "SELECT 1;", "0002_c.down.sql": "" });
    expect(error.message).toContain(
      "migrations/0001_b.down.sql: down file without its up file 0001_b.sql; the up file with version 1 is migrations/0001_a.sql, so name it 0001_a.down.sql",
    );
    expect(error.message).toContain("migrations/0002_c.down.sql: down file without its up file 0002_c.sql");
  });

  it.each([
    [
      "-- migrate:notransaction\nSELECT 1;",
      'line 1: unknown directive "migrate:notransaction": did you mean "-- migrate:no-transaction"?',
    ],
    ["-- migrate:up transaction:false\nSELECT 1;", "separate NNNN_name.down.sql file"],
    ["-- migrate:frobnicate\nSELECT 1;", 'line 1: unknown directive "migrate:frobnicate" (known:'],
    [
      "-- migrate:set shared_buffers = '1GB'\nSELECT 1;",
      'line 1: unknown setting "shared_buffers" (allowed: maintenance_work_mem',
    ],
    [
      "-- migrate:set maintenance_work_mem = 'lots'\nSELECT 1;",
      "line 1: invalid value 'lots' for maintenance_work_mem: expected a size such as '2GB'",
    ],
    ["-- migrate:set lock_timeout = '5 parsecs'\nSELECT 1;", "invalid value '5 parsecs' for lock_timeout"],
    [
      "-- migrate:set max_parallel_maintenance_workers = 'four'\nSELECT 1;",
      "invalid value 'four' for max_parallel_maintenance_workers",
    ],
    [
      "-- migrate:set maintenance_work_mem '2GB'\nSELECT 1;",
      "cannot read \"-- migrate:set maintenance_work_mem '2GB'\"",
    ],
    ["-- migrate:set work_mem = '1MB\nSELECT 1;", "cannot read the value of work_mem"],
    ["-- migrate:set work_mem = '1MB'\n-- migrate:set work_mem = '2MB'\nSELECT 1;", "line 2: work_mem is set twice"],
    ["-- migrate:set search_path = 'a; DROP TABLE x'\nSELECT 1;", "invalid value 'a; DROP TABLE x' for search_path"],
    [
      "SELECT 1;\n-- migrate:no-transaction\nSELECT 2;",
      'line 2: directive "-- migrate:no-transaction" comes after SQL',
    ],
  ])("reports the bad directive in %j", (sql, expected) => {
    const error = invalidFiles({ "0001_a.sql": sql }, { format: "native" });
    expect(error.message).toContain("migrations/0001_a.sql: line ");
    expect(error.message).toContain(expected);
  });

  it("reports every problem of every file in one error", () => {
    const error = invalidFiles({
      "0001_a.sql": "-- migrate:bogus\nSELECT 1;",
      "0001_b.sql": "SELECT 1;",
      "x.sql": "SELECT 1;",
      "0003_c.down.sql": "SELECT 1;",
      "0004_d.down.sql": "-- migrate:set nope = 1\nSELECT 1;",
      "0004_d.sql": "SELECT 1;",
    });
    expect(error.details?.problems).toHaveLength(5);
    for (const name of ["0001_a.sql", "0001_b.sql", "x.sql", "0003_c.down.sql", "0004_d.down.sql"]) {
      expect(error.message).toContain(`migrations/${name}: `);
    }
  });

  it("reports a directory or dangling symlink named like a migration instead of skipping it", () => {
    dir = migrationsDir({ "0001_a.sql": "SELECT 1;", "0003_c.sql": "SELECT 3;" });
    mkdirSync(join(dir.path, "0002_b.sql"));
    symlinkSync(join(dir.path, "missing.sql"), join(dir.path, "0004_d.sql"));
    mkdirSync(join(dir.path, "archive"));
    const path = dir.path;
    const error = thrown(() => loadMigrations(path));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.details?.problems).toEqual([
      "migrations/0002_b.sql: named like a migration but it is a directory; make it a regular file, or rename or remove it",
      "migrations/0004_d.sql: named like a migration but it is a symbolic link to a missing file; make it a regular file, or rename or remove it",
    ]);
  });

  it("reports a file that is not UTF-8", () => {
    dir = migrationsDir();
    writeFileSync(join(dir.path, "0001_latin1.sql"), Buffer.from("SELECT 'caf\xe9';", "latin1"));
    const path = dir.path;
    const error = thrown(() => loadMigrations(path));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.message).toContain("migrations/0001_latin1.sql: the file is not valid UTF-8 text");
  });

  // Files are read with Node's UTF-8 fast path, which turns invalid bytes into U+FFFD (files/read-text.ts).
  it("reads a valid file that contains U+FFFD itself, and refuses one whose bytes only decode to it", () => {
    dir = migrationsDir({ "0001_replacement.sql": "SELECT '\uFFFD';" });
    expect(loadMigrations(dir.path).migrations[0]?.up.sql).toBe("SELECT '\uFFFD';");
    writeFileSync(
      join(dir.path, "0002_broken.sql"),
      Buffer.concat([Buffer.from("SELECT '"), Buffer.from([0xff]), Buffer.from("';")]),
    );
    const path = dir.path;
    const error = thrown(() => loadMigrations(path));
    expect(error.details?.problems).toEqual([
      "migrations/0002_broken.sql: the file is not valid UTF-8 text; save it as UTF-8",
    ]);
  });

  it("runs and checksums a file without its BOM: the checksum is the SHA-256 of the text without BOM and CRs", () => {
    dir = migrationsDir({ "0001_bom.sql": "\uFEFFSELECT 1;\r\n", "0002_two_boms.sql": "\uFEFF\uFEFFSELECT 2;\n" });
    const [bom, twoBoms] = loadMigrations(dir.path).migrations;
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(bom?.up.sql).toBe("SELECT 1;\n");
    expect(bom?.up.checksum).toBe(sha256("SELECT 1;\n"));
    // As TextDecoder reads it (one BOM) and then normaliseSql (another): the checksums recorded so far stay valid.
    expect(twoBoms?.up.sql).toBe("SELECT 2;\n");
    expect(twoBoms?.up.checksum).toBe(sha256("SELECT 2;\n"));
  });
});

describe("createMigration", () => {
  it("creates the next numbered pair, keeping the width of existing files", () => {
    dir = migrationsDir({ "00007_seven.sql": "SELECT 7;", "00002_two.sql": "SELECT 2;" });
    const created = createMigration(dir.path, "add_chunks");
    expect(created.version).toBe(8);
    expect(basename(created.upPath)).toBe("00008_add_chunks.sql");
    expect(basename(created.downPath ?? "")).toBe("00008_add_chunks.down.sql");
    const set = loadMigrations(dir.path);
    expect(set.migrations.at(-1)?.id).toBe("00008_add_chunks");
    expect(set.migrations.at(-1)?.up.directives).toEqual({ transaction: true, settings: {} });
    expect(readFileSync(created.upPath, "utf8")).toContain("migrate:no-transaction");
  });

  it("starts at 0001 in an empty or missing directory", () => {
    dir = migrationsDir();
    const created = createMigration(`${dir.path}/nested`, "init");
    expect(basename(created.upPath)).toBe("0001_init.sql");
  });

  it("rejects an invalid name", () => {
    dir = migrationsDir();
    const path = dir.path;
    const error = thrown(() => createMigration(path, "Add Index"));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain('Invalid migration name "Add Index"');
  });
});

describe("files the server cannot receive", () => {
  it("refuses a NUL byte with file:line:column, before any connection", () => {
    const error = invalidFiles({ "0001_ok.sql": "SELECT 1;\n", "0002_nul.sql": "SELECT 1;\nSELECT 'a\0b';\n" });
    expect(error.message).toContain("migrations/0002_nul.sql:2:10: the file contains a NUL byte");
    expect(error.message).toContain("save it as UTF-8");
    expect(error.message).not.toContain("0001_ok.sql");
  });
});
