// The preview's lint knows when the database is a Citus cluster (MigrationsArgs.cluster): a vector table the
// migrations never distribute is a finding there, and nowhere else.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumOf } from "pgvector-migrate";
import { afterAll, describe, expect, it } from "vitest";
import type { MigrationsInputs } from "../../infra/migrations/args";
import { migrationsProvider } from "../../infra/migrations/provider";
import { migrationsInputs } from "../../infra/migrations/resource";
import { repoRoot } from "../support";

// Relative to the project directory (where Pulumi.yaml is), as the program stores it.
const directory = `.test-data/lint-cluster-${randomBytes(4).toString("hex")}/migrations`;
const sql = "-- migrate:set lock_timeout = '5s'\nCREATE TABLE chunks (id bigint PRIMARY KEY, embedding vector(3));\n";
mkdirSync(join(repoRoot, directory), { recursive: true });
writeFileSync(join(repoRoot, directory, "0001_chunks.sql"), sql);
afterAll(() => rmSync(join(repoRoot, directory, ".."), { recursive: true, force: true }));

const inputs = (extra: Partial<MigrationsInputs> | Record<string, unknown> = {}): MigrationsInputs => ({
  connection: {
    host: "db.example.com",
    port: 5432,
    database: "postgres",
    user: "u",
    password: "pw",
    sslmode: "require",
  },
  directory,
  migrations: { "1": { id: "0001_chunks", file: "0001_chunks.sql", checksum: checksumOf(sql) } },
  trackingTable: "pgvector_migrate.schema_migrations",
  lockTimeoutSeconds: 60,
  allowOutOfOrder: false,
  onDelete: "keep",
  platform: "azure",
  requiredExtensions: [],
  timeoutMinutes: 120,
  lint: "warn",
  format: "auto",
  allowPopulated: false,
  importToolLedger: false,
  keepToolLedger: false,
  ...extra,
});

describe("lint in preview, on a Citus cluster", () => {
  it("warns about a vector table that is never distributed (warn), and fails the check (strict); not without cluster", async () => {
    const warned = await migrationsProvider.check?.({} as MigrationsInputs, inputs({ cluster: true }));
    expect(warned?.failures).toEqual([]);
    expect(warned?.inputs?.lintWarnings).toEqual([
      expect.stringMatching(
        /^migrations\/0001_chunks\.sql:2:1: warning citus-undistributed-vector-table: Table public\.chunks has a vector column/,
      ),
    ]);
    const strict = await migrationsProvider.check?.({} as MigrationsInputs, inputs({ cluster: true, lint: "strict" }));
    expect(strict?.failures).toEqual([
      { property: "migrations", reason: expect.stringContaining("error citus-undistributed-vector-table") },
    ]);
    const single = await migrationsProvider.check?.({} as MigrationsInputs, inputs({ lint: "strict" }));
    expect(single?.failures).toEqual([]);
  });

  it("refuses a cluster input that is not true", async () => {
    const result = await migrationsProvider.check?.({} as MigrationsInputs, inputs({ cluster: "yes" }));
    expect(result?.failures).toEqual([{ property: "cluster", reason: "cluster must be true, or absent" }]);
  });

  it("stores cluster only when set, so other stacks' inputs do not change", () => {
    const args = { directory, platform: "azure" as const };
    expect(migrationsInputs(args, {}, repoRoot)).not.toHaveProperty("cluster");
    expect(migrationsInputs({ ...args, cluster: false }, {}, repoRoot)).not.toHaveProperty("cluster");
    expect(migrationsInputs({ ...args, cluster: true }, {}, repoRoot).cluster).toBe(true);
  });

  it("does not make an update out of a change of cluster alone", async () => {
    const olds = {
      ...inputs(),
      applied: { "1": { name: "chunks", checksum: checksumOf(sql) } },
      appliedCount: 1,
      latestVersion: 1,
      latestMigration: "0001_chunks",
      newlyApplied: [],
      newlyBaselined: [],
    };
    const diff = await migrationsProvider.diff?.("id", olds, inputs({ cluster: true }));
    expect(diff?.changes).toBe(false);
  });
});
