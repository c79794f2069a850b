// `status`: every migration on one line, applied / pending / changed / missing, from the engine's plan.
import type { MigrationSet, Plan } from "../types";

export type MigrationState = "applied" | "pending" | "changed" | "missing";

export interface StatusEntry {
  version: number;
  id: string;
  state: MigrationState;
  path?: string;
  appliedAt?: string;
  appliedBy?: string;
  durationMs?: number;
}

/** One entry per migration file or tracking row, in version order. */
export function statusEntries(set: MigrationSet, plan: Plan): StatusEntry[] {
  const problemKinds = new Map(plan.problems.map((problem) => [problem.version, problem.kind]));
  const applied = plan.applied.map((row): StatusEntry => {
    const file = set.migrations.find((migration) => migration.version === row.version);
    const kind = problemKinds.get(row.version);
    const state: MigrationState =
      kind === "missing-file" || !file ? "missing" : kind === "checksum-mismatch" ? "changed" : "applied";
    return {
      version: row.version,
      id: file?.id ?? `${String(row.version).padStart(4, "0")}_${row.name}`,
      state,
      ...(file && { path: file.up.displayPath }),
      appliedAt: row.appliedAt.toISOString(),
      appliedBy: row.appliedBy,
      durationMs: row.durationMs,
    };
  });
  const pending = plan.pending.map(
    (migration): StatusEntry => ({
      version: migration.version,
      id: migration.id,
      state: "pending",
      path: migration.up.displayPath,
    }),
  );
  return [...applied, ...pending].sort((a, b) => a.version - b.version);
}

const marks: Record<MigrationState, string> = { applied: "[X]", pending: "[ ]", changed: "[!]", missing: "[?]" };

export function statusLine(entry: StatusEntry): string {
  const when = entry.appliedAt && ` applied ${entry.appliedAt} by ${entry.appliedBy} (${entry.durationMs} ms)`;
  const detail =
    entry.state === "applied"
      ? when
      : entry.state === "pending"
        ? " pending"
        : entry.state === "changed"
          ? ` changed: the file differs from the applied checksum;${when}`
          : ` missing: no file in the migrations directory;${when}`;
  return `${marks[entry.state]} ${entry.id}${detail}`;
}

/** Whether `status --exit-code` reports a difference between the folder and the database. */
export function needsAttention(entries: readonly StatusEntry[]): boolean {
  return entries.some((entry) => entry.state !== "applied");
}
