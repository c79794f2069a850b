// Migration folder formats (files/formats/): detection, each tool's naming, ordering and section rules, empty
// folders, the native name rule's rename suggestions, and `new` per format. No database (see formats-db.test.ts).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createMigration, type LoadOptions, loadMigrations, type MigrationFormat } from "pgvector-migrate";
import { afterEach, describe, expect, it } from "vitest";
import { parseFileName, suggestFileName } from "../../packages/migrate/src/files/names";
import { repoRoot } from "../support";
import { copyFixture, fixtureFolders, formatFixtures } from "./format-fixtures";
import { thrown } from "./helpers";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A folder at `relative` inside a fresh temporary directory, holding `files` (paths may contain "/"). */
function folder(files: Readonly<Record<string, string>>, relative = "migrations"): string {
  const root = mkdtempSync(join(tmpdir(), "pgvm-formats-"));
  roots.push(root);
  const path = join(root, relative);
  mkdirSync(path, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  return path;
}

function ids(path: string, options: LoadOptions = {}): string[] {
  return loadMigrations(path, options).migrations.map((migration) => migration.id);
}

function problems(path: string, options: LoadOptions = {}): string {
  const error = thrown(() => loadMigrations(path, options));
  expect(error.code).toBe("INVALID_FILES");
  return error.message;
}

describe("the fixture folders", () => {
  it.each([
    ["native", ["001-initial-schema", "002-Vector-Chunks", "003_hybrid_search"], true],
    ["drizzle", ["0000_enable_vector", "0001_schema", "0002_search"], false],
    ["supabase", ["20260203101500_documents", "20260203101600_vector-chunks", "20260203101700_Hybrid-Search"], false],
    ["golang-migrate", ["000001_documents", "000002_vector_chunks", "000003_search"], true],
    ["flyway", ["V1__documents", "V1.9__vector_chunks", "V1.10__search"], true],
    ["prisma", ["20260101000000_init", "20260102000000_vector_chunks", "20260103000000_search"], false],
  ] as const)("detects %s and reads its migrations in the tool's order", (format, expected, hasDown) => {
    const set = loadMigrations(join(formatFixtures, fixtureFolders[format]));
    expect(set.format).toBe(format);
    expect(set.migrations.map((migration) => migration.id)).toEqual(expected);
    for (const migration of set.migrations) expect(migration.down !== undefined).toBe(hasDown);
    const versions = set.migrations.map((migration) => migration.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it("reads drizzle-kit's journal: tags, `when` as the key, the entry's number as the displayed version", () => {
    const path = join(formatFixtures, fixtureFolders.drizzle);
    const journal = JSON.parse(readFileSync(join(path, "meta/_journal.json"), "utf8")) as {
      entries: { when: number; tag: string }[];
    };
    const set = loadMigrations(path);
    expect(set.migrations.map((migration) => [migration.version, migration.versionText, migration.id])).toEqual(
      journal.entries.map((entry) => [entry.when, entry.tag.slice(0, 4), entry.tag]),
    );
    expect(set.migrations[1]?.up.sql).toContain("--> statement-breakpoint");
  });

  it("reads dbmate's sections, with transaction:false, keeping the file's line numbers", () => {
    const set = loadMigrations(join(formatFixtures, fixtureFolders.dbmate));
    expect(set.format).toBe("dbmate");
    const concurrent = set.migrations.at(-1);
    expect(concurrent?.name).toBe("concurrent_index");
    expect(concurrent?.up.directives.transaction).toBe(false);
    expect(concurrent?.down?.directives.transaction).toBe(false);
    expect(concurrent?.up.sql).toContain("CREATE INDEX CONCURRENTLY");
    expect(concurrent?.up.sql).not.toContain("DROP INDEX");
    expect(concurrent?.down?.sql).not.toContain("CREATE INDEX");
    expect(concurrent?.down?.sql.split("\n").findIndex((line) => line.includes("DROP INDEX"))).toBe(4);
    expect(set.migrations[0]?.up.directives.transaction).toBe(true);
  });

  it("regenerates the drizzle fixture's schema migration with drizzle-kit", () => {
    const root = mkdtempSync(join(tmpdir(), "pgvm-drizzle-"));
    roots.push(root);
    const fixture = join(formatFixtures, "drizzle");
    cpSync(join(fixture, "schema.ts"), join(root, "schema.ts"));
    cpSync(join(fixture, "drizzle.config.ts"), join(root, "drizzle.config.ts"));
    execFileSync(join(repoRoot, "node_modules/.bin/drizzle-kit"), ["generate", "--name=schema"], {
      cwd: root,
      env: { ...process.env, NODE_PATH: join(repoRoot, "node_modules") },
      stdio: "pipe",
    });
    const generated = readdirSync(join(root, "migrations")).filter((name) => name.endsWith(".sql"));
    expect(generated).toEqual(["0000_schema.sql"]);
    expect(readFileSync(join(root, "migrations", "0000_schema.sql"), "utf8")).toBe(
      readFileSync(join(fixture, "migrations/0001_schema.sql"), "utf8"),
    );
  }, 60_000);
});

describe("format detection", () => {
  it("reads a folder without another tool's signs as native, and a Supabase folder by its place", () => {
    expect(loadMigrations(folder({ "0001_a.sql": "SELECT 1;" })).format).toBe("native");
    const supabase = folder({ "20260203101500_a.sql": "SELECT 1;" }, "project/supabase/migrations");
    expect(loadMigrations(supabase).format).toBe("supabase");
  });

  it("refuses a folder with the signs of several tools, naming the files that decided", () => {
    const path = folder({
      "1_a.up.sql": "SELECT 1;",
      "V2__b.sql": "SELECT 2;",
    });
    const error = thrown(() => loadMigrations(path));
    expect(error.code).toBe("INVALID_FILES");
    expect(error.message).toContain("flyway (migrations/V2__b.sql)");
    expect(error.message).toContain("golang-migrate (migrations/1_a.up.sql)");
    expect(error.message).toContain("--format");
  });

  it("reads a folder as the format given, whatever it looks like", () => {
    const path = folder({ "0001_a.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n" });
    expect(loadMigrations(path).format).toBe("dbmate");
    expect(problems(path, { format: "native" })).toContain('unknown directive "migrate:up');
  });

  it("rejects an unknown format", () => {
    const path = folder({ "0001_a.sql": "SELECT 1;" });
    const error = thrown(() => loadMigrations(path, { format: "liquibase" as MigrationFormat }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain('Unknown migration format "liquibase"');
  });
});

describe("a folder without migrations", () => {
  it("is an error naming what it holds instead, unless allowEmpty", () => {
    const path = folder({
      "notes.txt": "",
      "0001_init.psql": "SELECT 1;",
      "archive/old.sql": "SELECT 1;",
      "meta/0000_snapshot.json": "{}",
    });
    const message = thrown(() => loadMigrations(path)).message;
    expect(message).toContain("No migrations in migrations/ (read as format native)");
    expect(message).toContain("a meta/ folder without _journal.json");
    expect(message).toContain("sub-folders archive/");
    expect(message).toContain("files without the .sql extension: 0001_init.psql, notes.txt");
    expect(message).toContain("--allow-empty");
    expect(loadMigrations(path, { allowEmpty: true }).migrations).toEqual([]);
  });

  it("names Prisma-looking sub-folders when read as another format", () => {
    const path = folder({ "20260101000000_init/migration.sql": "SELECT 1;" });
    expect(loadMigrations(path).format).toBe("prisma");
    const message = thrown(() => loadMigrations(path, { format: "native" })).message;
    expect(message).toContain("sub-folders with a migration.sql (20260101000000_init): a Prisma layout");
  });

  it("is an error for an empty folder", () => {
    expect(thrown(() => loadMigrations(folder({}))).message).toContain("the folder is empty");
  });
});

describe("drizzle", () => {
  const journal = (entries: { tag: string; when: number }[]) =>
    JSON.stringify({ version: "7", dialect: "postgresql", entries: entries.map((entry, idx) => ({ idx, ...entry })) });

  it("follows the journal's order, not the file names", () => {
    const path = folder({
      "meta/_journal.json": journal([
        { tag: "0000_b", when: 1000 },
        { tag: "0001_a", when: 2000 },
      ]),
      "0000_b.sql": "SELECT 1;",
      "0001_a.sql": "SELECT 2;",
    });
    expect(ids(path)).toEqual(["0000_b", "0001_a"]);
    expect(loadMigrations(path).migrations[0]?.version).toBe(1000);
  });

  it("refuses files outside the journal, missing files and a `when` that goes back", () => {
    const path = folder({
      "meta/_journal.json": journal([
        { tag: "0000_a", when: 2000 },
        { tag: "0001_b", when: 1000 },
        { tag: "0002_c", when: 3000 },
      ]),
      "0000_a.sql": "SELECT 1;",
      "0001_b.sql": "SELECT 2;",
      "0003_stray.sql": "SELECT 3;",
    });
    const message = problems(path);
    expect(message).toContain('entry 1 (0001_b) has "when" 1000, not later than the entry before it');
    expect(message).toContain("entry 2 names 0002_c.sql, which is missing");
    expect(message).toContain("migrations/0003_stray.sql: not in meta/_journal.json");
  });

  it("refuses a journal it cannot read", () => {
    expect(problems(folder({ "meta/_journal.json": "{", "0000_a.sql": "SELECT 1;" }))).toContain(
      "migrations/meta/_journal.json: cannot read the drizzle-kit journal",
    );
  });
});

describe("Flyway", () => {
  it("orders versions as Flyway does: 1.10 after 1.9, V1_1 is 1.1, with undo files as downs", () => {
    const path = folder({
      "V1.10__c.sql": "SELECT 3;",
      "V1.9__b.sql": "SELECT 2;",
      "V1_1__a.sql": "SELECT 1;",
      "V2__d.sql": "SELECT 4;",
      "U1.1__a.sql": "SELECT -1;",
    });
    const set = loadMigrations(path);
    expect(set.migrations.map((migration) => migration.versionText)).toEqual(["1.1", "1.9", "1.10", "2"]);
    expect(set.migrations[0]?.down?.displayPath).toBe("migrations/U1.1__a.sql");
    expect(set.migrations[3]?.down).toBeUndefined();
  });

  it("treats 1.0 as 1 (a duplicate), and refuses what it cannot honour, naming each file", () => {
    const placeholder = ["$", "{schema_name}"].join("");
    const message = problems(
      folder({
        "V1__a.sql": "SELECT 1;",
        "V1.0__b.sql": "SELECT 1;",
        "R__views.sql": "SELECT 1;",
        "afterMigrate.sql": "SELECT 1;",
        "V3__schema.sql": `CREATE TABLE t (id int);\nCREATE SCHEMA ${placeholder};\n`,
        "V4__x.sql.conf": "executeInTransaction=false",
        "V5_x.sql": "SELECT 1;",
        "U9__orphan.sql": "SELECT 1;",
        "V1.2.3.4__deep.sql": "SELECT 1;",
      }),
    );
    expect(message).toContain("migrations/V1__a.sql: version 1 is also used by migrations/V1.0__b.sql");
    expect(message).toContain("migrations/R__views.sql: Flyway repeatable migrations (R__) are not supported");
    expect(message).toContain("migrations/afterMigrate.sql: Flyway SQL callbacks are not supported");
    expect(message).toContain(`migrations/V3__schema.sql:2: Flyway placeholder ${placeholder} is not supported`);
    expect(message).toContain("migrations/V4__x.sql.conf: per-script Flyway configuration is not supported");
    expect(message).toContain("migrations/V5_x.sql: Flyway reads V<version>__<description>.sql");
    expect(message).toContain("migrations/U9__orphan.sql: undo migration without a versioned migration");
    expect(message).toContain("migrations/V1.2.3.4__deep.sql: version 1.2.3.4 cannot be tracked here");
  });
});

describe("dbmate, golang-migrate, Supabase and Prisma rules", () => {
  it("refuses dbmate files without exactly one up section, or with the down section first", () => {
    const message = problems(
      folder({
        "20260101000000_a.sql": "-- migrate:up\nSELECT 1;\n",
        "20260102000000_b.sql": "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 2;\n",
        "20260103000000_c.sql": "SELECT 3;\n",
        "20260104000000_d.sql": "-- migrate:up transaction:maybe\nSELECT 4;\n",
      }),
      { format: "dbmate" },
    );
    expect(message).toContain('migrations/20260102000000_b.sql: the "-- migrate:down" section must come after');
    expect(message).toContain('migrations/20260103000000_c.sql: dbmate needs exactly one "-- migrate:up" line');
    expect(message).toContain('migrations/20260104000000_d.sql:1: unknown dbmate option "transaction:maybe"');
    expect(message).not.toContain("20260101000000_a.sql");
  });

  it("orders golang-migrate versions as numbers and refuses a down file without its up file", () => {
    expect(ids(folder({ "10_b.up.sql": "SELECT 2;", "9_a.up.sql": "SELECT 1;" }))).toEqual(["9_a", "10_b"]);
    const message = problems(folder({ "1_a.up.sql": "SELECT 1;", "2_b.down.sql": "SELECT 2;", "3_c.sql": "" }));
    expect(message).toContain("migrations/2_b.down.sql: down file without an up file of version 2");
    expect(message).toContain("migrations/3_c.sql: golang-migrate only reads");
  });

  it("refuses a directory named like a migration in another tool's folder", () => {
    const path = folder({ "1_a.up.sql": "SELECT 1;" });
    mkdirSync(join(path, "2_b.up.sql"));
    expect(problems(path)).toContain("migrations/2_b.up.sql: named like a migration but it is a directory");
  });

  it("refuses Supabase files the CLI would skip, and versions whose name order differs", () => {
    const path = folder(
      { "20260203101500_a.sql": "SELECT 1;", "seed.sql": "SELECT 2;", "202602031016_b.sql": "SELECT 3;" },
      "supabase/migrations",
    );
    const message = problems(path);
    expect(message).toContain("migrations/seed.sql: the Supabase CLI skips files not named <timestamp>_<name>.sql");
    expect(message).toContain("the order by name differs from the order by version");
  });

  it("refuses a Prisma folder without migration.sql and SQL files outside a migration folder", () => {
    const message = problems(
      folder({ "20260101000000_init/migration.sql": "SELECT 1;", "20260102000000_b/notes.md": "", "x.sql": "" }),
    );
    expect(message).toContain("migrations/20260102000000_b/: a Prisma migration folder needs a migration.sql");
    expect(message).toContain("migrations/x.sql: Prisma only applies");
  });
});

describe("the native name rule's suggestions", () => {
  const badNames = [
    "0001_add index.sql",
    "0001_init.up.sql",
    "0001_init.SQL",
    "0001_Init.Up.SQL",
    "1__x.sql",
    "0001-add.chunks.down.sql",
    "0002_ä_umlaut.sql",
    "0003__.sql",
    "init.sql",
    "0000_zero.sql",
    "0001_.sql",
    "V1__flyway.sql",
    "0001_add index.down.sql",
    "0001 init.sql",
  ];

  it.each(badNames)("suggests for %s only a name the rule accepts", (fileName) => {
    const result = parseFileName(fileName);
    expect(result.ok).toBe(false);
    const suggestion = suggestFileName(fileName);
    if (result.ok === false && result.suggestion !== undefined) {
      expect(result.problem).toContain(`rename it to ${result.suggestion}`);
      expect(result.suggestion).toBe(suggestion);
    }
    if (suggestion !== undefined) {
      const again = parseFileName(suggestion);
      expect(again.ok, `${fileName} -> ${suggestion}`).toBe(true);
      const isDown = /\.down\.sql$/i.test(fileName);
      expect(again.ok === true && again.file.kind).toBe(isDown ? "down" : "up");
    }
  });

  it("has a suggestion for the names that can be fixed by renaming", () => {
    expect(badNames.map((name) => suggestFileName(name))).toEqual([
      "0001_add_index.sql",
      "0001_init.sql",
      "0001_init.sql",
      "0001_Init.sql",
      "1_x.sql",
      "0001_add_chunks.down.sql",
      "0002_umlaut.sql",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "0001_add_index.down.sql",
      "0001_init.sql",
    ]);
  });
});

describe("createMigration follows the folder's format", () => {
  const newest = (path: string) => loadMigrations(path).migrations.at(-1);

  it("refuses drizzle-kit and Prisma folders, which their tools generate", () => {
    for (const format of ["drizzle", "prisma"] as const) {
      const root = mkdtempSync(join(tmpdir(), "pgvm-new-"));
      roots.push(root);
      const error = thrown(() => createMigration(copyFixture(format, root), "more"));
      expect(error.code).toBe("INVALID_OPTIONS");
      expect(error.message).toContain(format === "drizzle" ? "drizzle-kit generate" : "prisma migrate dev");
    }
  });

  it("names a Supabase migration with a 14-digit UTC timestamp", () => {
    const path = folder({ "20260203101500_a.sql": "SELECT 1;" }, "supabase/migrations");
    const before = Number(new Date().toISOString().replace(/\D/g, "").slice(0, 14));
    const created = createMigration(path, "custom-tools");
    expect(created.format).toBe("supabase");
    expect(created.downPath).toBeUndefined();
    expect(basename(created.upPath)).toMatch(/^\d{14}_custom-tools\.sql$/);
    expect(created.version).toBeGreaterThanOrEqual(before);
  });

  it("writes dbmate's template, with a version newer than every file, even a refused one", () => {
    const path = folder({
      "20260101000000_a.sql": "-- migrate:up\nSELECT 1;\n",
      "29991231235959_future draft.SQL": "",
    });
    const created = createMigration(path, "add_chunks", { format: "dbmate" });
    expect(basename(created.upPath)).toBe("30000101000000_add_chunks.sql");
    expect(readFileSync(created.upPath, "utf8")).toBe("-- migrate:up\n\n\n-- migrate:down\n\n");
  });

  it("creates golang-migrate's next numbered .up.sql/.down.sql pair", () => {
    const root = mkdtempSync(join(tmpdir(), "pgvm-new-"));
    roots.push(root);
    const path = copyFixture("golang-migrate", root);
    const created = createMigration(path, "add_tags");
    expect(basename(created.upPath)).toBe("000004_add_tags.up.sql");
    expect(basename(created.downPath ?? "")).toBe("000004_add_tags.down.sql");
    writeFileSync(created.upPath, "SELECT 1;");
    expect(newest(path)?.id).toBe("000004_add_tags");
  });

  it("creates Flyway's next V<n>__name.sql after the highest version", () => {
    const root = mkdtempSync(join(tmpdir(), "pgvm-new-"));
    roots.push(root);
    const path = copyFixture("flyway", root);
    const created = createMigration(path, "add_tags");
    expect(basename(created.upPath)).toBe("V2__add_tags.sql");
    writeFileSync(created.upPath, "SELECT 1;");
    expect(newest(path)?.versionText).toBe("2");
  });

  it("keeps native NNNN_name, counting refused files too", () => {
    const path = folder({ "0001_a.sql": "SELECT 1;", "0007_Bad name.sql": "" });
    const created = createMigration(path, "next-step");
    expect(basename(created.upPath)).toBe("0008_next-step.sql");
    expect(basename(created.downPath ?? "")).toBe("0008_next-step.down.sql");
  });
});
