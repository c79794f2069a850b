// Runs the built `npm run local` entry point (local/dist/main.js) as a child process.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../support";
import { collectOutput, runProcess } from "../support/process";

export interface LocalProcess {
  child: ChildProcessWithoutNullStreams;
  /** The DATABASE_URL line's value. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface LocalRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const localEntry = join(repoRoot, "local/dist/main.js");

/** Starts the server and resolves once it printed DATABASE_URL (or rejects with its output if it exits first). */
export function startLocal(args: readonly string[]): Promise<LocalProcess> {
  const child = spawn(process.execPath, [localEntry, ...args], { cwd: repoRoot });
  const output = collectOutput(child);
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const stdout = output.stdout();
      const match = /^DATABASE_URL=(.*)$/m.exec(stdout);
      // Wait for the status lines after the URL too, so callers see the whole banner.
      if (!match?.[1] || !/Ctrl-C/.test(stdout)) return;
      child.stdout.off("data", onData);
      resolve({
        child,
        url: match[1],
        stdout: output.stdout,
        stderr: output.stderr,
        stop: (signal = "SIGINT") => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on("data", onData);
    exited.then((code) =>
      reject(new Error(`local server exited with ${code} before serving\n${output.stdout()}\n${output.stderr()}`)),
    );
  });
}

/** Runs the entry point to completion (for runs expected to fail at start-up). */
export async function runLocal(args: readonly string[]): Promise<LocalRun> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [localEntry, ...args], { cwd: repoRoot });
  return { code, stdout, stderr };
}
