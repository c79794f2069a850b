// SQL quoting for the few values the engine writes into SQL text (names it validated, checksums, settings).

/** "name" with embedded double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * 'value' with embedded single quotes doubled; E'...' with backslashes doubled when it contains backslashes,
 * which reads the same whatever standard_conforming_strings is.
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("a SQL literal cannot contain a NUL character");
  const quoted = value.replace(/'/g, "''");
  return value.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}

/** `SELECT set_config(...)` for several settings, or undefined when there are none. */
export function setConfigStatement(settings: Readonly<Record<string, string>>, local: boolean): string | undefined {
  const calls = Object.entries(settings).map(
    ([name, value]) => `set_config(${quoteLiteral(name)}, ${quoteLiteral(value)}, ${local})`,
  );
  return calls.length > 0 ? `SELECT ${calls.join(", ")}` : undefined;
}
