import { ConfigError, staticConfigSource } from "../../infra/config";
import { loadStackConfig } from "../../infra/stack-config";
import { project } from "./harness";

/** "<setting>: <message>" for every problem of the configuration; [] when it loads. */
export function configProblems(
  config: Record<string, string>,
  options: { stack?: string; secretKeys?: readonly string[] } = {},
): string[] {
  try {
    loadStackConfig(staticConfigSource(project, options.stack ?? "dev", config, options.secretKeys));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.setting}: ${problem.message}`);
    throw error;
  }
  return [];
}
