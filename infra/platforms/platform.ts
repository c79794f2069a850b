import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load";
import type { PlatformSection } from "../config/platform-section";
import type { PlatformDatabase } from "./platform-database";

/**
 * What a platform implements: how the configuration loader reads its settings, and how the program creates its
 * server part from them. Each platform folder exports one (`azurePlatform`, ...); registry.ts lists them by name.
 */
export interface Platform<Settings> {
  section: PlatformSection<Settings>;
  create(config: StackConfig, settings: Settings, opts?: pulumi.ComponentResourceOptions): PlatformDatabase;
}
