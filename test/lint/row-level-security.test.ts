// The Supabase rule: a table created in a schema the Data API exposes needs row level security in the same
// migrations. Through lintMigrations, with real squawk alongside.
import { describe, expect, it } from "vitest";
import { lintMigrations } from "../../packages/migrate/src/lint";
import { sqlFile } from "./helpers";

const lockTimeout = "-- migrate:set lock_timeout = '5s'";
const documents = sqlFile(
  "migrations/0001_documents.sql",
  [lockTimeout, "CREATE TABLE documents (id bigint PRIMARY KEY, body text NOT NULL);", ""].join("\n"),
);
const rule = "supabase-require-row-level-security";
const rulesOf = async (...args: Parameters<typeof lintMigrations>) =>
  (await lintMigrations(...args)).map((finding) => finding.rule);

describe(rule, () => {
  it("flags a table created in public without row level security, on platform supabase", async () => {
    expect(await lintMigrations([documents], { platform: "supabase" })).toEqual([
      {
        displayPath: "migrations/0001_documents.sql",
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 66,
        rule,
        message:
          "Table public.documents is created in schema public, which Supabase exposes through its Data API, without row level security: anyone with the project's anon key can read and change it.",
        help: "Add ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY; (and the policies the application needs) to these migrations.",
        level: "warning",
        url: "https://supabase.com/docs/guides/database/postgres/row-level-security",
      },
    ]);
  });

  it("is an error in strict mode, and off on every other platform", async () => {
    expect((await lintMigrations([documents], { platform: "supabase", strict: true }))[0]?.level).toBe("error");
    for (const platform of ["azure", "neon", "generic", undefined] as const) {
      expect(await rulesOf([documents], { platform })).toEqual([]);
    }
  });

  it("accepts ENABLE (or FORCE) ROW LEVEL SECURITY anywhere in the same migrations, qualified or not", async () => {
    const enable = sqlFile(
      "migrations/0002_rls.sql",
      [lockTimeout, "ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;", ""].join("\n"),
    );
    expect(await rulesOf([documents, enable], { platform: "supabase" })).toEqual([]);
    const inline = sqlFile(
      "migrations/0003_notes.sql",
      [lockTimeout, "CREATE TABLE notes (id int);", "ALTER TABLE notes FORCE ROW LEVEL SECURITY;", ""].join("\n"),
    );
    expect(await rulesOf([inline], { platform: "supabase" })).toEqual([]);
  });

  it("still flags the table whose row level security another table's statement enabled", async () => {
    const other = sqlFile(
      "migrations/0002_other.sql",
      [lockTimeout, "CREATE TABLE other (id int);", "ALTER TABLE other ENABLE ROW LEVEL SECURITY;", ""].join("\n"),
    );
    const findings = await lintMigrations([documents, other], { platform: "supabase" });
    expect(findings.map((finding) => [finding.displayPath, finding.rule])).toEqual([
      ["migrations/0001_documents.sql", rule],
    ]);
  });

  it("covers CREATE TABLE AS, ignores temporary tables and schemas the Data API does not expose, which are configurable", async () => {
    const mixed = sqlFile(
      "migrations/0004_mixed.sql",
      [
        lockTimeout,
        "CREATE SCHEMA private;",
        "CREATE TABLE private.secrets (id int);",
        "CREATE TEMPORARY TABLE scratch (id int);",
        "CREATE TABLE api.items AS SELECT 1 AS id;",
        "",
      ].join("\n"),
    );
    expect(await rulesOf([mixed], { platform: "supabase" })).toEqual([]);
    const exposed = await lintMigrations([mixed], { platform: "supabase", exposedSchemas: ["public", "api"] });
    expect(exposed.filter((finding) => finding.rule === rule).map((finding) => finding.line)).toEqual([5]);
  });
});
