// The libpq environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE) as the CLI reads
// them, with and without a URL, and --no-retry, against the native PostgreSQL server.
import { spawn } from "node:child_process";
import { createServer, type Server, connect as tcpConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { cliBin, collectOutput, freePort, runCli } from "../support";
import { basicMigrations, perTestResources } from "./fixtures";

const { defer, freshDatabase, project } = perTestResources("cli_env");

/** The parts of a native database URL as libpq variables; DATABASE_URL is left out (runCli removes it). */
function libpqEnvironment(url: string) {
  const parsed = new URL(url);
  return {
    PGHOST: parsed.hostname,
    PGPORT: parsed.port,
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGSSLMODE: "disable",
  };
}

/** Every libpq variable unset, so that the machine's own environment cannot leak into a test. */
const noLibpqVariables = {
  PGHOST: undefined,
  PGPORT: undefined,
  PGDATABASE: undefined,
  PGUSER: undefined,
  PGPASSWORD: undefined,
  PGSSLMODE: undefined,
};

function expectNoSecret(result: { stdout: string; stderr: string }, secret: string) {
  expect(result.stdout).not.toContain(secret);
  expect(result.stderr).not.toContain(secret);
}

describe("the libpq environment variables", () => {
  it("connect with PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE alone, as psql would", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const parts = libpqEnvironment(database.url);
    const env = { ...noLibpqVariables, ...parts };

    const up = await runCli(["up", "--dir", dir, "--verbose"], { env });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("Applied 2 migrations");
    expectNoSecret(up, parts.PGPASSWORD);

    const status = await runCli(["status", "--dir", dir, "--json"], { env });
    expect(status.code).toBe(0);
    const document = JSON.parse(status.stdout) as { migrations: { state: string }[] };
    expect(document.migrations.map((migration) => migration.state)).toEqual(["applied", "applied"]);
  });

  it("fill what a partial URL leaves out, and never override what it gives", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const parts = libpqEnvironment(database.url);
    const env = {
      ...noLibpqVariables,
      // The URL gives host, port and database; PGHOST, PGDATABASE and PGSSLMODE would point elsewhere.
      DATABASE_URL: `postgres://${parts.PGHOST}:${parts.PGPORT}/${parts.PGDATABASE}?sslmode=disable`,
      PGHOST: "no-such-host.invalid",
      PGDATABASE: "no_such_database",
      PGSSLMODE: "verify-full",
      PGUSER: parts.PGUSER,
      PGPASSWORD: parts.PGPASSWORD,
    };
    const result = await runCli(["up", "--dir", dir], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Applied 2 migrations");
    expectNoSecret(result, parts.PGPASSWORD);
  });

  it("use PGSSLMODE when the URL has no sslmode", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const parts = libpqEnvironment(database.url);
    // The test server has no TLS: sslmode=require cannot connect, and says which sslmode it used.
    const env = { ...noLibpqVariables, DATABASE_URL: database.url, PGSSLMODE: "require" };
    const result = await runCli(["plan", "--dir", dir, "--no-retry"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(sslmode=require)");
    expectNoSecret(result, parts.PGPASSWORD);
  });

  it("refuse a bad PGPORT or PGSSLMODE as a usage error naming the variable", async () => {
    const { dir } = project(basicMigrations);
    const port = await runCli(["plan", "--dir", dir], {
      env: { ...noLibpqVariables, PGHOST: "127.0.0.1", PGPORT: "54x" },
    });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('Invalid port "54x" (from PGPORT): use a number from 1 to 65535');
    const sslmode = await runCli(["plan", "--dir", dir], {
      env: { ...noLibpqVariables, PGDATABASE: "app", PGSSLMODE: "required" },
    });
    expect(sslmode.code).toBe(2);
    expect(sslmode.stderr).toContain('Invalid sslmode "required" (from PGSSLMODE)');
  });

  it("keep a wrong PGPASSWORD out of the error, in text and JSON", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const wrong = "Wr0ng-pa55word!";
    const env = { ...noLibpqVariables, ...libpqEnvironment(database.url), PGPASSWORD: wrong };
    for (const json of [[], ["--json"]]) {
      const result = await runCli(["plan", "--dir", dir, "--verbose", ...json], { env });
      expect(result.code).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toContain("The password or user name is wrong");
      expectNoSecret(result, wrong);
    }
  });

  it("are not enough without PGHOST or PGDATABASE: nothing is guessed, exit 2", async () => {
    const { dir } = project(basicMigrations);
    const result = await runCli(["up", "--dir", dir], {
      env: { ...noLibpqVariables, PGUSER: "app", PGPASSWORD: "Secret-123!" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no database given: set DATABASE_URL, or PGHOST / PGDATABASE");
    expect(result.stderr).not.toContain("Secret-123!");
  });
});

/** A TCP forwarder from 127.0.0.1:`port` to the database, not listening until `listen()`. */
function forwarder(port: number, target: URL): { server: Server; listen(): void } {
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return { server, listen: () => server.listen(port, "127.0.0.1") };
}

describe("--no-retry", () => {
  it("fails at the first refused connection, where the default retries until the server is up", async () => {
    const database = await freshDatabase();
    const { dir } = project(basicMigrations);
    const port = await freePort();
    const viaPort = new URL(database.url);
    viaPort.port = String(port);
    const env = { ...process.env, ...noLibpqVariables, DATABASE_URL: viaPort.toString() };

    const once = await runCli(["plan", "--dir", dir, "--no-retry"], { env });
    expect(once.code).toBe(1);
    expect(once.stderr).toContain("error [CONNECTION_FAILED]");
    expect(once.stderr).toContain("ECONNREFUSED");
    expect(once.stderr).not.toContain("retrying");
    expect(once.stderr).not.toContain("attempts");

    // The server "comes up" once the CLI has said it retries: the default's next attempt reaches it.
    const proxy = forwarder(port, new URL(database.url));
    defer(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));
    const child = spawn(process.execPath, [cliBin, "plan", "--dir", dir], { env });
    const output = collectOutput(child);
    child.stderr.on("data", () => {
      if (output.stderr().includes("retrying in") && !proxy.server.listening) proxy.listen();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(output.stderr()).toMatch(/Cannot connect to .* yet \(ECONNREFUSED.*\); attempt 1 of 5, retrying in 500 ms/);
    expect(code, output.stderr()).toBe(0);
    expect(output.stdout()).toContain("Pending: 2");
  });
});
