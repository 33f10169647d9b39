import { RequestFault } from './faults.js';

/**
 * The workspace's database is one connection: requests take turns. A request whose browser has
 * gone (a live count the page replaced with a newer one) is dropped before it runs; one that is
 * `interruptible` (a count, a member page, a breakdown: answers only its page reads) is also
 * stopped while it runs, so the next edit's count does not wait for an answer no one will read.
 */
/** How often an abandoned request's work is interrupted again until it ends. */
const INTERRUPT_REPEAT_MS = 5;

export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  private running: object | undefined;

  /** `interrupt` stops the statement running now (the workspace's). */
  constructor(private readonly interrupt?: () => void) {}

  run<T>(signal: AbortSignal | undefined, work: () => Promise<T>, options: { readonly interruptible?: boolean } = {}): Promise<T> {
    const turn = this.tail.then(async () => {
      if (signal?.aborted) throw new RequestFault('cancelled', 'the request was cancelled before it ran');
      const me = {};
      this.running = me;
      // Only while this request's own work runs: the flag is checked in the same tick as the interrupt.
      // An interrupt stops the statement running at that moment; one that lands between two
      // statements of the work is lost, and the next statement would run whole (a member page
      // is several statements). So it is repeated until the work ends.
      let repeating: ReturnType<typeof setInterval> | undefined;
      const stop = () => {
        if (this.running !== me) return;
        this.interrupt?.();
        repeating ??= setInterval(() => { if (this.running === me) this.interrupt?.(); }, INTERRUPT_REPEAT_MS);
      };
      if (options.interruptible) signal?.addEventListener('abort', stop, { once: true });
      try {
        return await work();
      } finally {
        this.running = undefined;
        if (repeating !== undefined) clearInterval(repeating);
        signal?.removeEventListener('abort', stop);
      }
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
