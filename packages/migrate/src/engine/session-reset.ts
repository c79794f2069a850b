// Session state a migration changes (SET ROLE, SET SESSION AUTHORIZATION, SET search_path, set_config(..., false))
// must not leak into the engine's own statements (the tracking row) or the next migration: the engine resets it
// after each migration, in the same round trip as the tracking row.
import { quoteIdentifier, setConfigStatement } from "../db/quote";
import { sessionSettingsChanged } from "../sql/analyze";
import type { ParsedSql } from "../sql/parser";
import { connectionCheckSql } from "./session";

/** Identity settings, reset after every migration whatever it did (a DO block or function may change them). */
const identitySettings = ["session_authorization", "role"] as const;

/** Settings that only last the transaction they are set in: nothing to reset. */
const transactionScoped = new Set(["transaction_isolation", "transaction_read_only", "transaction_deferrable"]);

export interface SessionChange {
  setting: string;
  /** 1-based line of the statement in the file. */
  line: number;
}

/** The session-level setting changes of the file's statements, in file order. */
export function sessionChanges(parsed: ParsedSql): SessionChange[] {
  return parsed.statements.flatMap((statement) =>
    sessionSettingsChanged(statement)
      .filter((setting) => !transactionScoped.has(setting))
      .map((setting) => ({ setting, line: parsed.source.lineColumn(statement.start).line })),
  );
}

/**
 * Statements that put the session back as the engine set it up: identity reset, then every named setting reset to
 * the engine's session setting or the connection's default ("all" resets everything). No statement returns rows
 * except the set_config SELECT, which comes last.
 */
export function sessionResetStatements(
  settings: Iterable<string>,
  sessionSettings: Readonly<Record<string, string>>,
): string[] {
  const names = new Set(settings);
  const statements: string[] = identitySettings.map((name) => `RESET ${name}`);
  const restore: Record<string, string> = {};
  if (names.has("all")) {
    statements.push("RESET ALL", connectionCheckSql);
    Object.assign(restore, sessionSettings);
  } else {
    for (const name of names) {
      if ((identitySettings as readonly string[]).includes(name)) continue;
      const value = sessionSettings[name];
      if (value !== undefined) restore[name] = value;
      else statements.push(`RESET ${name.split(".").map(quoteIdentifier).join(".")}`);
    }
  }
  for (const name of identitySettings) {
    const value = sessionSettings[name];
    if (value !== undefined) restore[name] = value;
  }
  const restoreSql = setConfigStatement(restore, false);
  return restoreSql ? [...statements, restoreSql] : statements;
}

/** The warning for a file whose statements changed session settings, or undefined. */
export function sessionChangeWarning(displayPath: string, changes: readonly SessionChange[]): string | undefined {
  if (changes.length === 0) return undefined;
  const list = changes.map(
    (change) => `${change.setting === "all" ? "RESET ALL" : change.setting} (line ${change.line})`,
  );
  return `${displayPath} changes session settings for the rest of the session: ${list.join(", ")}. The engine reset them after the migration, so they apply neither to the tracking table nor to the next migration; use SET LOCAL (or "-- migrate:set") to scope a setting to one migration.`;
}
