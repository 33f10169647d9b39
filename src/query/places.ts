import type { Span } from './spans.js';

export type Step = string | number;

/**
 * Where a part of the definition was written: the text of the value at `steps` below the part, or
 * a part built on its own (`inner`) placed at `steps`. A part is placed whole, never copied into
 * each level above it, so that reading a query stays linear however deep it nests (copying every
 * place into every enclosing level was cubic in the depth: 2,000 nested `not` took half a minute).
 */
export type Place = { readonly steps: readonly Step[]; readonly span: Span } | { readonly steps: readonly Step[]; readonly inner: Built };

/** A piece of the definition being built, and where each of its parts was written. */
export interface Built { readonly value: unknown; readonly spans: Place[] }

/** `built` placed at `steps` in the piece that holds it. */
export const under = (built: Built, ...steps: Step[]): Place[] => [{ steps, inner: built }];

/** The text of the piece itself: the first place of every piece the parser builds. */
export function ownSpan(built: Built): Span {
  const own = built.spans[0];
  if (own === undefined || !('span' in own) || own.steps.length > 0) throw new Error('a piece of a query was built without its own span');
  return own.span;
}

/**
 * The text a JSON path (as faults write it: `where.all[0].values[2]`, `groups["区分"]`) came from,
 * else that of the nearest path above it that was written, else the whole text. Only a fault asks,
 * so the places are searched along the path rather than listed for every path beforehand.
 */
export function placeOf(document: Built, path: string): Span {
  const steps = stepsOfPath(path);
  for (let n = steps.length; n >= 0; n--) {
    const span = find(document, steps.slice(0, n), 0);
    if (span) return span;
  }
  return ownSpan(document);
}

/** The first place, in the order the text was read, of exactly `target` (from its step `from`). */
function find(built: Built, target: readonly Step[], from: number): Span | undefined {
  for (const place of built.spans) {
    if (!startsWith(target, from, place.steps)) continue;
    const rest = from + place.steps.length;
    if (!('inner' in place)) {
      if (rest === target.length) return place.span;
      continue;
    }
    const span = find(place.inner, target, rest);
    if (span) return span;
  }
  return undefined;
}

function startsWith(target: readonly Step[], from: number, steps: readonly Step[]): boolean {
  if (from + steps.length > target.length) return false;
  return steps.every((step, i) => target[from + i] === step);
}

/** One step of a path as faults write it (model/faults.ts `at`): `key` first, `.key`, `[3]`, `["a key"]`. */
const STEP = /(?:^|\.)([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The steps of a fault's path; `(top level)` has none, and what does not read stops the steps there. */
export function stepsOfPath(path: string): Step[] {
  const steps: Step[] = [];
  STEP.lastIndex = 0;
  for (let m = STEP.exec(path); m !== null; m = STEP.exec(path)) {
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return steps;
}
