/**
 * What the browser test files share: Debian's Chromium (or KUMIWAKE_CHROMIUM), the built page,
 * the rule that a file's tests are skipped with a message without Chromium and fail under CI=true
 * (.ci/run installs it), a page to drive, and waiting for the count the page shows.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { openWorkspace, type GeneratedFiles, type Workspace } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import type { ServeOptions } from '../../src/server/options.js';

export const CHROMIUM = process.env.KUMIWAKE_CHROMIUM || '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;

/** Says why `what`'s tests are skipped without Chromium; under CI=true they fail instead. */
export function needChromium(what: string): void {
  if (!HAVE_CHROMIUM) process.stderr.write(`test/browser: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set KUMIWAKE_CHROMIUM)\n`);
  describe.runIf(!HAVE_CHROMIUM && process.env.CI === 'true')(`${what} under CI`, () => {
    it('need Chromium', () => {
      throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it with apt-get`);
    });
  });
}

/** Chromium with one page of 1300 × 1000, whose script errors are written to stderr. */
export async function openPage(options: { acceptDownloads?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 }, ...options });
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  return { browser, page };
}

/** Waits until the count bar shows the answer to the latest edit, and that it is `total`. */
export async function countShown(page: Page, total: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('.count-bar')?.getAttribute('data-state') === 'done' &&
      Number((document.querySelector('[data-testid=count-total]')?.textContent ?? '').replace(/[^\d]/g, '')) === want,
    total, { timeout: 10_000 },
  ).catch(async () => {
    throw new Error(`the page shows ${await page.textContent('[data-testid=count-total]')} (state ${await page.getAttribute('.count-bar', 'data-state')}), not ${total}`);
  });
}

/** The tables of a generated shop the page's tests count over, in the order they import. */
export const shopTables = (files: GeneratedFiles) =>
  [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['mails', files.mails], ['mail-events', files.mailEvents]] as const;

/** Imports a generated shop's tables (shopTables) into `workspace`. */
export async function importShop(workspace: Workspace, files: GeneratedFiles): Promise<void> {
  for (const [table, file] of shopTables(files)) await workspace.import({ table, files: [file] });
}

/** What a file's afterAll closes: the browser, then the server, then the workspace it serves. */
export async function closeAll(parts: { browser?: Browser; server?: { close(): Promise<void> }; workspace?: Workspace }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
  await parts.workspace?.close();
}

/** The database `db` served as the page's server serves it (an interactive workspace), and a page to drive it. */
export async function servedPage(db: string, serverOptions: Omit<ServeOptions, 'host' | 'port' | 'webRoot'> = {}): Promise<{ workspace: Workspace; server: RunningServer; browser: Browser; page: Page }> {
  const workspace = await openWorkspace({ db, interactive: true });
  const server = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, ...serverOptions });
  return { workspace, server, ...(await openPage()) };
}

/** The counts a one-shot (not interactive) workspace gives, by definition: what the page must show. */
export class OneShotCounts {
  private readonly counts = new Map<string, number>();

  async keep(workspace: Workspace, definition: unknown): Promise<void> {
    this.counts.set(JSON.stringify(definition), (await workspace.count({ definition })).count);
  }

  of(definition: unknown): number {
    const count = this.counts.get(JSON.stringify(definition));
    if (count === undefined) throw new Error(`no one-shot count for ${JSON.stringify(definition)}`);
    return count;
  }
}
