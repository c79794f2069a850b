import { adoptedAdminPasswordSetting } from "../platforms/azure/adoption";
import { type AzureSettings, azureSettings, locationSetting, parseAzureSettings } from "../platforms/azure/config";
import { readReplicasSetting } from "../platforms/azure/read-replicas-config";
import { serverParametersSetting } from "../platforms/azure/server-parameters";
import { existingSection } from "../platforms/existing/section";
import { neonSection } from "../platforms/neon/section";
import type { PlatformName } from "../platforms/platform-database";
import { supabaseSection } from "../platforms/supabase/section";
import type { CommonSettings } from "./common";
import type { Parsed } from "./problems";
import type { Setting } from "./setting";
import type { ConfigSource } from "./source";

/**
 * How the configuration loader reads one platform's settings. Add a platform by adding its section to
 * `platformSections` (and its case to infra/platforms/index.ts).
 */
export interface PlatformSection<T> {
  /** Flat settings that Pulumi.yaml declares for this platform (a test checks Pulumi.yaml against them). */
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

const azureSection: PlatformSection<AzureSettings> = {
  settings: azureSettings,
  otherKeys: [locationSetting, serverParametersSetting, readReplicasSetting, adoptedAdminPasswordSetting],
  secretKeys: [adoptedAdminPasswordSetting],
  docs: "docs/azure.md#settings",
  parse: parseAzureSettings,
};

export const platformSections = {
  azure: azureSection,
  existing: existingSection,
  neon: neonSection,
  supabase: supabaseSection,
} satisfies Record<PlatformName, PlatformSection<unknown>>;

type Sections = typeof platformSections;
export type PlatformSettingsOf<P extends PlatformName> = Sections[P] extends PlatformSection<infer T> ? T : never;

/** The selected platform and its validated settings. */
export type PlatformSettings = { [P in PlatformName]: { name: P; settings: PlatformSettingsOf<P> } }[PlatformName];
