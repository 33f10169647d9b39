import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measured } from './run-imports.js';

export interface ExportFigure {
  readonly format: string;
  readonly rows: number;
  readonly megabytes: number;
  /** the whole `kumiwake export` command: evaluation, writing and process start */
  readonly seconds: number;
  readonly peakMegabytes: number;
}

const CLI = new URL('../cli/main.js', import.meta.url).pathname;

/** Ten columns a DM or mail list carries: text, numbers and a timestamp. */
export const BENCH_EXPORT_COLUMNS = 'customer_id,name,name_kana,email_pc,phone_mobile,postal_code,prefecture,order_count,total_sales,last_ordered_at';

/** Exports every customer (deleted ones included: 1,000,000 at 1x) with ten columns, once per format. */
export function benchExports(dbPath: string, workDir: string, asOf: string, onFigure: (f: ExportFigure) => void): ExportFigure[] {
  mkdirSync(workDir, { recursive: true });
  const everyone = join(workDir, 'everyone.json');
  writeFileSync(everyone, JSON.stringify({ version: 1, name: 'everyone', includeDeleted: true }));
  const figures: ExportFigure[] = [];
  for (const format of ['csv', 'xlsx', 'parquet', 'arrow']) {
    const out = join(workDir, `everyone.${format}`);
    const run = measured([CLI, 'export', everyone, '--db', dbPath, '--as-of', asOf, '--columns', BENCH_EXPORT_COLUMNS, '--out', out, '--json']);
    const result = JSON.parse(run.stdout) as { count: number };
    const figure = { format, rows: result.count, megabytes: statSync(out).size / 1e6, seconds: run.seconds, peakMegabytes: run.peakMegabytes };
    rmSync(out, { force: true });
    figures.push(figure);
    onFigure(figure);
  }
  return figures;
}

