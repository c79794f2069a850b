// Reads the project's Pulumi.yaml and stack files the way the Pulumi CLI hands their values to the program:
// strings stay strings, numbers and booleans become their text, lists and objects become JSON.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

export const projectDirectory = process.cwd();

// js-yaml is the YAML parser the Pulumi SDK itself uses for project files (a dependency of @pulumi/pulumi).
const fromRoot = createRequire(path.join(projectDirectory, "package.json"));
const yaml = createRequire(fromRoot.resolve("@pulumi/pulumi/package.json"))("js-yaml") as {
  load(text: string): unknown;
};

export function readYaml(file: string): Record<string, unknown> {
  return yaml.load(readFileSync(path.join(projectDirectory, file), "utf8")) as Record<string, unknown>;
}

/** The `config:` of Pulumi.<stack>.yaml as the program receives it, keyed as written ("pgvector-stack:skuName"). */
export function stackFileConfig(stack: string): Record<string, string> {
  const config = (readYaml(`Pulumi.${stack}.yaml`).config ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}
