export type { Platform } from "./platform";
export type { PlatformDatabase, PlatformName } from "./platform-database";
export { createPlatform, type PlatformSettings, type PlatformSettingsOf, platformRegistry } from "./registry";
