// Runs the BUILT pgvector-migrate bin as a user would (`npm test` builds before vitest runs).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(__dirname, "../..");
export const cliBin = join(repoRoot, "packages/migrate/bin/pgvector-migrate.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  /** Added to a copy of process.env, from which DATABASE_URL is removed unless given here. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Kills the process with SIGKILL after this long. Default 60 s. */
  timeoutMs?: number;
}

export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  if (!existsSync(join(repoRoot, "packages/migrate/dist/cli/main.js"))) {
    throw new Error("packages/migrate/dist/cli/main.js is missing: run `npm run build` first (npm test does it)");
  }
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? repoRoot, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
