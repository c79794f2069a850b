/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); longer names would collide silently. */
export const maxIdentifierBytes = 63;

/**
 * The name of a per-stack object on a shared server, e.g. `stackScopedName("app", "pr-123")` is `app_pr_123`.
 * Ephemeral stacks share the server with dev, so their databases (and cluster-wide roles) need names of their own.
 * The result is a lower-case identifier that needs no quoting.
 */
export function stackScopedName(base: string, stack: string): string {
  const suffix = stack
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (suffix === "") {
    throw new Error(`Stack name "${stack}" has no letters or digits to derive a database name from.`);
  }
  const name = `${base}_${suffix}`;
  if (Buffer.byteLength(name) > maxIdentifierBytes) {
    throw new Error(
      `The per-stack name "${name}" (from "${base}" and stack "${stack}") is longer than PostgreSQL's ` +
        `${maxIdentifierBytes}-byte identifier limit. Use a shorter stack name or a shorter base name.`,
    );
  }
  return name;
}
