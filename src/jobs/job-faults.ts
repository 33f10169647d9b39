import type { z } from 'zod';
import { KumiwakeError } from '../errors.js';
import { suggest } from '../segments/suggest.js';

/** One fault of a job file: the JSON path in the job and a sentence. */
export interface JobFileFault {
  readonly path: string;
  readonly message: string;
}

/**
 * A job file refused, with every fault found (not only the first: a user fixing one at a time was
 * refused again for the next); the message is one `FILE: PATH: sentence` line per fault.
 */
export class JobFaults extends KumiwakeError {
  constructor(readonly file: string, readonly faults: readonly JobFileFault[]) {
    super('job-invalid', faults.map((f) => `${file}: ${f.path}: ${f.message}`).join('\n'));
    this.name = 'JobFaults';
  }
}

type Issue = z.core.$ZodIssue;

/** A zod path as the job's JSON path (`outputs[0].columns`), `(top level)` for the job itself. */
export function jobPath(steps: readonly PropertyKey[]): string {
  const path = steps.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  return path === '' ? '(top level)' : path;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', record: 'an object',
};

/** What the value is, in the words of the sentences below. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'boolean') return String(value);
  return 'an object';
}

/**
 * A zod issue of the job schema in the product's words (zod's own, "Too small: expected number to
 * be >=1", are a library's). `known` are the keys an object at the issue's path takes, for a
 * misspelt one's suggestion.
 */
export function issueFaults(issue: Issue, known: (path: readonly PropertyKey[]) => readonly string[]): JobFileFault[] {
  const at = jobPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const near = suggest(key, known(issue.path));
        return { path: jobPath([...issue.path, key]), message: `"${key}" is not a job setting${near.length > 0 ? ` (did you mean "${near[0]}"?)` : ''}; known: ${known(issue.path).join(', ')}` };
      });
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return [{ path: at, message: issue.input === undefined ? `is required (${expected})` : `must be ${expected}, not ${kindOf(issue.input)}` }];
    }
    case 'too_small':
      if (issue.origin === 'array') return [{ path: at, message: 'must list at least one' }];
      if (issue.origin === 'string') return [{ path: at, message: 'must not be empty' }];
      return [{ path: at, message: `must be at least ${String(issue.minimum)}` }];
    case 'too_big':
      return [{ path: at, message: `must be at most ${String(issue.maximum)}` }];
    case 'invalid_value':
      return [{ path: at, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    default:
      return [{ path: at, message: issue.message }];
  }
}
