import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: every temporary folder of a test run (the tests' own, the exports', the
 * local ClickHouse servers', Chromium's profiles) goes in one folder, removed when the run ends.
 * Tests that made their folders under /tmp and left them had filled 2.2 GB there after a few runs.
 * KUMIWAKE_KEEP_TEST_FILES=1 keeps it, to look at what a failing test wrote.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'kumiwake-tests-'));
  // Others may pass through, not list: the benchmark's PostgreSQL runs as postgres in a folder
  // its test opens to it (test/e2e/bench-postgres.test.ts); every other folder stays the tests' own.
  chmodSync(root, 0o711);
  // Read by os.tmpdir() in the test workers, which start after this.
  process.env.TMPDIR = root;
  return () => {
    if (process.env.KUMIWAKE_KEEP_TEST_FILES) {
      console.log(`test files kept in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
