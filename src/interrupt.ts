import { KumiwakeError } from './errors.js';

/** Work abandoned on a signal (SIGINT, SIGTERM) or a stop request; nothing half-done is left. */
export class InterruptedError extends KumiwakeError {
  constructor(reason: string) {
    super('interrupted', `interrupted (${reason}); nothing was left half-written`, 1);
    this.name = 'InterruptedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(String(signal.reason ?? 'stopped'));
}
