import cliProgress from 'cli-progress';

/** A progress bar on stderr, shown only on a terminal and only for work that takes a while. */
export interface Progress {
  update(fraction: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function progressBar(label: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return silent;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {duration_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0);
  return {
    update(fraction) {
      bar.update(Math.max(0, Math.min(100, Math.round(fraction * 100))));
    },
    stop() {
      bar.stop();
    },
  };
}

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
