// `status` as a user runs it, against real native PostgreSQL: one line per migration, --json, --exit-code.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("status");

describe("status", () => {
  it("lists applied migrations with when, by whom and how long, then the pending ones", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);
    writeFileSync(join(dir, "0003_add_tags.sql"), "ALTER TABLE documents ADD COLUMN tags text[];\n");

    const human = await runCli(["status", "--dir", dir], { env });
    expect(human.code).toBe(0);
    const lines = human.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^\[X\] 0001_create_documents applied \d{4}-\d\d-\d\dT\S+ by postgres \(pgvector-migrate on .+\) \(\d+ ms\)$/,
    );
    expect(lines[1]).toMatch(/^\[X\] 0002_add_body applied /);
    expect(lines[2]).toBe("[ ] 0003_add_tags pending");
    expect(human.stdout).toContain("Applied: 2\nPending: 1\n");

    const gate = await runCli(["status", "--dir", dir, "--exit-code"], { env });
    expect(gate.code).toBe(3);

    const json = await runCli(["status", "--dir", dir, "--json"], { env });
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ command: "status", ok: true, format: "native" });
    expect(document.migrations).toEqual([
      expect.objectContaining({
        version: 1,
        id: "0001_create_documents",
        state: "applied",
        path: "migrations/0001_create_documents.sql",
        appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        appliedBy: expect.any(String),
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ id: "0002_add_body", state: "applied" }),
      { version: 3, id: "0003_add_tags", state: "pending", path: "migrations/0003_add_tags.sql" },
    ]);
  });

  it("reports a changed and a missing applied file, and --exit-code fails on them", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);
    expect((await runCli(["status", "--dir", dir, "--exit-code"], { env })).code).toBe(0);

    writeFileSync(join(dir, "0001_create_documents.sql"), "CREATE TABLE documents (id bigint PRIMARY KEY);\n");
    rmSync(join(dir, "0002_add_body.sql"));
    rmSync(join(dir, "0002_add_body.down.sql"));

    const human = await runCli(["status", "--dir", dir], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^\[!\] 0001_create_documents changed: the file differs from the applied checksum; applied /m,
    );
    expect(human.stdout).toMatch(/^\[\?\] 0002_add_body missing: no file in the migrations directory; applied /m);
    expect(human.stdout).toContain("Changed: 1\nMissing: 1\n");

    const json = JSON.parse((await runCli(["status", "--dir", dir, "--json"], { env })).stdout);
    expect(json.migrations.map((m: { state: string }) => m.state)).toEqual(["changed", "missing"]);
    expect((await runCli(["status", "--dir", dir, "--exit-code"], { env })).code).toBe(3);
  });
});
