/**
 * "Did you mean": the closest known words to a typo, by Levenshtein distance, the way the docker
 * CLI's cobra suggests commands (distance at most 2, or a prefix).
 */

/** Edits (insert, delete, substitute) to turn `a` into `b`. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * Candidates close to `word`, best first: within `maxDistance` edits (case-insensitive), or
 * starting with it when it is at least two characters long.
 */
export function suggest(word: string, candidates: Iterable<string>, maxDistance = 2): string[] {
  const w = word.toLowerCase();
  const scored: Array<{ c: string; d: number }> = [];
  for (const c of new Set(candidates)) {
    const d = levenshtein(w, c.toLowerCase());
    if (d <= maxDistance) scored.push({ c, d });
    else if (w.length >= 2 && c.toLowerCase().startsWith(w)) scored.push({ c, d: maxDistance + 1 });
  }
  return scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c)).map((x) => x.c);
}
