import { formatDate, rangeIsEmpty, resolveRange, type LocalDate } from '../model/dates.js';
import type { Leaf } from '../model/segment.js';
import { step, type Checker, type Located, type Site } from './warning-checker.js';

/**
 * Date ranges empty at the as-of date though not on every day: a fixed day and a relative one
 * (`{"from": "2026-06-01", "to": "today-1y"}`). A range empty on every day is a fault
 * (model/conditions/parts.ts checkDateOrder); this one is allowed, since a saved or scheduled
 * segment may be evaluated on a day it holds, but today nothing falls in it, which a marketer
 * would otherwise read as a count of no one.
 */
export function checkEmptyRanges(checker: Checker, leaves: ReadonlyArray<Located<Leaf>>, asOf: LocalDate): void {
  // `leaves` has a saved segment's own leaves (locate), each with its place in that segment.
  for (const { leaf, site } of leaves) visit(checker, leaf, site, asOf);
}

function visit(checker: Checker, value: unknown, site: Site, asOf: LocalDate, names: readonly [string, string] = ['from', 'to']): void {
  if (Array.isArray(value)) return value.forEach((item, i) => visit(checker, item, step(site, i), asOf));
  if (value === null || typeof value !== 'object') return;
  const { from, to } = value as { from?: unknown; to?: unknown };
  if (typeof from === 'string' && typeof to === 'string' && from.startsWith('today') !== to.startsWith('today') && rangeIsEmpty(resolveRange({ from, to }, asOf))) {
    checker.add('empty-range', site, `${names[0]} ${from} is after ${names[1]} ${to} on ${formatDate(asOf)}, the as-of date: no day is in the range`);
  }
  for (const [key, inner] of Object.entries(value)) {
    // A field's operands are parsed as `range` / `dates` (written `min` / `max`): the path stays the leaf's.
    if (key === 'field') continue;
    if (key === 'range' || key === 'dates') visit(checker, inner, site, asOf, ['min', 'max']);
    else visit(checker, inner, step(site, key), asOf);
  }
}
