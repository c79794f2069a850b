import { type StackConfig as AnyPlatformStackConfig, readStackConfig } from "./config/load";
import { type ConfigSource, pulumiConfigSource } from "./config/source";
import { type PlatformSettings, platformRegistry } from "./platforms/registry";

/** The validated configuration of one stack, its platform settings typed by the registry. */
export type StackConfig = AnyPlatformStackConfig<PlatformSettings>;

/**
 * Reads and validates the stack configuration once, before any resource exists, for every platform of the
 * registry. Throws a ConfigError that lists every problem; secrets are never quoted.
 */
export function loadStackConfig(source: ConfigSource = pulumiConfigSource()): StackConfig {
  // The loader checked the settings with the section of config.platform.name, so they are that platform's.
  return readStackConfig(platformRegistry, source) as StackConfig;
}
