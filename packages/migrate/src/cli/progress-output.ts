// How `up` and `down` show the progress of a long statement (the engine's "statement-progress" events).
import type { ProgressEvent } from "../types";
import type { Output } from "./output";

/** On a terminal the progress line is rewritten in place, so it can change every second. */
export const liveProgressEveryMs = 1_000;

export function showProgress(event: ProgressEvent, output: Output): void {
  if (event.kind === "statement-progress") output.progress(event.message, { event: "progress", ...event });
  else if (event.kind === "migration-done") output.endLiveLine();
}
