import { quote } from "./setting";

/** Lower-case, unquoted PostgreSQL identifier: needs no quoting anywhere and survives every client unchanged. */
export const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

const identifierRule = "a lower-case PostgreSQL identifier (a-z, 0-9 and _, starting with a letter or _, at most 63)";

export function identifierProblem(value: string): string | undefined {
  return identifierPattern.test(value) ? undefined : `${quote(value)} is not ${identifierRule}.`;
}

/** Names PostgreSQL or the managed services keep for themselves. */
const reservedRoleNames = new Set(["public", "none", "current_user", "current_role", "session_user", "postgres"]);

export function roleNameProblem(value: string): string | undefined {
  const problem = identifierProblem(value);
  if (problem) return problem;
  if (value.startsWith("pg_") || value.startsWith("azure_") || reservedRoleNames.has(value)) {
    return `${quote(value)} is reserved (pg_*, azure_*, public, postgres and the like); choose another role name.`;
  }
  return undefined;
}

const reservedDatabaseNames = new Set(["postgres", "template0", "template1", "azure_maintenance", "azure_sys"]);

export function databaseNameProblem(value: string): string | undefined {
  const problem = identifierProblem(value);
  if (problem) return problem;
  return reservedDatabaseNames.has(value)
    ? `${quote(value)} is a database the server keeps for itself; choose another name for the application database.`
    : undefined;
}

/** `table` or `schema.table`. */
export function qualifiedTableProblem(value: string): string | undefined {
  const parts = value.split(".");
  return parts.length <= 2 && parts.every((part) => identifierPattern.test(part))
    ? undefined
    : `${quote(value)} is not a table name: ${identifierRule}, optionally schema-qualified (public.schema_migrations).`;
}

/** Extension names as CREATE EXTENSION takes them: pg_trgm, uuid-ossp, vector. */
export const extensionNamePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function extensionNameProblem(value: string): string | undefined {
  return extensionNamePattern.test(value.trim().toLowerCase())
    ? undefined
    : `${quote(value)} is not an extension name (letters, digits, _ and -, e.g. pg_trgm or uuid-ossp).`;
}
