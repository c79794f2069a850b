// Public API of pgvector-migrate. The implementation modules are filled in by the engine work
// (issue 2); these exports are the contract the CLI, the dynamic provider and the tests rely on.
export * from "./types";
// export { MigrateError } from "./errors";
// export function loadMigrations(directory: string): MigrationSet  (sync; throws MigrateError INVALID_FILES listing every bad file)
// export function migrationInputMap(set: MigrationSet): Record<string, string>  (id -> checksum)
// export function plan(set: MigrationSet, options: EngineOptions): Promise<Plan>
// export function up(set: MigrationSet, options: EngineOptions): Promise<UpResult>
// export function down(set: MigrationSet, targetVersion: number, options: EngineOptions): Promise<DownResult>
// export function readApplied(options: EngineOptions): Promise<AppliedMigration[]>
// export function createMigration(directory: string, name: string): { version: number; upPath: string; downPath: string }
