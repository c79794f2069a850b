// CLI options that change how a run behaves: --lock-timeout against a second runner, --platform advice.
import { spawn } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { cliBin, runCli } from "../support";
import { perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("cli_run");

/** Polls until a session of the database runs a query matching `pattern`; returns its pid. */
async function waitForQuery(url: string, pattern: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1 AND pid <> pg_backend_pid()",
        [pattern],
      );
      if (rows[0]) return rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

describe("--lock-timeout", () => {
  it("gives up waiting for a running runner after the timeout and names it", async () => {
    const database = await freshDatabase();
    const { dir } = project({ "0001_slow.sql": "SELECT pg_sleep(4);\nCREATE TABLE slow (id int);\n" });
    const env = { ...process.env, DATABASE_URL: database.url };
    const first = spawn(process.execPath, [cliBin, "up", "--dir", dir], { env, stdio: "ignore" });
    const firstExit = new Promise<number | null>((resolve) => first.on("close", resolve));
    const holderPid = await Promise.race([
      waitForQuery(database.url, "%pg_sleep(4)%"),
      firstExit.then((code) =>
        Promise.reject(new Error(`the first runner exited (${code}) before it was seen running`)),
      ),
    ]);

    const second = await runCli(["up", "--dir", dir, "--lock-timeout", "1s", "--json"], {
      env: { DATABASE_URL: database.url },
    });
    expect(second.code).toBe(1);
    const document = JSON.parse(second.stdout);
    expect(document.error.code).toBe("LOCK_TIMEOUT");
    expect(document.error.details).toMatchObject({ holderPid, holderApplicationName: "pgvector-migrate" });
    expect(document.error.message).toContain(`pid ${holderPid}`);

    expect(await firstExit).toBe(0);
    const after = await runCli(["up", "--dir", dir], { env: { DATABASE_URL: database.url } });
    expect(after.stdout).toContain("Nothing to apply");
  });
});

describe("--platform", () => {
  const vectorMigration = { "0001_items.sql": "CREATE TABLE items (id int PRIMARY KEY, embedding vector(3));\n" };

  it("fails before running anything when pgvector is missing, with advice for the platform", async () => {
    const database = await freshDatabase();
    const { dir } = project(vectorMigration);
    const env = { DATABASE_URL: database.url };

    const azure = await runCli(["up", "--dir", dir, "--platform", "azure"], { env });
    expect(azure.code).toBe(1);
    expect(azure.stderr).toContain("[EXTENSION_MISSING]");
    expect(azure.stderr).toContain("azure.extensions");

    const generic = await runCli(["up", "--dir", dir], { env });
    expect(generic.code).toBe(1);
    expect(generic.stderr).toContain("[EXTENSION_MISSING]");
    expect(generic.stderr).not.toContain("azure.extensions");

    const plan = JSON.parse((await runCli(["plan", "--dir", dir, "--json"], { env })).stdout);
    expect(plan.pending).toHaveLength(1);
  });
});
