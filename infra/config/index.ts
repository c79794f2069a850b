export { type AppRoleAccess, type CommonSettings, commonSettings, commonSettingsDocs } from "./common";
export { stackExtensions, vectorExtension } from "./extensions";
export {
  type AppRoleSettings,
  type PlatformChoice,
  readStackConfig,
  type StackConfig,
  type StackMigrationOptions,
} from "./load";
export { appRoleNameFor, maxIdentifierBytes, stackScopedName } from "./naming";
export type { PlatformSection, PlatformSections } from "./platform-section";
export { ConfigError, type Parsed, type Problem, problemsFromZod, settingPath } from "./problems";
export type { Setting, SettingType } from "./setting";
export { type ConfigSource, pulumiConfigSource, qualifiedKey, staticConfigSource } from "./source";
