import { checksumOf } from "../../packages/migrate/src/files/checksum";
import { parseDirectives } from "../../packages/migrate/src/files/directives";
import type { SqlFile } from "../../packages/migrate/src/types";

/** A migration file as the engine reads it, with directives parsed from the SQL's leading comments. */
export function sqlFile(displayPath: string, sql: string): SqlFile {
  const { directives, problems } = parseDirectives(sql);
  if (problems.length > 0) throw new Error(`bad directives in test SQL: ${problems.join("; ")}`);
  return { path: `/nonexistent/${displayPath}`, displayPath, sql, checksum: checksumOf(sql), directives };
}
