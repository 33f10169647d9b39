/** The nearest names to a name that the data does not hold: the suggestions of warnings and of the query language's errors. */
import { foldText } from '../planner/compile-field.js';

const MAX_SUGGESTIONS = 3;

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const chars = (s: string) => Array.from(s);
const digits = (s: string) => chars(s).filter((c) => c >= '0' && c <= '9');

/**
 * The nearest candidates to a name, compared folded (NFKC, case): at most 3, within an edit
 * distance of a third of the name's length (at least 1). Between equally near ones, the one whose
 * digits are nearer comes first (a code with the right number and another prefix: M0030 → S0030).
 */
export function suggest(name: string, candidates: Iterable<string>): string[] {
  const folded = chars(foldText(name));
  const limit = Math.max(1, Math.round(folded.length / 3));
  const scored: Array<{ value: string; distance: number; digitDistance: number; rawDistance: number }> = [];
  for (const value of new Set(candidates)) {
    if (value === name) continue;
    const other = chars(foldText(value));
    if (Math.abs(other.length - folded.length) > limit) continue;
    const distance = levenshtein(folded, other);
    if (distance > limit) continue;
    scored.push({ value, distance, digitDistance: levenshtein(digits(name), digits(value)), rawDistance: levenshtein(chars(name), chars(value)) });
  }
  scored.sort((a, b) => a.distance - b.distance || a.digitDistance - b.digitDistance || a.rawDistance - b.rawDistance
    || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  // One spelling per folded name (`vip`, not also `VIP`): the one written nearest to the name.
  const seen = new Set<string>();
  return scored.filter((s) => !seen.has(foldText(s.value)) && seen.add(foldText(s.value))).slice(0, MAX_SUGGESTIONS).map((s) => s.value);
}
