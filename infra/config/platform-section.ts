import type { CommonSettings } from "./common";
import type { PlatformName } from "./platform-names";
import type { Parsed } from "./problems";
import type { Setting } from "./setting";
import type { ConfigSource } from "./source";

/**
 * How the configuration loader reads one platform's settings. Each platform folder defines its own
 * (`infra/platforms/<platform>/section.ts`); the loader receives them through the platform registry.
 */
export interface PlatformSection<T> {
  /** Flat settings that Pulumi.yaml declares for this platform (generated from them by `npm run docs`). */
  settings: Record<string, Setting<unknown>>;
  /** Other keys the platform reads: structured settings and secrets, which Pulumi.yaml cannot declare. */
  otherKeys: readonly string[];
  /** Keys that hold secrets: they must be set with `--secret` and their values never appear in messages. */
  secretKeys: readonly string[];
  /** The page and heading that document these settings (`docs/<page>.md#<heading>`): configuration errors point there. */
  docs: string;
  /** Validates the platform's settings; `common` has passed validation already. */
  parse(source: ConfigSource, common: CommonSettings): Parsed<T>;
}

/** The sections of every platform, by name: what the loader needs of the platform registry. */
export type PlatformSections = { readonly [P in PlatformName]: { readonly section: PlatformSection<unknown> } };
