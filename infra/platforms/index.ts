import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load";
import { createAzurePlatform } from "./azure";
import { createExistingPlatform } from "./existing";
import { createNeonPlatform } from "./neon";
import type { PlatformDatabase } from "./platform-database";
import { createSupabasePlatform } from "./supabase";

export type { PlatformDatabase, PlatformName } from "./platform-database";

/** Creates the server part for the stack's platform. Only this part differs between platforms. */
export function createPlatform(config: StackConfig, opts?: pulumi.ComponentResourceOptions): PlatformDatabase {
  const platform = config.platform;
  switch (platform.name) {
    case "azure":
      return createAzurePlatform(config, platform.settings, opts);
    case "existing":
      return createExistingPlatform(config, platform.settings, opts);
    case "neon":
      return createNeonPlatform(config, platform.settings, opts);
    case "supabase":
      return createSupabasePlatform(platform.settings);
  }
}
