// Name rules the options share with the layers above (the stack configuration, the Pulumi resource).
import { defaultTrackingTable, identifierPattern, resolveTrackingTable } from "../db/tracking-table";

const quote = (value: unknown): string => JSON.stringify(value ?? null);

/** A lower-case PostgreSQL identifier that needs no quoting anywhere: `app`, `schema_migrations`. */
export function isPlainIdentifier(name: string): boolean {
  return identifierPattern.test(name);
}

/** Extension names as CREATE EXTENSION takes them and pg_available_extensions lists them: pg_trgm, uuid-ossp. */
const extensionNamePattern = /^[a-z0-9_][a-z0-9_-]{0,62}$/;

export function isExtensionName(name: unknown): boolean {
  return typeof name === "string" && extensionNamePattern.test(name);
}

export function extensionNameProblem(name: unknown): string | undefined {
  return isExtensionName(name)
    ? undefined
    : `${quote(name)} is not an extension name (letters, digits, _ and -, e.g. pg_trgm or uuid-ossp).`;
}

/** `table` or `schema.table`, as the engine's tracking table takes it. */
export function trackingTableProblem(name: unknown): string | undefined {
  if (typeof name === "string") {
    try {
      resolveTrackingTable(name);
      return undefined;
    } catch (error) {
      // A name the engine refuses for another reason than its shape (a temporary schema): its own words.
      const reason = /^Invalid tracking table name "[^"]*": (.*)$/s.exec((error as Error).message)?.[1];
      if (reason !== undefined && !reason.startsWith("use table")) return `${quote(name)} cannot be used: ${reason}`;
    }
  }
  return (
    `${quote(name)} is not a table name: use table or schema.table, each in lowercase letters, digits and ` +
    `underscores (at most 63 characters), e.g. "${defaultTrackingTable}"`
  );
}

/** A schema of a search_path: any name PostgreSQL takes (at most 63 bytes, no NUL), or $user. */
export function schemaNameProblem(name: unknown): string | undefined {
  return typeof name === "string" && name.trim() !== "" && !name.includes("\0") && Buffer.byteLength(name) <= 63
    ? undefined
    : `${quote(name)} is not a schema name (at most 63 bytes, e.g. extensions, or $user).`;
}
