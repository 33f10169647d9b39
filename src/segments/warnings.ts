/**
 * Warnings: what a definition names that the data does not hold. A definition that names a mail,
 * product, category, store, media, order group, attribute group, tag or value that never occurs
 * is valid and counts (the condition simply matches no line, event or customer), but a typo should
 * not pass as "nobody": the count says so, with the JSON path of the value and the nearest names
 * the data does hold. So it does of a loose value that folds to nothing (`"-"`), which matches
 * every stored value. `strict` turns warnings into a fault (segment-definition.md, "Warnings").
 *
 * Every check is one small function over the parsed `Segment` (warning-checks.ts), its lookups
 * bounded (warning-checker.ts); this file is what callers use.
 */
import { KumiwakeError } from '../errors.js';
import { at, readablePath } from '../model/faults.js';
import type { Condition, Segment } from '../model/segment.js';
import { MAX_WARNINGS, type SegmentWarning } from './warning-checker.js';

export { MAX_WARNINGS, WARNING_CODES, type SegmentWarning, type WarningCode } from './warning-checker.js';
export { leavesOf, segmentWarnings, type WarningContext } from './warning-checks.js';
export { suggest } from './suggest.js';

/** A warning as one line: `PATH: message (did you mean "S0030"?)`. */
export function warningLine(w: SegmentWarning): string {
  const hint = w.suggestions.length > 0 ? ` (did you mean ${w.suggestions.map((s) => `"${s}"`).join(', ')}?)` : '';
  return `${readablePath(w.path)}: ${w.message}${hint}`;
}

/** `--strict` / a job's `"strict": true`: warnings are a fault (exit 2) listing them with their paths. */
export class StrictWarningsError extends KumiwakeError {
  constructor(readonly warnings: readonly SegmentWarning[]) {
    super('strict-warnings', `the segment has warnings (strict): it names what the data does not hold, or a value that matches more than meant:\n${warnings.map(warningLine).join('\n')}`, 2);
    this.name = 'StrictWarningsError';
  }
}

export function assertNoWarnings(warnings: readonly SegmentWarning[], strict: boolean | undefined): void {
  if (strict && warnings.length > 0) throw new StrictWarningsError(warnings);
}

/**
 * A definition's warnings from those of its leaves, each found with the leaf alone (the
 * interactive counts keep them per leaf): moved to the leaf's place in the definition, what
 * concerns the data as a whole said once, in the order `segmentWarnings` reports them.
 * `whole` checks a definition without leaves (an empty customers table is all there is to say).
 */
export async function warningsFromLeaves(
  segment: Segment, ofLeaf: (leaf: Condition) => Promise<readonly SegmentWarning[]>, whole: () => Promise<readonly SegmentWarning[]>,
): Promise<readonly SegmentWarning[]> {
  const leaves: Array<{ path: string; leaf: Condition }> = [];
  leafPaths(segment.where, 'where', leaves);
  if (leaves.length === 0) return whole();
  const found: SegmentWarning[] = [];
  const seen = new Set<string>();
  for (const { path, leaf } of leaves) {
    for (const warning of await ofLeaf(leaf)) {
      const moved = warning.path === 'where' || warning.path.startsWith('where.') || warning.path.startsWith('where[')
        ? `${path}${warning.path.slice('where'.length)}` : warning.path;
      const once = warning.code === 'no-customers' || warning.code === 'customers-missing' ? `${warning.code} ${warning.message}` : `${moved} ${warning.code}`;
      if (seen.has(once)) continue;
      seen.add(once);
      found.push({ ...warning, path: moved });
    }
  }
  return found.map((w, i) => ({ w, i })).sort((a, b) => checkRank(a.w) - checkRank(b.w) || a.i - b.i).map(({ w }) => w).slice(0, MAX_WARNINGS);
}

/** Every leaf of a condition with its JSON path, in reading order (saved segments are leaves here). */
export function leafPaths(condition: Condition, path: string, into: Array<{ path: string; leaf: Condition }>): void {
  switch (condition.kind) {
    case 'all':
    case 'any':
      condition.conditions.forEach((child, i) => leafPaths(child, at(at(path, condition.kind), i), into));
      return;
    case 'not':
      leafPaths(condition.condition, at(path, 'not'), into);
      return;
    default:
      into.push({ path, leaf: condition });
  }
}

/** Which of `segmentWarnings`' checks reports a warning: their order. */
function checkRank(w: SegmentWarning): number {
  switch (w.code) {
    case 'no-customers': case 'customers-missing': return 0;
    case 'unknown-attribute': case 'loose-value-empty': return 1;
    case 'value-never-occurs': return /\.groups\b/.test(w.path) ? 3.4 : 1;
    case 'unknown-tag': return 2;
    case 'unknown-product': return 3;
    case 'unknown-category': return 3.1;
    case 'unknown-store': return 3.2;
    case 'unknown-media': return 3.3;
    case 'unknown-order-group': return 3.4;
    case 'unknown-mail': return 4;
    case 'no-mail-selected': return w.path.endsWith('.mailFilter') ? 5 : 4;
    case 'empty-range': return 6;
  }
}
