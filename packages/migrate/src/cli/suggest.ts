// "Did you mean" for a mistyped command, option or value, with commander's rules (lib/suggestSimilar.js in
// tj/commander.js): optimal string alignment distance (Damerau-Levenshtein without repeated edits of one
// substring), at most 3 edits, more than 40% of the longer word unchanged, and every candidate at the best distance.

const maxDistance = 3;
const minSimilarity = 0.4;

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, capped early when far apart. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > maxDistance) return Math.max(a.length, b.length);
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidates closest to `word`, sorted, or none when nothing is close enough. */
export function similarNames(word: string, candidates: readonly string[]): string[] {
  let best: string[] = [];
  let bestDistance = maxDistance;
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    if ((length - distance) / length <= minSimilarity) continue;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = [candidate];
    } else if (distance === bestDistance) {
      best.push(candidate);
    }
  }
  return best.sort((a, b) => a.localeCompare(b));
}

/** "plan", "--dir or --dry-run": the close candidates with `prefix`, or "" when nothing is close. */
export function closeNames(word: string, candidates: readonly string[], prefix = ""): string {
  const similar = similarNames(word, candidates).map((name) => `${prefix}${name}`);
  if (similar.length <= 1) return similar[0] ?? "";
  return `${similar.slice(0, -1).join(", ")} or ${similar.at(-1)}`;
}

/** " (did you mean plan?)", " (did you mean --dir or --dry-run?)", or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], prefix = ""): string {
  const close = closeNames(word, candidates, prefix);
  return close === "" ? "" : ` (did you mean ${close}?)`;
}
