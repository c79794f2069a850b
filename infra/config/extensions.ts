/** The extension every stack creates. */
export const vectorExtension = "vector";

/**
 * The extensions a stack creates before its migrations: `vector` plus the configured ones, lower-case (as
 * CREATE EXTENSION and pg_extension spell them), without duplicates, sorted so the order never causes a diff.
 */
export function stackExtensions(configured: readonly string[]): string[] {
  const names = new Set([vectorExtension, ...configured.map((name) => name.trim().toLowerCase())]);
  return [...names].sort();
}
