import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '../index.js';
import { parseLocalDate } from '../model/dates.js';
import { countSegment } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { startServer } from '../server/serve.js';
import { combinedLtv, interactiveEdits, percentile } from './run-interactive.js';
import { benchSegments, type BenchSegment } from './segments.js';

export const BENCH_CHROMIUM = process.env.KUMIWAKE_CHROMIUM || '/usr/bin/chromium';
const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

export interface BrowserFigure {
  /** which condition of the combined LTV segment changes from edit to edit */
  readonly edit: string;
  readonly edits: number;
  /** the browser's request for the total to the total rendered (performance marks of the page) */
  readonly medianMs: number;
  readonly p95Ms: number;
  /** the server's statement time for the total, as it answered (`elapsedMs`) */
  readonly serverMedianMs: number;
  readonly serverP95Ms: number;
  /** the answer's last byte to the rendered number */
  readonly renderMedianMs: number;
  /** the request for the per-node counts to the badges rendered */
  readonly nodesMedianMs: number;
  readonly nodesP95Ms: number;
  readonly editsOver200Ms: number;
  /** every total shown equals the library's whole count (no kept sets) of the same definition */
  readonly agree: boolean;
}

interface Mark { readonly startTime: number; readonly detail?: { count?: number; elapsedMs?: number; asOf?: string; reachable?: unknown } }
interface Timing { readonly startTime: number; readonly responseEnd: number }
interface Measured { readonly totalMs: number; readonly serverMs: number; readonly renderMs: number; readonly nodesMs: number; readonly shown: number; readonly reachable: unknown; readonly asOf: string }

/**
 * Live counts in the browser (issue 16, item 3): the builder's server on the bench database, the
 * page in headless Chromium, the combined LTV definition typed into the JSON view, then `runs`
 * edits of one condition each (run-interactive's). For each edit, the page's own marks time the
 * total from its request to the rendered number and the per-node counts likewise; the totals shown
 * are then checked against the library's whole count. Without Chromium, undefined.
 */
export async function benchBrowser(dbPath: string, runs: number, report: (f: BrowserFigure) => void, segments: readonly BenchSegment[] = benchSegments): Promise<BrowserFigure[] | undefined> {
  if (!existsSync(BENCH_CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  const figures: BrowserFigure[] = [];
  const workspace = await openWorkspace({ db: dbPath, readOnly: true, interactive: true });
  const server = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: ['--no-sandbox'] });
  const checks: Array<{ figure: number; definition: unknown; measured: Measured }> = [];
  const series: Array<{ edit: string; measured: Measured[] }> = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.click('nav.tabs button:text-is("JSON")');
    const settle = async (definition: unknown): Promise<Measured> => {
      await page.evaluate(() => { performance.clearMarks(); performance.clearResourceTimings(); });
      await page.fill('[data-testid=json-text]', JSON.stringify(definition, null, 2));
      await page.waitForFunction(() => performance.getEntriesByName('kumiwake:count-rendered').length > 0 && performance.getEntriesByName('kumiwake:node-counts-rendered').length > 0, undefined, { timeout: 120_000, polling: 10 });
      const marks = await page.evaluate(() => {
        const pick = (name: string) => performance.getEntriesByName(name).map((m) => ({ startTime: m.startTime, detail: (m as PerformanceMark).detail }));
        const counts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.endsWith('/api/count')).map((r) => ({ startTime: r.startTime, responseEnd: r.responseEnd }));
        return { requested: pick('kumiwake:count-requested'), rendered: pick('kumiwake:count-rendered'), nodesRequested: pick('kumiwake:node-counts-requested'), nodesRendered: pick('kumiwake:node-counts-rendered'), counts };
      }) as { requested: Mark[]; rendered: Mark[]; nodesRequested: Mark[]; nodesRendered: Mark[]; counts: Timing[] };
      // One fill is one edit: one request for the total, one for the nodes; the last of each counts.
      const requested = marks.requested.at(-1)!;
      const rendered = marks.rendered.at(-1)!;
      const answered = marks.counts.filter((r) => r.startTime >= requested.startTime).sort((a, b) => a.startTime - b.startTime)[0];
      return {
        totalMs: rendered.startTime - requested.startTime,
        serverMs: rendered.detail?.elapsedMs ?? NaN,
        renderMs: answered ? rendered.startTime - answered.responseEnd : NaN,
        nodesMs: marks.nodesRendered.at(-1)!.startTime - marks.nodesRequested.at(-1)!.startTime,
        shown: rendered.detail?.count ?? NaN,
        reachable: rendered.detail?.reachable,
        asOf: rendered.detail?.asOf ?? '',
      };
    };
    await settle(combinedLtv(segments)); // the first count builds the kept sets of every condition
    for (const edit of interactiveEdits) {
      const measured: Measured[] = [];
      for (let i = 0; i < runs; i++) {
        const conditions = [...combinedLtv(segments).where.all];
        conditions[edit.index] = edit.make(i);
        const definition = { where: { all: conditions } };
        const m = await settle(definition);
        measured.push(m);
        checks.push({ figure: series.length, definition, measured: m });
      }
      series.push({ edit: edit.name, measured });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  // The library's whole count of every definition shown, once the page no longer uses the database.
  const agreeing = series.map(() => true);
  try {
    const db = await workspace.database();
    const store = await SegmentStore.load(db);
    for (const check of checks) {
      const whole = await countSegment(db, check.definition, store, parseLocalDate(check.measured.asOf)!);
      if (whole.count !== check.measured.shown || JSON.stringify(whole.reachable) !== JSON.stringify(check.measured.reachable)) agreeing[check.figure] = false;
    }
  } finally {
    await workspace.close();
  }
  for (const [i, s] of series.entries()) {
    const of = (f: (m: Measured) => number, p: number) => percentile(s.measured.map(f), p);
    const figure: BrowserFigure = {
      edit: s.edit,
      edits: s.measured.length,
      medianMs: of((m) => m.totalMs, 0.5),
      p95Ms: of((m) => m.totalMs, 0.95),
      serverMedianMs: of((m) => m.serverMs, 0.5),
      serverP95Ms: of((m) => m.serverMs, 0.95),
      renderMedianMs: of((m) => m.renderMs, 0.5),
      nodesMedianMs: of((m) => m.nodesMs, 0.5),
      nodesP95Ms: of((m) => m.nodesMs, 0.95),
      editsOver200Ms: s.measured.filter((m) => m.totalMs > 200).length,
      agree: agreeing[i]!,
    };
    report(figure);
    figures.push(figure);
  }
  return figures;
}
