import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../src/server/one-at-a-time.js';

// The server's one connection: a live count's or member page's request the page abandoned is
// stopped while it runs (so the next edit's count does not wait for it), and only then.
describe('OneAtATime', () => {
  it('interrupts an interruptible request whose browser went away while it runs, and nothing else', async () => {
    const interrupts: string[] = [];
    let running = '';
    const turns = new OneAtATime(() => interrupts.push(running));
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const page = new AbortController();
    const first = turns.run(page.signal, async () => { running = 'members'; await held; return 1; }, { interruptible: true });
    const plain = new AbortController();
    const second = turns.run(plain.signal, async () => { running = 'import'; await new Promise((r) => setTimeout(r, 20)); return 2; });
    await new Promise((r) => setTimeout(r, 10));
    page.abort();
    expect(interrupts).toEqual(['members']);
    release();
    expect(await first).toBe(1);
    // Aborting a request that is not interruptible never interrupts it.
    await new Promise((r) => setTimeout(r, 5));
    plain.abort();
    expect(await second).toBe(2);
    expect(interrupts).toEqual(['members']);
  });

  it('drops a request aborted before its turn, without interrupting the one running', async () => {
    const interrupts: number[] = [];
    const turns = new OneAtATime(() => interrupts.push(1));
    const slow = turns.run(undefined, () => new Promise((r) => setTimeout(() => r('done'), 20)));
    const gone = new AbortController();
    const dropped = turns.run(gone.signal, async () => 'ran', { interruptible: true });
    gone.abort();
    expect(await slow).toBe('done');
    await expect(dropped).rejects.toThrow(/cancelled before it ran/);
    expect(interrupts).toEqual([]);
  });
  it('keeps interrupting an abandoned request until it ends: an abort between two statements stops the second', async () => {
    // A statement only sees an interrupt that arrives while it runs (as DuckDB's connection does).
    let current: ((e: Error) => void) | undefined;
    const statement = (ms: number) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { current = undefined; resolve(); }, ms);
      current = (e) => { clearTimeout(timer); current = undefined; reject(e); };
    });
    const turns = new OneAtATime(() => current?.(new Error('interrupted')));
    const page = new AbortController();
    const started = Date.now();
    const work = turns.run(page.signal, async () => {
      await statement(10);
      await new Promise((r) => setTimeout(r, 30)); // between statements: nothing to interrupt
      await statement(5_000);
      return 'whole';
    }, { interruptible: true });
    setTimeout(() => page.abort(), 20);
    await expect(work).rejects.toThrow('interrupted');
    expect(Date.now() - started).toBeLessThan(1_000);
    // The next request runs normally: nothing keeps interrupting once the abandoned one ended.
    expect(await turns.run(undefined, async () => { await statement(30); return 'next'; })).toBe('next');
  });
});
