import type { migrationOptions } from "pgvector-migrate";

type Spec = {
  default: unknown;
  description: string;
  min?: number;
  max?: number;
  unit?: string;
  accepted?: readonly string[];
};

const code = (value: unknown): string => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
const cell = (text: string): string => text.replaceAll("|", "\\|");

function acceptedCell(spec: Spec): string {
  if (spec.accepted !== undefined) return spec.accepted.map(code).join(", ");
  if (spec.min !== undefined && spec.max !== undefined)
    return `${spec.min} to ${spec.max}${spec.unit ? ` ${spec.unit}` : ""}`;
  return "";
}

/** The options table of docs/pulumi-resource.md: pgvector-migrate's migrationOptions, in their order. */
export function optionsTable(options: typeof migrationOptions): string {
  const rows = Object.entries(options as Record<string, Spec>).map(([name, spec]) =>
    [code(name), spec.default === undefined ? "unset" : code(spec.default), acceptedCell(spec), spec.description]
      .map(cell)
      .join(" | "),
  );
  return [
    "| Option | Default | Accepted | Meaning |",
    "| --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}
