// The preview's lint knows the platform: on Supabase it adds the row level security rule to squawk's.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumOf } from "pgvector-migrate";
import { afterAll, describe, expect, it } from "vitest";
import type { MigrationsInputs } from "../../infra/migrations/args";
import { migrationsProvider } from "../../infra/migrations/provider";
import { repoRoot } from "../support";

// Relative to the project directory (where Pulumi.yaml is), as the program stores it.
const directory = `.test-data/lint-platform-${randomBytes(4).toString("hex")}/migrations`;
const sql = "-- migrate:set lock_timeout = '5s'\nCREATE TABLE documents (id bigint PRIMARY KEY);\n";
mkdirSync(join(repoRoot, directory), { recursive: true });
writeFileSync(join(repoRoot, directory, "0001_documents.sql"), sql);
afterAll(() => rmSync(join(repoRoot, directory, ".."), { recursive: true, force: true }));

const inputs = (platform: string): MigrationsInputs => ({
  connection: {
    host: "db.example.com",
    port: 5432,
    database: "postgres",
    user: "u",
    password: "pw",
    sslmode: "require",
  },
  directory,
  migrations: { "1": { id: "0001_documents", file: "0001_documents.sql", checksum: checksumOf(sql) } },
  trackingTable: "pgvector_migrate.schema_migrations",
  lockTimeoutSeconds: 60,
  allowOutOfOrder: false,
  onDelete: "keep",
  platform: platform as MigrationsInputs["platform"],
  requiredExtensions: [],
  timeoutMinutes: 120,
  lint: "warn",
  format: "auto",
  allowPopulated: false,
  importToolLedger: false,
  keepToolLedger: false,
});

describe("lint in preview, by platform", () => {
  it("warns on supabase about a table in public without row level security; not elsewhere", async () => {
    const supabase = await migrationsProvider.check?.({} as MigrationsInputs, inputs("supabase"));
    expect(supabase?.failures).toEqual([]);
    expect(supabase?.inputs?.lintWarnings).toEqual([
      expect.stringMatching(
        /^migrations\/0001_documents\.sql:2:1: warning supabase-require-row-level-security: Table public\.documents is created in schema public, which Supabase exposes through its Data API/,
      ),
    ]);
    const generic = await migrationsProvider.check?.({} as MigrationsInputs, inputs("generic"));
    expect(generic?.inputs?.lintWarnings).toBeUndefined();
  });
});
