import { KumiwakeError } from '../index.js';
import type { Logger } from '../index.js';

/** A JSON error body: the fault's code and message, and a definition's faults with their JSON paths. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly faults?: ReadonlyArray<{ readonly code: string; readonly path: string; readonly message: string; readonly line?: number; readonly column?: number }>;
    /** a query's syntax fault: where in the text (the message ends with the line and a caret under it) */
    readonly line?: number;
    readonly column?: number;
  };
}

/** Faults a user can fix that are not a 400 (a wrong request). */
const STATUS_BY_CODE: Readonly<Record<string, 403 | 404 | 409 | 503>> = {
  'segment-unknown': 404,
  'unknown-customer': 404,
  'segment-exists': 409,
  'segment-in-use': 409,
  'job-exists': 409,
  'upload-importing': 409,
  'job-missing': 404,
  'rejects-missing': 404,
  'read-only': 403,
  'database-busy': 503,
};

/** A request the server refuses before it reaches the library (bad JSON, an unknown property). */
export class RequestFault extends KumiwakeError {
  constructor(code: string, message: string, readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 = 400) {
    super(code, message, 2);
  }
}

/**
 * A user's mistake is a 4xx with the library's code (and a definition's faults with their
 * paths); only a broken invariant is a 500, logged with its details and answered without them.
 */
export function errorResponse(error: unknown, log: Logger): { status: number; body: ErrorBody } {
  if (error instanceof RequestFault) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  if (error instanceof KumiwakeError) {
    // Exit status 1 is the server's own trouble (out of memory, interrupted), not the request's.
    const status = Object.hasOwn(STATUS_BY_CODE, error.code) ? STATUS_BY_CODE[error.code]! : error.exitCode === 1 ? 503 : 400;
    const faults = (error as { faults?: ErrorBody['error']['faults'] }).faults;
    const warnings = (error as { warnings?: unknown }).warnings;
    const { line, column } = error as { line?: unknown; column?: unknown };
    const place = typeof line === 'number' && typeof column === 'number' ? { line, column } : {};
    return { status, body: { error: { code: error.code, message: error.message, ...place, ...(faults ? { faults } : {}), ...(warnings ? { warnings } : {}) } as ErrorBody['error'] } };
  }
  log.error({ err: error }, 'internal error in a web request');
  return { status: 500, body: { error: { code: 'internal', message: 'internal error (see the server log)' } } };
}
