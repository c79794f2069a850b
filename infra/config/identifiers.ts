import {
  extensionNameProblem as engineExtensionNameProblem,
  isExtensionName,
  isPlainIdentifier,
} from "pgvector-migrate";
import { quote } from "./setting";

const identifierRule = "a lower-case PostgreSQL identifier (a-z, 0-9 and _, starting with a letter or _, at most 63)";

export function identifierProblem(value: string): string | undefined {
  return isPlainIdentifier(value) ? undefined : `${quote(value)} is not ${identifierRule}.`;
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

/** Extension names as CREATE EXTENSION takes them; the stack lower-cases them (see stackExtensions). */
export function extensionNameProblem(value: string): string | undefined {
  return isExtensionName(value.trim().toLowerCase()) ? undefined : engineExtensionNameProblem(value);
}
