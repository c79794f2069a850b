import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { qualifiedKey } from "./source";

/** One thing wrong with the stack configuration. */
export interface Problem {
  /** The setting as `pulumi config set` takes it, without the project namespace: "skuName", "firewallRules[2]". */
  setting: string;
  /** Says what is wrong and what is accepted; quotes the value unless it is a secret. */
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** "firewallRules", [2] -> "firewallRules[2]"; "existing", ["host"] -> "existing.host". */
export function settingPath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${String(part)}`),
    base,
  );
}

/**
 * zod issues as problems. `settingFor` names the setting an issue path points into (its first element is a
 * key of the parsed object). Issue inputs are never copied into messages, so secrets stay out of them.
 */
export function problemsFromZod(
  error: z.ZodError,
  settingFor: (path: readonly PropertyKey[]) => string = (path) => settingPath(String(path[0]), path.slice(1)),
): Problem[] {
  return error.issues.map((issue) => ({ setting: settingFor(issue.path), message: issue.message }));
}

/**
 * Every problem of the stack configuration, raised before any resource is registered. A RunError: the Pulumi
 * CLI prints its message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  readonly problems: readonly Problem[];

  /** `docs`: the pages (`docs/<page>.md#<heading>`) that document the settings at fault, pointed to at the end. */
  constructor(project: string, stack: string, problems: readonly Problem[], docs: readonly string[]) {
    const lines = problems.map((problem) => `  - ${qualifiedKey(project, problem.setting)}: ${problem.message}`);
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      [
        `The configuration of stack "${stack}" has ${count}:`,
        ...lines,
        `Change a setting with \`pulumi config set <key> <value>\` (add --secret for secrets); see ${docs.join(" and ")}.`,
      ].join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}
