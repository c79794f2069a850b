export { type AppRoleAccess, type CommonSettings, commonSettings, commonSettingsDocs } from "./common";
export { stackExtensions, vectorExtension } from "./extensions";
export { type AppRoleSettings, loadStackConfig, type StackConfig, type StackMigrationOptions } from "./load";
export { appRoleNameFor, maxIdentifierBytes, stackScopedName } from "./naming";
export { ConfigError, type Parsed, type Problem, problemsFromZod, settingPath } from "./problems";
export { type PlatformSection, type PlatformSettings, type PlatformSettingsOf, platformSections } from "./sections";
export type { Setting, SettingType } from "./setting";
export { type ConfigSource, pulumiConfigSource, qualifiedKey, staticConfigSource } from "./source";
