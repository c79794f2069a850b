// A safe `down` and `--dry-run`, as a user runs them, against real native PostgreSQL.
import { spawn } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { cliBin, collectOutput, runCli } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("safedown");

async function trackingTableExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('pgvector_migrate.schema_migrations') IS NOT NULL AS exists",
    );
    return rows[0]?.exists === true;
  } finally {
    await client.end();
  }
}

describe("down without --yes", () => {
  it("refuses when stdin is not a terminal, before connecting, naming --yes", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);

    const refused = await runCli(["down", "--to", "0", "--dir", dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect(refused.stderr).toContain("Nothing was reverted");
    expect(refused.stderr).not.toContain("0002_add_body");
    expect(refused.stdout).toBe("");
    // Refused before connecting: even an unreachable server gives the same refusal.
    const unreachable = await runCli(["down", "--to", "0", "--dir", dir], {
      env: { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("--yes");

    const status = JSON.parse((await runCli(["status", "--dir", dir, "--json"], { env })).stdout);
    expect(status.migrations.map((m: { state: string }) => m.state)).toEqual(["applied", "applied"]);
  });
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), answering `answer` once the question appears. */
function runOnTerminal(
  args: readonly string[],
  url: string,
  answer: string,
): Promise<{ code: number | null; text: string }> {
  const command = [process.execPath, cliBin, ...args].map((word) => `'${word}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, DATABASE_URL: url } });
  const output = collectOutput(child);
  let answered = false;
  child.stdout.on("data", () => {
    if (!answered && output.stdout().includes("[y/N]")) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, text: output.stdout() + output.stderr() });
    });
  });
}

describe("down on a terminal", () => {
  it("lists what it will revert and asks; anything but y reverts nothing", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);
    const states = async () =>
      JSON.parse((await runCli(["status", "--dir", dir, "--json"], { env })).stdout).migrations.map(
        (m: { state: string }) => m.state,
      );

    const declined = await runOnTerminal(["down", "--to", "1", "--dir", dir], database.url, "n\n");
    expect(declined.text).toContain("0002_add_body (migrations/0002_add_body.down.sql)");
    expect(declined.text).not.toContain("0001_create_documents (");
    expect(declined.text).toContain("Revert 1 migration(s)? [y/N]");
    expect(declined.text).toContain("Nothing was reverted.");
    expect(declined.code).toBe(1);
    expect(await states()).toEqual(["applied", "applied"]);

    // Ctrl-C at the prompt (raw mode: a byte, not a signal) is a "no" too.
    const interrupted = await runOnTerminal(["down", "--to", "1", "--dir", dir], database.url, "\u0003");
    expect(interrupted.text).toContain("Nothing was reverted.");
    expect(interrupted.code).toBe(1);
    expect(await states()).toEqual(["applied", "applied"]);

    const accepted = await runOnTerminal(["down", "--to", "1", "--dir", dir], database.url, "y\n");
    expect(accepted.code).toBe(0);
    expect(accepted.text).toMatch(/Reverted 0002_add_body \(\d+ ms\)/);
    expect(await states()).toEqual(["applied", "pending"]);
  });
});

describe("--dry-run", () => {
  it("up --dry-run lists the pending files in order and creates no tracking table", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };

    const human = await runCli(["up", "--dir", dir, "--dry-run"], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      "Would apply migrations/0001_create_documents.sql\nWould apply migrations/0002_add_body.sql\n" +
        "Dry run: 2 migrations would be applied; nothing was run\n",
    );
    const json = JSON.parse((await runCli(["up", "--dir", dir, "--dry-run", "--json"], { env })).stdout);
    expect(json).toMatchObject({ command: "up", ok: true, dryRun: true });
    expect(json.wouldApply.map((m: { id: string }) => m.id)).toEqual(["0001_create_documents", "0002_add_body"]);
    expect(await trackingTableExists(database.url)).toBe(false);
  });

  it("down --dry-run lists the down files newest first, needs no --yes and reverts nothing", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const env = { DATABASE_URL: database.url };
    expect((await runCli(["up", "--dir", dir], { env })).code).toBe(0);

    const human = await runCli(["down", "--to", "0", "--dir", dir, "--dry-run"], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      "Would revert 0002_add_body with migrations/0002_add_body.down.sql\n" +
        "Would revert 0001_create_documents with migrations/0001_create_documents.down.sql\n" +
        "Dry run: 2 migrations would be reverted; nothing was run\n",
    );
    const json = JSON.parse((await runCli(["down", "--to", "1", "--dir", dir, "--dry-run", "--json"], { env })).stdout);
    expect(json).toMatchObject({ command: "down", ok: true, dryRun: true, target: 1 });
    expect(json.wouldRevert).toEqual([{ version: 2, id: "0002_add_body", path: "migrations/0002_add_body.down.sql" }]);
    const status = JSON.parse((await runCli(["status", "--dir", dir, "--json"], { env })).stdout);
    expect(status.migrations.map((m: { state: string }) => m.state)).toEqual(["applied", "applied"]);
  });
});
