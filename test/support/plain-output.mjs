// Vitest 5 colours its output unless NO_COLOR is set or TERM is dumb, even when stdout is a file or a pipe: keep
// `npm test > log.txt` readable. FORCE_COLOR (or NO_COLOR already set) is left to decide.

/** Sets NO_COLOR when stdout is not a terminal; true when it did (or NO_COLOR was already set). */
export function usePlainOutputWhenRedirected() {
  if (process.stdout.isTTY || "FORCE_COLOR" in process.env) return "NO_COLOR" in process.env;
  process.env.NO_COLOR ??= "1";
  return true;
}
