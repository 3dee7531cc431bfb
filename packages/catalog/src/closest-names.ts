// Fuzzy name matching for catalog lookups, so a typo gets "did you mean …" instead of a dead end.

/** Lower-case and drop separators so "Llama 3.1-70B" and "llama-3.1-70b" compare equal. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-./:]+/g, "");
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The `limit` names nearest to `query` by edit distance on normalised names, each given as
 * `canonical` names it, once: two aliases of one GPU are one suggestion.
 */
export function closestNames(
  query: string,
  candidates: readonly string[],
  limit = 3,
  canonical: (name: string) => string = (name) => name,
): string[] {
  const q = normalizeName(query);
  // Edit distance costs |q| × |name| per candidate: a name this long resembles none of them.
  if (q.length > MAX_SUGGESTED_QUERY) return [];
  const nearest = candidates
    .map((name) => {
      const n = normalizeName(name);
      // A substring hit is a better suggestion than an equally short edit.
      const distance = n.includes(q) || q.includes(n) ? Math.abs(n.length - q.length) / 2 : editDistance(q, n);
      return { name, distance };
    })
    .sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name))
    .map((x) => canonical(x.name));
  return [...new Set(nearest)].slice(0, limit);
}

/** Longest query `closestNames` compares: catalog names are under 60 characters. */
const MAX_SUGGESTED_QUERY = 200;
/** Most of an unknown name an error message quotes back. */
const MAX_QUOTED_NAME = 80;

export class UnknownNameError extends Error {
  readonly suggestions: string[];
  constructor(kind: string, name: string, suggestions: string[]) {
    const quoted = name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME - 1)}…` : name;
    super(
      `unknown ${kind} "${quoted}"${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : ""}`,
    );
    this.name = "UnknownNameError";
    this.suggestions = suggestions;
  }
}
