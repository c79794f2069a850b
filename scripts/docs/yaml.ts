// The few YAML forms Pulumi.yaml's generated part uses. A JSON string is a valid YAML double-quoted scalar.

export type YamlValue = string | number | boolean | readonly string[];

/** `key: value` lines at `indent`; a non-empty list goes below its key, one `- item` a line. */
export function yamlEntry(indent: string, key: string, value: YamlValue): string[] {
  if (typeof value !== "object") return [`${indent}${yamlKey(key)}: ${yamlScalar(value)}`];
  if (value.length === 0) return [`${indent}${yamlKey(key)}: []`];
  return [`${indent}${yamlKey(key)}:`, ...value.map((item) => `${indent}  - ${yamlScalar(item)}`)];
}

/** Strings double-quoted, or single-quoted when they hold a `"` and no `'`, as biome formats YAML. */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== "string") return String(value);
  return value.includes('"') && !value.includes("'") && !/[\\\n]/.test(value) ? `'${value}'` : JSON.stringify(value);
}

/** Keys with a namespace (`azure-native:location`) are quoted: a plain `:` inside a key is easy to misread. */
export function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}
