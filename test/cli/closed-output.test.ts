// Output is a by-product: a reader that goes away (`| head -1`) must not stop or fail a migration run. The CLI
// runs as a real child process whose stdout/stderr pipes are closed early, against the native server.
import { spawn } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { cliBin, repoRoot, runProcess } from "../support";
import { perTestResources } from "./fixtures";

const { freshDatabase, project } = perTestResources("epipe");

/** 20 small migrations, then optionally one that fails. */
function twentyMigrations(withBrokenLast = false): Record<string, string> {
  const files: Record<string, string> = {};
  for (let version = 1; version <= 20; version++) {
    const id = String(version).padStart(4, "0");
    files[`${id}_table_${version}.sql`] = `CREATE TABLE t${version} (id int);\n`;
  }
  if (withBrokenLast) files["0021_broken.sql"] = "SELECT * FROM no_such_table;\n";
  return files;
}

async function appliedVersions(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>(
      "SELECT version FROM pgvector_migrate.schema_migrations ORDER BY 1",
    );
    return rows.map((row) => Number(row.version));
  } finally {
    await client.end();
  }
}

const all = Array.from({ length: 20 }, (_, index) => index + 1);

/** Runs `node <cli> <args> <redirect> | <reader>` in bash and resolves the CLI's own exit status. */
async function pipedRun(args: string, reader: string, url: string): Promise<number> {
  const script = `"${process.execPath}" "${cliBin}" ${args} | ${reader}; exit "\${PIPESTATUS[0]}"`;
  const result = await runProcess("bash", ["-c", script], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url },
  });
  return result.code ?? -1;
}

describe("a closed output pipe", () => {
  it("does not stop `up --verbose 2>&1 | head -1`: every migration is applied, exit 0", async () => {
    const db = await freshDatabase();
    const { dir } = project(twentyMigrations());
    expect(await pipedRun(`up --verbose --dir "${dir}" 2>&1`, "head -1", db.url)).toBe(0);
    expect(await appliedVersions(db.url)).toEqual(all);
  });

  it("does not crash `up | head -c 0` after applying everything: exit 0", async () => {
    const db = await freshDatabase();
    const { dir } = project(twentyMigrations());
    expect(await pipedRun(`up --dir "${dir}"`, "head -c 0", db.url)).toBe(0);
    expect(await appliedVersions(db.url)).toEqual(all);
  });

  it("keeps the run's real exit code when both pipes are closed before anything is written", async () => {
    const db = await freshDatabase();
    const { dir } = project(twentyMigrations(true));
    const child = spawn(process.execPath, [cliBin, "up", "--verbose", "--dir", dir], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: db.url },
    });
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", (exitCode) => resolve(exitCode)));
    // 0021_broken.sql fails: exit 1 as with an open terminal, and the 20 migrations before it stay applied.
    expect(code).toBe(1);
    expect(await appliedVersions(db.url)).toEqual(all);
  });
});
