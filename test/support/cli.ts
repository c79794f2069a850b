// Runs the BUILT pgvector-migrate bin as a user would (`npm test` builds before vitest runs).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ProcessResult, runProcess } from "./process";

export const repoRoot = join(__dirname, "../..");
export const cliBin = join(repoRoot, "packages/migrate/bin/pgvector-migrate.js");

export type CliResult = ProcessResult;

export interface RunCliOptions {
  cwd?: string;
  /**
   * Added to a copy of process.env, from which DATABASE_URL and FORCE_COLOR (which would colour the error labels
   * the tests match) are removed unless given here.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Kills the process with SIGKILL after this long. Default 60 s. */
  timeoutMs?: number;
}

export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  if (!existsSync(join(repoRoot, "packages/migrate/dist/cli/main.js"))) {
    throw new Error("packages/migrate/dist/cli/main.js is missing: run `npm run build` first (npm test does it)");
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: undefined,
    FORCE_COLOR: undefined,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return runProcess(process.execPath, [cliBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    timeoutMs: options.timeoutMs,
  });
}
