// `npm run local`: PGlite + pgvector over TCP, migrations applied, data kept across restarts.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../support";
import { type LocalProcess, localEntry, runLocal, startLocal } from "./local-process";

let work: string;
let migrations: string;
let dataDir: string;
const running: LocalProcess[] = [];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "pgvm-local-"));
  migrations = join(work, "migrations");
  dataDir = join(work, "pgdata");
  mkdirSync(migrations);
  writeFileSync(
    join(migrations, "0001_documents.sql"),
    "CREATE TABLE documents (id bigint PRIMARY KEY, embedding vector(3) NOT NULL);\n",
  );
  writeFileSync(
    join(migrations, "0002_documents_index.sql"),
    "CREATE INDEX documents_embedding_idx ON documents USING hnsw (embedding vector_cosine_ops);\n",
  );
});

afterEach(async () => {
  for (const server of running.splice(0)) if (server.child.exitCode === null) await server.stop("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

async function start(port: number): Promise<LocalProcess> {
  const server = await startLocal(["--port", String(port), "--data-dir", dataDir, "--dir", migrations]);
  running.push(server);
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("npm run local", () => {
  it("serves pgvector with the migrations applied and keeps data across a restart", async () => {
    const port = await freePort();
    const first = await start(port);
    expect(first.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/app?sslmode=disable`);
    expect(first.stdout().match(/^DATABASE_URL=/gm)).toHaveLength(1);
    expect(first.stdout()).toContain("Migrations: 2 applied now, 2 in total, 0 pending");

    expect(await query(first.url, "SELECT current_database() AS db")).toEqual([{ db: "app" }]);
    expect(await query(first.url, "SELECT extname FROM pg_extension WHERE extname = 'vector'")).toHaveLength(1);
    await query(first.url, "INSERT INTO documents VALUES (1, '[1,0,0]'), (2, '[0,1,0]')");
    const nearest = await query<{ id: string }>(
      first.url,
      "SELECT id FROM documents ORDER BY embedding <=> '[0.9,0.1,0]' LIMIT 1",
    );
    expect(nearest).toEqual([{ id: "1" }]);

    expect(await first.stop("SIGINT")).toBe(0);

    writeFileSync(join(migrations, "0003_documents_title.sql"), "ALTER TABLE documents ADD COLUMN title text;\n");
    const second = await start(port);
    expect(second.stdout()).toContain("Migrations: 1 applied now, 3 in total, 0 pending");
    expect(await query(second.url, "SELECT id, title FROM documents ORDER BY id")).toEqual([
      { id: "1", title: null },
      { id: "2", title: null },
    ]);
    expect(await second.stop("SIGTERM")).toBe(0);

    const third = await start(port);
    expect(third.stdout()).toContain("Migrations: 0 applied now, 3 in total, 0 pending");
    expect(await third.stop()).toBe(0);
  });

  it("tells each client, and the server's stderr, that all connections share one PGlite session", async () => {
    const server = await start(await freePort());
    // Written to stderr right after the banner on stdout: the two pipes may arrive in either order.
    await vi.waitFor(() =>
      expect(server.stderr()).toContain("Note: pgvector local server (PGlite): every client connection shares ONE"),
    );
    // The engine's connection during start-up is not announced.
    expect(server.stderr()).not.toMatch(/^Client .* connected/m);
    const connectWithNotices = async () => {
      const client = new pg.Client({ connectionString: server.url });
      const notices: { severity?: string; code?: string; message?: string; hint?: string }[] = [];
      client.on("notice", (notice) => notices.push(notice));
      await client.connect();
      return { client, notices };
    };
    const first = await connectWithNotices();
    const second = await connectWithNotices();
    try {
      for (const { notices } of [first, second]) {
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatchObject({ severity: "NOTICE", code: "00000" });
        expect(notices[0]?.message).toMatch(
          /^pgvector local server \(PGlite\): every client connection shares ONE PostgreSQL session/,
        );
        expect(notices[0]?.hint).toContain("docs/local.md");
      }
      // What the notice warns about, with two real connections: one's temporary table and SET are the other's.
      await first.client.query("CREATE TEMPORARY TABLE scratch (n int)");
      await first.client.query("SET application_name = 'first'");
      expect((await second.client.query("SELECT to_regclass('scratch') IS NOT NULL AS visible")).rows).toEqual([
        { visible: true },
      ]);
      expect((await second.client.query("SHOW application_name")).rows).toEqual([{ application_name: "first" }]);
      // Queries after the start-up notice work as usual.
      expect((await second.client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await first.client.end();
      await second.client.end();
    }
    await vi.waitFor(() => expect(server.stderr().match(/^Client 127\.0\.0\.1:\d+ connected .*$/gm)).toHaveLength(2));
    expect(server.stderr()).toMatch(
      /^Client 127\.0\.0\.1:\d+ connected \(2 open: it shares the one PGlite session with 1 other\)$/m,
    );
    expect(await server.stop()).toBe(0);
  });

  it("stops cleanly on Ctrl-C during start-up, keeping what it applied", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [
      localEntry,
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--dir",
      migrations,
    ]);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // The pid file is written as start-up begins, long before PGlite is open and the migrations are applied.
    for (let tries = 0; !existsSync(`${dataDir}.pid`); tries++) {
      if (tries > 400) throw new Error(`the local server did not start:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toContain("SIGINT: stopping");
    expect(existsSync(`${dataDir}.pid`)).toBe(false);

    const restarted = await start(port);
    expect(restarted.stdout()).toContain("Migrations: 0 applied now, 2 in total, 0 pending");
    expect(await restarted.stop()).toBe(0);
  });

  it("refuses a second server on the same data directory, naming the running one", async () => {
    const first = await start(await freePort());
    const second = await runLocal(["--port", String(await freePort()), "--data-dir", dataDir, "--dir", migrations]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by another local server (pid ${first.child.pid})`);
    expect(second.stdout).not.toContain("DATABASE_URL=");
    expect(await first.stop()).toBe(0);
  });

  it("says which port is taken", async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const result = await runLocal(["--port", String(port), "--data-dir", dataDir, "--dir", migrations]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("exits 1 with the engine's message when a migration fails, and serves nothing", async () => {
    writeFileSync(join(migrations, "0003_broken.sql"), "ALTER TABLE no_such_table ADD COLUMN x int;\n");
    const result = await runLocal(["--port", String(await freePort()), "--data-dir", dataDir, "--dir", migrations]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("migrations/0003_broken.sql");
    expect(result.stdout).not.toContain("DATABASE_URL=");
  });

  it("rejects a bad option as the CLI does, naming the option and what to use", async () => {
    const result = await runLocal(["--port", "http"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error: option '--port <n>' argument 'http' is invalid. use a number from 0 to 65535 (0 picks a free port)",
    );
    expect(result.stderr).toContain("(run npm run local -- --help for usage)");
    const typo = await runLocal(["--data-dri", dataDir]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option '--data-dri' (did you mean --data-dir?)");
  });

  it("prints its help in the CLI's style, defaults and environment variables included", async () => {
    const result = await runLocal(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run local -- \[options\]\n/);
    expect(result.stdout).toContain("--port <n>");
    expect(result.stdout.replace(/\s+/g, " ")).toContain('(default: "54329") (env: PGVECTOR_LOCAL_PORT)');
    expect(result.stdout).toContain("-h, --help");
  });
});
