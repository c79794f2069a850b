// Runs the squawk binary (shipped by the squawk-cli npm package) on one SQL text and returns its JSON report.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { MigrateError } from "../errors";

/** One entry of `squawk --reporter json`: positions are 0-based, columns in UTF-8 bytes, column_end exclusive. */
export interface SquawkViolation {
  file: string;
  line: number;
  column: number;
  line_end: number;
  column_end: number;
  level: string;
  message: string;
  help: string | null;
  rule_name: string;
}

export interface SquawkRun {
  squawkPath: string;
  sql: string;
  /** Name squawk reports the text under. */
  displayPath: string;
  assumeInTransaction: boolean;
  excludedRules: readonly string[];
  includedRules: readonly string[];
  pgVersion?: string;
}

/** squawk reads .squawk.toml from the working directory upwards; an empty config makes runs depend on options only. */
const emptyConfig = process.platform === "win32" ? "NUL" : "/dev/null";

export function defaultSquawkPath(): string {
  const requireHere = createRequire(__filename);
  let launcher: { getBinaryPath(): string };
  try {
    launcher = requireHere("squawk-cli/js/index.js") as { getBinaryPath(): string };
  } catch {
    throw new MigrateError(
      "INVALID_OPTIONS",
      "the migration linter needs the squawk-cli package, which is not installed: run `npm install squawk-cli` (or pass squawkPath)",
    );
  }
  try {
    return launcher.getBinaryPath();
  } catch (error) {
    // squawk-cli ships its binary in an optional per-platform package (@squawk-cli/linux-x64, ...).
    throw new MigrateError("INVALID_OPTIONS", `cannot find the squawk binary: ${(error as Error).message}`);
  }
}

export function squawkArguments(run: SquawkRun): string[] {
  const args = ["--reporter", "json", "--config", emptyConfig, "--stdin-filepath", run.displayPath];
  if (run.assumeInTransaction) args.push("--assume-in-transaction");
  if (run.excludedRules.length > 0) args.push(`--exclude=${run.excludedRules.join(",")}`);
  if (run.includedRules.length > 0) args.push(`--include=${run.includedRules.join(",")}`);
  if (run.pgVersion !== undefined) args.push(`--pg-version=${run.pgVersion}`);
  return args;
}

export function runSquawk(run: SquawkRun): Promise<SquawkViolation[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.squawkPath, squawkArguments(run), { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // squawk may exit (on a usage error) before reading its input.
    child.stdin.on("error", () => {});
    child.on("error", (error) => {
      reject(
        new MigrateError("INVALID_OPTIONS", `cannot run squawk at ${run.squawkPath}: ${error.message}`, {
          file: run.displayPath,
        }),
      );
    });
    child.on("close", (code, signal) => {
      const errorText = Buffer.concat(stderr).toString("utf8").trim();
      // 0: no findings, 1: findings; anything else is a usage error or a crash.
      if (code !== 0 && code !== 1) {
        const reason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(
          new MigrateError(
            "INVALID_OPTIONS",
            `squawk ${reason} while linting ${run.displayPath}: ${firstLine(errorText) || "no error message"}`,
            { file: run.displayPath },
          ),
        );
        return;
      }
      try {
        resolve(parseReport(Buffer.concat(stdout).toString("utf8")));
      } catch (error) {
        reject(
          new MigrateError(
            "INVALID_OPTIONS",
            `cannot read squawk's report for ${run.displayPath}: ${(error as Error).message}`,
            { file: run.displayPath },
          ),
        );
      }
    });
    child.stdin.end(run.sql, "utf8");
  });
}

/** squawk's first error line, with its flags renamed to the LintOptions that set them. */
function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "")
    .replace(/^error:\s*/, "")
    .replace("'--exclude <rule>'", "excludedRules")
    .replace("'--include <rule>'", "includedRules")
    .replace("'--pg-version <PG_VERSION>'", "pgVersion");
}

function parseReport(text: string): SquawkViolation[] {
  const report: unknown = JSON.parse(text);
  if (!Array.isArray(report)) throw new Error("expected a JSON array");
  return report.map((entry: unknown, index) => {
    const item = entry as Partial<SquawkViolation>;
    const numbers = [item.line, item.column, item.line_end, item.column_end];
    if (
      typeof item.rule_name !== "string" ||
      typeof item.message !== "string" ||
      numbers.some((n) => typeof n !== "number")
    ) {
      throw new Error(`entry ${index} lacks rule_name, message or positions`);
    }
    return item as SquawkViolation;
  });
}
