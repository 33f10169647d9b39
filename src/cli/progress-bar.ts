import cliProgress from 'cli-progress';
import type { Progress, ProgressReporter } from '../index.js';

const silent: Progress = { update() {}, stop() {} };

/** Progress bars on stderr, drawn only when stderr is a terminal. */
export function terminalProgress(enabled = process.stderr.isTTY === true): ProgressReporter {
  if (!enabled) return () => silent;
  return (label) => {
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
  };
}
