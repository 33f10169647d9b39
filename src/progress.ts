/**
 * Progress of long work (decoding, loading, exporting). The library reports through a
 * ProgressReporter it is given; the CLI gives one that draws bars on a terminal.
 */
export interface Progress {
  update(fraction: number): void;
  stop(): void;
}

/** Makes the display of one piece of work, e.g. `loading purchases.csv`. */
export type ProgressReporter = (label: string) => Progress;

export const silentProgress: Progress = { update() {}, stop() {} };
export const noProgress: ProgressReporter = () => silentProgress;

/** Polls a running DuckDB query's progress (percentage, or -1 when unknown) into a bar. */
export async function withPolledProgress<T>(progress: Progress, poll: () => number, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    const percentage = poll();
    if (percentage >= 0) progress.update(percentage / 100);
  }, 250);
  try {
    const result = await work;
    progress.update(1);
    return result;
  } finally {
    clearInterval(timer);
    progress.stop();
  }
}
