// Formats a PostgreSQL error raised by a migration as `file:line:column: ERROR SQLSTATE: message`, with
// detail, hint, context and the offending statement.
import type { Database, PgError } from "../db/database";
import { MigrateError } from "../errors";
import { redactConnectionStrings } from "../redact";
import type { ParsedSql, ParsedStatement } from "../sql/parser";
import type { PositionUnit } from "../sql/source-text";
import type { SqlFile } from "../types";

export interface FailureLocation {
  /** The statement that failed, when known. */
  statement?: ParsedStatement;
  /** JavaScript index in the file text: the error position, or the statement start. */
  index?: number;
}

const statementExcerptLines = 8;
const statementExcerptChars = 600;

export function migrationFailed(
  file: SqlFile,
  parsed: ParsedSql,
  location: FailureLocation,
  error: PgError,
  notes: readonly string[],
): MigrateError {
  const index = location.index ?? location.statement?.start;
  const position = index === undefined ? undefined : parsed.source.lineColumn(index);
  const where = position ? `${file.displayPath}:${position.line}:${position.column}` : file.displayPath;
  const severity = error.severity ?? "ERROR";
  const lines = [`${where}: ${severity}${error.code ? ` ${error.code}` : ""}: ${error.message}`];
  if (error.detail) lines.push(`DETAIL: ${error.detail}`);
  if (error.hint) lines.push(`HINT: ${error.hint}`);
  if (error.where) lines.push(`CONTEXT: ${error.where}`);
  if (error.internalQuery) lines.push(`INTERNAL QUERY: ${excerpt(error.internalQuery)}`);
  if (location.statement) {
    lines.push("STATEMENT:");
    lines.push(
      ...excerpt(location.statement.text)
        .split("\n")
        .map((line) => `  ${line}`),
    );
  }
  lines.push(...notes);
  return new MigrateError("MIGRATION_FAILED", lines.join("\n"), {
    file: file.displayPath,
    ...(position && { line: position.line, column: position.column }),
    ...(error.code !== undefined && { sqlstate: error.code }),
  });
}

/**
 * What the server's error positions count in this database: bytes in a SQL_ASCII database, characters otherwise.
 * Asked only when an error has a position, so a run without errors pays nothing.
 */
export async function positionUnitOf(database: Database): Promise<PositionUnit> {
  const result = await database
    .query<{ encoding: string }>("SELECT current_setting('server_encoding') AS encoding")
    .catch(() => undefined);
  return result?.rows[0]?.encoding === "SQL_ASCII" ? "byte" : "character";
}

/** The statement that contains a file index (or the closest one before it). */
export function statementAt(parsed: ParsedSql, index: number): ParsedStatement | undefined {
  let found: ParsedStatement | undefined;
  for (const statement of parsed.statements) {
    if (statement.start <= index) found = statement;
    else break;
  }
  return found ?? parsed.statements[0];
}

/** Redacted before it is cut, so that a PASSWORD literal cut in the middle is still recognised. */
function excerpt(text: string): string {
  let lines = redactConnectionStrings(text).trim().split("\n");
  let cut = false;
  if (lines.length > statementExcerptLines) {
    lines = lines.slice(0, statementExcerptLines);
    cut = true;
  }
  let result = lines.join("\n");
  if (result.length > statementExcerptChars) {
    result = result.slice(0, statementExcerptChars);
    cut = true;
  }
  return cut ? `${result} ...` : result;
}
