// Helpers to read libpg-query parse trees.
import type { ParseNode } from "./parser";

export function isRecord(value: unknown): value is ParseNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Calls `visit` for every key/value pair in the tree, depth first. */
export function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
  }
}

/** The String nodes of a name list: [{ String: { sval: "pg_catalog" } }, ...] -> ["pg_catalog", ...]. */
export function stringList(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  return items.map((item) => (isRecord(item) && isRecord(item.String) ? String(item.String.sval ?? "") : ""));
}

/** Last String of a qualified name list: ["pg_catalog", "int4"] -> "int4". */
export function lastName(names: unknown): string {
  const list = stringList(names);
  return list[list.length - 1] ?? "";
}
