/**
 * "Did you mean": the known name closest to an unknown one, when it is close enough to be a typo
 * (a different case, or at most one edit in three characters, a swap of neighbours counting one). Hand-written: a dozen lines of
 * Levenshtein distance are smaller than any dependency that would bring them.
 */

/** Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours (OSA). */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The candidate `name` most likely meant, or undefined when none is close. */
export function closest(name: unknown, candidates: Iterable<string>): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) return undefined;
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean "x"?` for a message, and `{suggestion}` for its data; both empty without one. */
export function didYouMean(name: unknown, candidates: Iterable<string>) {
  const suggestion = closest(name, candidates);
  return suggestion === undefined
    ? { text: '', data: {} }
    : { text: ` Did you mean "${suggestion}"?`, data: { suggestion } };
}
