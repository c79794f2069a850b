// When a long statement's progress is reported: defined here once for the engine, the CLI and the provider.
// Pure, and light enough for the CLI's start-up.

/** A statement running longer than this is reported, then again every so often. */
export const defaultProgressAfterMs = 5_000;

/** The CLI's --progress and the Pulumi provider read this variable, e.g. 30s, 2m, 0 (off). */
export const progressEnvironmentVariable = "PGVECTOR_MIGRATE_PROGRESS";

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "30s", "2m", "6h", or a bare number of seconds, in milliseconds; undefined when it is none of these. */
export function durationMs(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? "s"] ?? 1000));
}
