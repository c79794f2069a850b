// Helpers for the values the Pulumi engine hands the provider.

/** What the Pulumi engine sends in place of a value that is not known yet (during preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys: property order is not preserved through the engine's protobuf Structs. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function shortChecksum(checksum: string | undefined): string {
  return typeof checksum === "string" ? `${checksum.slice(0, 12)}…` : "(none)";
}

/** Host and database name of a connection; undefined parts are not known yet (preview) or not parseable. */
export function connectionTarget(connection: unknown): { host?: string; database?: string } {
  if (!isRecord(connection)) return {};
  if ("url" in connection) {
    if (typeof connection.url !== "string" || isUnknown(connection.url)) return {};
    try {
      const url = new URL(connection.url);
      return { host: url.hostname.toLowerCase(), database: decodeURIComponent(url.pathname.replace(/^\//, "")) };
    } catch {
      return {};
    }
  }
  const known = (value: unknown) => (typeof value === "string" && !isUnknown(value) ? value : undefined);
  return { host: known(connection.host)?.toLowerCase(), database: known(connection.database) };
}
