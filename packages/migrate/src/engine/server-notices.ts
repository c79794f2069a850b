// NOTICE, WARNING and INFO messages the server sends while a migration runs (pgvector's "ivfflat index created with
// little data", "hnsw graph no longer fits into maintenance_work_mem", "relation ... already exists, skipping"):
// shown by default, located to the statement that raised them, with their DETAIL and HINT, as psql shows them.
import type { Database } from "../db/database";
import type { ParsedSql, ParsedStatement } from "../sql/parser";
import type { SqlFile } from "../types";

/** A NoticeResponse as the pg driver reports it (the fields used here). */
export interface ServerNotice {
  severity?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

/** `file:line:column: SEVERITY: message`, then DETAIL and HINT lines, as one message. */
export function formatNotice(where: string, notice: ServerNotice): string {
  const lines = [`${where}: ${notice.severity ?? "NOTICE"}: ${notice.message ?? ""}`];
  if (notice.detail) lines.push(`  DETAIL: ${notice.detail}`);
  if (notice.hint) lines.push(`  HINT: ${notice.hint}`);
  return lines.join("\n");
}

/** What was running when a notice arrived: a file, and the statement of it if known. */
export interface NoticeSource {
  file: SqlFile;
  parsed: ParsedSql;
  statement?: ParsedStatement | undefined;
}

/**
 * Reports the notices of `database` until the returned function is called. `source` tells which file (and
 * statement, if known) is running when a notice arrives; undefined: none of the engine's files.
 */
export function reportNotices(
  database: Database,
  source: () => NoticeSource | undefined,
  report: (message: string) => void,
): () => void {
  const onNotice = (notice: ServerNotice) => {
    const running = source();
    if (!running) return;
    const position = running.statement && running.parsed.source.lineColumn(running.statement.start);
    const where = position
      ? `${running.file.displayPath}:${position.line}:${position.column}`
      : running.file.displayPath;
    report(formatNotice(where, notice));
  };
  database.client.on("notice", onNotice);
  return () => database.client.off("notice", onNotice);
}
