import { createHash } from "node:crypto";

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); longer names would collide silently. */
export const maxIdentifierBytes = 63;

/**
 * The name of a per-stack object on a server that other stacks share, e.g. `stackScopedName("app", "pr-123")`
 * is `app_pr_123`: a pull-request stack's database next to dev's, or its application role (roles are server-wide,
 * and a Neon branch holds a copy of its parent's). The result is a lower-case identifier that needs no quoting;
 * one that would exceed 63 bytes is cut and ends with a hash of the full name, so it stays unique.
 */
export function stackScopedName(base: string, stack: string): string {
  const suffix = stack
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const name = suffix === "" ? base : `${base}_${suffix}`;
  if (name.length <= maxIdentifierBytes) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, maxIdentifierBytes - hash.length - 1)}_${hash}`;
}

/**
 * The application role of a stack: `appRoleName`, or `<databaseName>_app`; scoped to the stack when the stack
 * shares its server's roles with the stack it was copied from.
 */
export function appRoleNameFor(configured: string, databaseName: string, stack: string, sharedServer: boolean): string {
  const base = configured === "" ? `${databaseName}_app` : configured;
  return sharedServer ? stackScopedName(base, stack) : base;
}
