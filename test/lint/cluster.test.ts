import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSql } from "../../packages/migrate/src/engine/check-sql";
import { MigrateError } from "../../packages/migrate/src/errors";
import { loadMigrations } from "../../packages/migrate/src/files/load";
import { clusterRule, lintErrors, lintMigrations } from "../../packages/migrate/src/lint";
import { loadParser, parseSql } from "../../packages/migrate/src/sql/parser";
import { sqlFile } from "./helpers";

const lockTimeout = "-- migrate:set lock_timeout = '5s'\n";
const chunksTable = `${lockTimeout}CREATE TABLE chunks (document_id bigint NOT NULL, id bigint NOT NULL, embedding vector(3), PRIMARY KEY (document_id, id));\n`;
const documentsTable = `${lockTimeout}CREATE TABLE documents (id bigint PRIMARY KEY, title text);\n`;

async function clusterRules(files: ReturnType<typeof sqlFile>[], options: Parameters<typeof lintMigrations>[1] = {}) {
  const findings = await lintMigrations(files, { cluster: true, ...options });
  return findings
    .filter((finding) => finding.rule === clusterRule)
    .map(({ displayPath, line, rule, level }) => ({ displayPath, line, rule, level }));
}

describe("the cluster lint (cluster: true)", () => {
  it("flags a table with a vector column that the migration set never distributes, as an error with a position", async () => {
    const findings = await lintMigrations(
      [sqlFile("migrations/0001_documents.sql", documentsTable), sqlFile("migrations/0002_chunks.sql", chunksTable)],
      { cluster: true },
    );
    expect(findings).toEqual([
      expect.objectContaining({
        displayPath: "migrations/0002_chunks.sql",
        line: 2,
        column: 1,
        endLine: 2,
        rule: clusterRule,
        level: "error",
        url: "docs/scaling-out.md#migrations-on-a-cluster",
      }),
    ]);
    expect(findings[0]?.message).toContain("public.chunks");
    expect(findings[0]?.help).toContain("create_distributed_table('public.chunks'");
    expect(lintErrors(findings)).toHaveLength(1);
  });

  it("is off unless the target is a cluster, and off when the rule is excluded", async () => {
    const files = [sqlFile("migrations/0002_chunks.sql", chunksTable)];
    expect(await lintMigrations(files)).toEqual([]);
    expect(await lintMigrations(files, { cluster: false })).toEqual([]);
    expect(await clusterRules(files, { excludedRules: [clusterRule] })).toEqual([]);
  });

  it("accepts create_distributed_table in the same file or a later one, by position, name or regclass cast", async () => {
    const sameFile = sqlFile(
      "migrations/0002_chunks.sql",
      `${chunksTable}SELECT create_distributed_table('chunks', 'document_id');\n`,
    );
    expect(await clusterRules([sameFile])).toEqual([]);
    const later = sqlFile(
      "migrations/0003_distribute.sql",
      `SELECT create_distributed_table(table_name => 'public.chunks', distribution_column => 'document_id', colocate_with => 'documents');\n`,
    );
    expect(await clusterRules([sqlFile("migrations/0002_chunks.sql", chunksTable), later])).toEqual([]);
    const cast = sqlFile(
      "migrations/0003_distribute.sql",
      `SELECT create_distributed_table_concurrently('chunks'::regclass, 'document_id');\n`,
    );
    expect(await clusterRules([sqlFile("migrations/0002_chunks.sql", chunksTable), cast])).toEqual([]);
  });

  it("accepts a reference table", async () => {
    const reference = sqlFile(
      "migrations/0002_labels.sql",
      `${lockTimeout}CREATE TABLE labels (id int PRIMARY KEY, centroid halfvec(3));\nSELECT create_reference_table('labels');\n`,
    );
    expect(await clusterRules([reference])).toEqual([]);
  });

  it("does not count a distribution of another table, or of the same name in another schema", async () => {
    const other = sqlFile(
      "migrations/0003_distribute.sql",
      "SELECT create_distributed_table('documents', 'id');\nSELECT create_distributed_table('archive.chunks', 'document_id');\n",
    );
    expect(await clusterRules([sqlFile("migrations/0002_chunks.sql", chunksTable), other])).toEqual([
      { displayPath: "migrations/0002_chunks.sql", line: 2, rule: clusterRule, level: "error" },
    ]);
  });

  it("accepts a table in a distributed schema: citus_schema_distribute, before or after the table is created", async () => {
    const table = sqlFile(
      "migrations/0002_chunks.sql",
      `${lockTimeout}CREATE SCHEMA tenant_a;\nCREATE TABLE tenant_a.chunks (id bigint PRIMARY KEY, embedding vector(3));\n`,
    );
    const distribute = sqlFile("migrations/0003_schema.sql", "SELECT citus_schema_distribute('tenant_a');\n");
    expect(await clusterRules([table, distribute])).toEqual([]);
    expect(await clusterRules([table])).toHaveLength(1);
  });

  it("accepts a table in a schema created while citus.enable_schema_based_sharding is on, in that file's session", async () => {
    const sharded = sqlFile(
      "migrations/0002_tenant.sql",
      `${lockTimeout}SET citus.enable_schema_based_sharding TO on;\nCREATE SCHEMA tenant_b;\nCREATE TABLE tenant_b.chunks (id bigint PRIMARY KEY, embedding vector(3));\n`,
    );
    expect(await clusterRules([sharded])).toEqual([]);
    const turnedOff = sqlFile(
      "migrations/0002_tenant.sql",
      `${lockTimeout}SET citus.enable_schema_based_sharding TO on;\nSET citus.enable_schema_based_sharding TO off;\nCREATE SCHEMA tenant_b;\nCREATE TABLE tenant_b.chunks (id bigint PRIMARY KEY, embedding vector(3));\n`,
    );
    expect(await clusterRules([turnedOff])).toHaveLength(1);
    // The engine resets a migration's session settings before the next one: the setting does not carry over.
    const setOnly = sqlFile("migrations/0001_setting.sql", "SET citus.enable_schema_based_sharding TO on;\n");
    const nextFile = sqlFile(
      "migrations/0002_tenant.sql",
      `${lockTimeout}CREATE SCHEMA tenant_c;\nCREATE TABLE tenant_c.chunks (id bigint PRIMARY KEY, embedding vector(3));\n`,
    );
    expect(await clusterRules([setOnly, nextFile])).toHaveLength(1);
    // Set for every session (EngineOptions.sessionSettings), it applies to every file.
    expect(await clusterRules([nextFile], { sessionSettings: { "citus.enable_schema_based_sharding": "on" } })).toEqual(
      [],
    );
  });

  it("resolves unqualified names through the search_path directive, session settings or SET search_path", async () => {
    const distributeApp = sqlFile(
      "migrations/0003_distribute.sql",
      "SELECT create_distributed_table('app.chunks', 'document_id');\n",
    );
    const viaDirective = sqlFile(
      "migrations/0002_chunks.sql",
      `-- migrate:set search_path = 'app, public'\n${chunksTable}`,
    );
    expect(await clusterRules([viaDirective, distributeApp])).toEqual([]);
    const viaSet = sqlFile(
      "migrations/0002_chunks.sql",
      `${lockTimeout}SET search_path = app;\n${chunksTable.replace(lockTimeout, "")}`,
    );
    expect(await clusterRules([viaSet, distributeApp])).toEqual([]);
    const plain = sqlFile("migrations/0002_chunks.sql", chunksTable);
    expect(await clusterRules([plain, distributeApp], { sessionSettings: { search_path: '"$user", app' } })).toEqual(
      [],
    );
    expect(await clusterRules([plain, distributeApp])).toHaveLength(1);
  });

  it("flags a vector column added to a table created in the set, and forgets a table dropped in the set", async () => {
    const documents = sqlFile("migrations/0001_documents.sql", documentsTable);
    const addColumn = sqlFile(
      "migrations/0002_embedding.sql",
      `${lockTimeout}ALTER TABLE documents ADD COLUMN embedding vector(3);\n`,
    );
    expect(await clusterRules([documents, addColumn])).toEqual([
      { displayPath: "migrations/0002_embedding.sql", line: 2, rule: clusterRule, level: "error" },
    ]);
    // A table from an earlier, unlinted migration may already be distributed: not flagged.
    expect(await clusterRules([addColumn])).toEqual([]);
    const drop = sqlFile("migrations/0003_drop.sql", `${lockTimeout}DROP TABLE documents;\n`);
    expect(await clusterRules([documents, addColumn, drop])).toEqual([]);
  });

  it("does not flag tables without a vector column", async () => {
    expect(await clusterRules([sqlFile("migrations/0001_documents.sql", documentsTable)])).toEqual([]);
  });

  it("honours -- squawk-ignore with the rule name above the statement", async () => {
    const accepted = sqlFile(
      "migrations/0002_chunks.sql",
      chunksTable.replace(lockTimeout, `${lockTimeout}-- squawk-ignore ${clusterRule}\n`),
    );
    // Nor does squawk call the comment unused.
    expect(await lintMigrations([accepted], { cluster: true })).toEqual([]);
    const otherRule = sqlFile(
      "migrations/0002_chunks.sql",
      chunksTable.replace(lockTimeout, `${lockTimeout}-- squawk-ignore require-lock-timeout\n`),
    );
    expect(await clusterRules([otherRule])).toHaveLength(1);
  });

  it("refuses a cluster option that is not a boolean", async () => {
    await expect(lintMigrations([], { cluster: "yes" as unknown as boolean })).rejects.toThrow(MigrateError);
    await expect(lintMigrations([], { cluster: "yes" as unknown as boolean })).rejects.toThrow(
      /cluster "yes" is not a boolean/,
    );
  });

  it("flags the single-server example migrations, whose tables are not distributed", async () => {
    const set = loadMigrations(resolve(__dirname, "../../migrations"));
    const findings = await lintMigrations(set.migrations, { cluster: true });
    expect(findings.map(({ displayPath, rule }) => ({ displayPath, rule }))).toEqual([
      { displayPath: "migrations/0002_chunks.sql", rule: clusterRule },
    ]);
  });
});

describe("the example cluster migrations (examples/cluster-migrations)", () => {
  const directory = resolve(__dirname, "../../examples/cluster-migrations");

  it("pass the engine's SQL check and the lint for a cluster with no finding", async () => {
    const set = loadMigrations(directory);
    expect(set.migrations.map((migration) => migration.id)).toEqual([
      "0001_documents",
      "0002_chunks",
      "0003_chunks_embedding_hnsw",
      "0004_match_chunks",
    ]);
    await expect(validateSql(set)).resolves.toBeUndefined();
    expect(await lintMigrations(set.migrations, { cluster: true, strict: true })).toEqual([]);
  });

  it("call Citus functions that PostgreSQL's parser accepts: distribute chunks by document_id, colocated with documents", async () => {
    await loadParser();
    const set = loadMigrations(directory);
    const calls = set.migrations.flatMap((migration) =>
      parseSql(migration.up.sql)
        .statements.filter((statement) => /create_distributed_table/.test(statement.text))
        .map((statement) => statement.text),
    );
    expect(calls).toEqual([
      "SELECT create_distributed_table('documents', 'id')",
      "SELECT create_distributed_table('chunks', 'document_id', colocate_with => 'documents')",
    ]);
  });
});
