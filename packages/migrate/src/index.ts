// Public API of pgvector-migrate: the contract the CLI, the Pulumi dynamic provider and the tests rely on.

export { similarNames } from "./cli/suggest";
export { connectionUrlProblem, type ParsedUrl, parseConnectionUrl } from "./db/connection-url";
export { defaultTrackingTable, legacyDefaultTrackingTable } from "./db/tracking-table";
export { baseline, baselineTarget } from "./engine/baseline";
export { validateSql } from "./engine/check-sql";
export { down } from "./engine/down";
export { importLedger } from "./engine/import-ledger";
export { plan, readApplied } from "./engine/plan";
export { platformAdvice } from "./engine/preflight";
export type { MigrationSource } from "./engine/session";
export { up } from "./engine/up";
export { isMigrateError, MigrateError, type MigrateErrorDetails } from "./errors";
export { checksumOf } from "./files/checksum";
export { type CreatedMigration, createMigration } from "./files/create";
export { loadMigrations, loadMigrationsAsync, migrationInputMap } from "./files/load";
export { allowedSettingNames } from "./files/session-settings";
export * from "./lint";
export * from "./options/migration-options";
export { extensionNameProblem, isExtensionName, isPlainIdentifier, trackingTableProblem } from "./options/names";
export { Redactor, redactConnectionStrings } from "./redact";
export type { CheckFailure, CheckResult } from "./resource/check";
export type { DiffResult } from "./resource/diff";
export {
  baselineProblem,
  type MigrationsInputs,
  type MigrationsOutputs,
  type MigrationsResourceOptions,
  migrationsInputs,
  type OptionNames,
  type PendingAction,
  type ResourceConnection,
} from "./resource/inputs";
export type { AppliedEntry, AppliedMap, MigrationEntry, MigrationMap } from "./resource/migration-map";
export {
  findProjectDirectory,
  migrationsFolder,
  migrationsFolderProblem,
  storedMigrationsDirectory,
} from "./resource/project-directory";
export { type MigrationsProvider, migrationsProviderMethods } from "./resource/provider";
export * from "./types";
