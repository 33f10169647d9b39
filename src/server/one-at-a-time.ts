import { RequestFault } from './faults.js';

/**
 * The workspace's database is one connection: requests take turns. A request whose browser has
 * gone (a live count the page replaced with a newer one) is dropped before it runs.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(() => {
      if (signal?.aborted) throw new RequestFault('cancelled', 'the request was cancelled before it ran');
      return work();
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
