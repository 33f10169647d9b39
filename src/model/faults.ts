import type { z } from 'zod';
import { KumiwakeError } from '../errors.js';

/** Stable codes of definition faults: a program reacts to the code, a person reads the message. */
export const FAULT_CODES = [
  'not-an-object', 'unknown-property', 'unsupported-version', 'not-a-text', 'not-a-boolean', 'not-a-list',
  'too-deep', 'bad-group', 'missing-kind', 'unknown-kind', 'missing-property',
  'missing-name', 'unknown-field', 'unknown-operator', 'operator-not-for-type', 'missing-operand', 'unexpected-operand',
  'not-a-number', 'not-a-whole-number', 'negative', 'empty-range', 'min-greater-than-max', 'out-of-range',
  'not-a-date', 'date-order', 'not-a-month-day',
  'empty-list', 'list-too-long', 'unknown-enum-value',
  'unknown-channel', 'unknown-event', 'unknown-mail-kind', 'unknown-match', 'unknown-unit', 'unknown-window-on',
  'needs-a-figure', 'empty-product-row', 'mails-or-filter',
  'unknown-segment', 'segment-cycle', 'invalid-saved-segment',
  'unknown-cell', 'cell-or-scores',
  'not-a-month', 'month-or-window',
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

export interface Fault {
  readonly code: FaultCode;
  /** JSON path of the fault, `(top level)` for the document itself */
  readonly path: string;
  readonly message: string;
}

/** A definition that breaks the rules: every fault with its JSON path. */
export class DefinitionError extends KumiwakeError {
  constructor(readonly faults: readonly Fault[]) {
    super('invalid-definition', faults.map((f) => `${readablePath(f.path)}: ${f.message}`).join('\n'), 2);
    this.name = 'DefinitionError';
  }
}

/** A path for people: a step repeated many times (`.not.not.not…`) is shown once with its count. */
export function readablePath(path: string): string {
  return path.replace(/((\.[A-Za-z]+|\[\d+\])(?:\2){3,})/g, (run: string, _whole: string, step: string) => `${step}{×${run.length / step.length}}`);
}

export const MAX_FAULTS = 100;

/** JSON path steps: `.key` for a plain name, `["…"]` for any other key (spaces, dots, quotes). */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A value as a message shows it. */
export const describe = (v: unknown): string =>
  typeof v === 'string' ? `"${v.slice(0, 80)}"` : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);

/*
 * Zod carries a message per issue and nothing else we can set from an error map, so a fault's
 * code travels inside the message, before a separator no sentence contains, and is taken out
 * again in `faultsOf`. Every schema of the model gives its issues a sentence this way: an issue
 * without a code is a schema that forgot to, a broken invariant.
 */
const SEPARATOR = '\u001f';

/** The message of a zod issue that becomes a fault with this code and sentence. */
export const say = (code: FaultCode, message: string): string => `${code}${SEPARATOR}${message}`;

type Issue = z.core.$ZodIssue;
type Step = PropertyKey;

/*
 * Faults about an object as a whole (its unknown properties, a figure or a choice it lacks) are
 * listed before the faults of its properties, as a person reads it (zod reports them after),
 * except before those of the properties named here.
 */
const WHOLE_OBJECT: ReadonlyMap<FaultCode, readonly string[]> = new Map([
  ['unknown-property', []], ['needs-a-figure', []], ['empty-product-row', []], ['mails-or-filter', ['event', 'match']], ['cell-or-scores', []],
  ['month-or-window', []],
]);

const isFaultCode = (code: string): code is FaultCode => (FAULT_CODES as readonly string[]).includes(code);

function split(issue: Issue): { code: FaultCode; message: string } {
  const cut = issue.message.indexOf(SEPARATOR);
  if (cut < 0) throw new Error(`INTERNAL ERROR: a definition schema gave no fault code for "${issue.message}" at ${issue.path.join('.')}`);
  const code = issue.message.slice(0, cut);
  if (!isFaultCode(code)) throw new Error(`INTERNAL ERROR: "${code}" is not a fault code`);
  return { code, message: issue.message.slice(cut + 1) };
}

const under = (path: readonly Step[], prefix: readonly Step[]) => prefix.length <= path.length && prefix.every((step, i) => path[i] === step);
const samePath = (a: readonly Step[], b: readonly Step[]) => a.length === b.length && under(a, b);

const pathText = (steps: readonly Step[]): string => {
  const path = steps.reduce<string>((p, step) => at(p, typeof step === 'number' ? step : String(step)), '');
  return path === '' ? '(top level)' : path;
};

/** The faults of a failed parse, in reading order, at most MAX_FAULTS. */
export function faultsOf(issues: readonly Issue[]): Fault[] {
  const ordered: Array<{ issue: Issue; code: FaultCode; message: string; whole: boolean }> = [];
  for (const issue of issues) {
    const { code, message } = split(issue);
    const after = WHOLE_OBJECT.get(code);
    let i = ordered.length;
    // The issues of one object are contiguous and last: move back over those of its properties.
    const movesOver = (other: (typeof ordered)[number]) => under(other.issue.path, issue.path)
      && !(other.whole && samePath(other.issue.path, issue.path))
      && !after?.some((key) => under(other.issue.path, [...issue.path, key]));
    for (let before = ordered[i - 1]; after && before && movesOver(before); before = ordered[i - 1]) i--;
    ordered.splice(i, 0, { issue, code, message, whole: after !== undefined });
  }
  const faults: Fault[] = [];
  for (const { issue, code, message } of ordered) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      if (faults.length === MAX_FAULTS) return faults;
      faults.push({ code, path: pathText(key === undefined ? issue.path : [...issue.path, key]), message });
    }
  }
  return faults;
}
