// Public API of pgvector-migrate: the contract the CLI, the Pulumi dynamic provider and the tests rely on.

export { defaultTrackingTable, legacyDefaultTrackingTable } from "./db/tracking-table";
export { validateSql } from "./engine/check-sql";
export { down } from "./engine/down";
export { platformAdvice } from "./engine/preflight";
export { plan, readApplied } from "./engine/read";
export { up } from "./engine/up";
export { isMigrateError, MigrateError, type MigrateErrorDetails } from "./errors";
export { checksumOf } from "./files/checksum";
export { type CreatedMigration, createMigration } from "./files/create";
export { loadMigrations, migrationInputMap } from "./files/load";
export { allowedSettingNames } from "./files/settings";
export * from "./lint";
export { Redactor, redactConnectionStrings } from "./redact";
export * from "./types";
