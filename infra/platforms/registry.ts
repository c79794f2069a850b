import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load";
import type { PlatformSections } from "../config/platform-section";
import { azurePlatform } from "./azure";
import { existingPlatform } from "./existing";
import { neonPlatform } from "./neon";
import type { Platform } from "./platform";
import type { PlatformDatabase, PlatformName } from "./platform-database";
import { supabasePlatform } from "./supabase";

/** Every platform, by the name the setting `platform` takes. Add a platform by adding its folder's entry here. */
export const platformRegistry = {
  azure: azurePlatform,
  existing: existingPlatform,
  neon: neonPlatform,
  supabase: supabasePlatform,
} satisfies PlatformSections;

type Registry = typeof platformRegistry;
export type PlatformSettingsOf<P extends PlatformName> = Registry[P] extends Platform<infer T> ? T : never;

/** The selected platform and its validated settings. */
export type PlatformSettings = { [P in PlatformName]: { name: P; settings: PlatformSettingsOf<P> } }[PlatformName];

/** Creates the server part for the stack's platform. Only this part differs between platforms. */
export function createPlatform(config: StackConfig, opts?: pulumi.ComponentResourceOptions): PlatformDatabase {
  const platform = platformRegistry[config.platform.name] as Platform<unknown>;
  return platform.create(config, config.platform.settings, opts);
}
