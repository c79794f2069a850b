// Parses the SQL files about to run and rejects, before anything runs, what cannot work as declared:
// syntax errors, empty files, statements that cannot run in a transaction in a transactional file,
// transaction control in a transactional file, COPY FROM STDIN, statements that release the migration lock.
import { resolveTrackingTable } from "../db/tracking-table";
import { MigrateError, problemsError } from "../errors";
import { isPasswordLiteralAt } from "../redact";
import { forbiddenReason, nonTransactionalReason } from "../sql/analyze";
import { loadParser, type ParsedSql, parserNeeded, parseSql, SqlSyntaxError } from "../sql/parser";
import { SourceText } from "../sql/source-text";
import type { MigrationSet, SqlFile } from "../types";

export interface CheckedFile {
  file: SqlFile;
  parsed: ParsedSql;
}

const cache = new WeakMap<SqlFile, { lockKey: bigint | undefined; result: CheckedFile | string[] }>();

/**
 * Parses and checks the files; throws MigrateError("INVALID_FILES") listing every problem of every file.
 * `lockKey`: the engine's migration lock key, which the files must not release.
 */
export async function checkSqlFiles(
  files: readonly SqlFile[],
  role: "up" | "down",
  lockKey?: bigint,
): Promise<Map<SqlFile, CheckedFile>> {
  const checked = new Map<SqlFile, CheckedFile>();
  if (files.length === 0) return checked;
  if (parserNeeded(files.filter((file) => !cache.has(file)).map((file) => file.sql))) await loadParser();
  const problems: string[] = [];
  for (const file of files) {
    const cached = cache.get(file);
    let result = cached && cached.lockKey === lockKey ? cached.result : undefined;
    if (!result) {
      result = checkFile(file, role, lockKey);
      cache.set(file, { lockKey, result });
    }
    if (Array.isArray(result)) problems.push(...result);
    else checked.set(file, result);
  }
  if (problems.length > 0) {
    throw problemsError("INVALID_FILES", "Invalid SQL in migration files (nothing was run):", problems);
  }
  return checked;
}

function checkFile(file: SqlFile, role: "up" | "down", lockKey: bigint | undefined): CheckedFile | string[] {
  let parsed: ParsedSql;
  try {
    parsed = parseSql(file.sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    const { line, column } = new SourceText(file.sql).lineColumn(error.index);
    const message = isPasswordLiteralAt(file.sql, error.index)
      ? error.message.replace(/ at or near [\s\S]*$/, " in the PASSWORD literal (not shown)")
      : error.message;
    return [`${file.displayPath}:${line}:${column}: ${message}`];
  }
  if (parsed.statements.length === 0) {
    return [
      role === "up"
        ? `${file.displayPath}: contains no SQL statements: write the migration, or delete the file`
        : `${file.displayPath}: contains no SQL statements: write the SQL that reverts the migration, or delete the down file if it cannot be reverted`,
    ];
  }
  const transactional = file.directives.transaction;
  const problems: string[] = [];
  for (const statement of parsed.statements) {
    const { line, column } = parsed.source.lineColumn(statement.start);
    const at = `${file.displayPath}:${line}:${column}`;
    const forbidden = forbiddenReason(statement, transactional, lockKey);
    if (forbidden) problems.push(`${at}: ${forbidden}`);
    const reason = transactional && !forbidden ? nonTransactionalReason(statement) : undefined;
    if (reason) {
      problems.push(
        `${at}: ${reason} cannot run inside a transaction: add "-- migrate:no-transaction" at the top of the file (the file then runs statement by statement, so keep such statements in a migration of their own)`,
      );
    }
  }
  return problems.length > 0 ? problems : { file, parsed };
}

/**
 * Parses and checks every up and down file of the set, as `up` and `down` do before running them; throws
 * MigrateError("INVALID_FILES") listing every problem. For CI checks without a database.
 */
export async function validateSql(set: MigrationSet): Promise<void> {
  const problems: string[] = [];
  for (const [role, files] of [
    ["up", set.migrations.map((migration) => migration.up)],
    ["down", set.migrations.flatMap((migration) => (migration.down ? [migration.down] : []))],
  ] as const) {
    try {
      await checkSqlFiles(files, role, resolveTrackingTable().lockKey);
    } catch (error) {
      if (!(error instanceof MigrateError)) throw error;
      problems.push(...(error.details.problems ?? [error.message]));
    }
  }
  if (problems.length > 0) throw problemsError("INVALID_FILES", "Invalid SQL in migration files:", problems);
}
