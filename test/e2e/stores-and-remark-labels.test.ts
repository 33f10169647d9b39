/**
 * `kumiwake import stores` (Japanese headers), store names in exports (store_name for the
 * customer's store, last_order_store_name beside last_order_store_id), and the shop's remark
 * labels (`kumiwake settings set remark-label 1 FAX番号`) in `--headers ja` exports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { runCli, tempDir, writeCsv } from '../helpers/cli.js';

describe('stores and remark labels', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    writeCsv(join(dir, 'customers.csv'), 'customer_id,store_id,remark_1,remark_2\nc1,100,03-1234-5678,x\nc2,300,,y\nc3,,,\n');
    // c1's last order is at store 200, c2's at 100 (its earlier one at 200), c3 never ordered.
    writeCsv(join(dir, 'purchases.csv'), 'order_id,customer_id,store_id,ordered_at,product_code,amount\nO1,c1,100,2025-01-01 10:00:00,P1,100\nO2,c1,200,2025-02-01 10:00:00,P1,100\nO3,c2,200,2025-01-05 10:00:00,P1,100\nO4,c2,100,2025-03-01 10:00:00,P1,100\n');
    writeCsv(join(dir, 'stores.csv'), '店舗ID,店舗名\n100,本店\n200,楽天市場店\n', 'cp932');
    writeFileSync(join(dir, 'all.json'), '{}');
    // The CLI reads the stores file's Japanese headers and CP932 like any other table's.
    const r = runCli(['import', 'stores', join(dir, 'stores.csv'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 stores stored');
    const shop = await openWorkspace({ db });
    try {
      for (const table of ['customers', 'purchases'] as const) await shop.import({ table, files: [join(dir, `${table}.csv`)] });
    } finally {
      await shop.close();
    }
  });

  it('shows store names, and the shop\'s remark labels under --headers ja', () => {
    const set = runCli(['settings', 'set', 'remark-label', '1', 'FAX番号', '--db', db]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('remark_1 FAX番号');
    const out = join(dir, 'list.csv');
    const r = runCli(['export', join(dir, 'all.json'), '--db', db, '--as-of', '2025-03-31', '--out', out, '--encoding', 'utf-8', '--headers', 'ja',
      '--columns', 'customer_id,store_id,store_name,last_order_store_id,last_order_store_name,remark_1,remark_2']);
    expect(r.code, r.stderr).toBe(0);
    // 300 is not in the stores file: no name. remark_2 keeps its catalog label.
    expect(readFileSync(out, 'utf8').trim().split(/\r?\n/)).toEqual([
      '会員番号,登録店舗,登録店舗名,最新購入店舗,最新購入店舗名,FAX番号,備考2',
      'c1,100,本店,200,楽天市場店,03-1234-5678,x',
      'c2,300,,100,本店,,y',
      'c3,,,,,,',
    ]);
  });

  it('writes a label a spreadsheet would run as a formula with a leading quote in a CSV header, as a value', () => {
    expect(runCli(['settings', 'set', 'remark-label', '2', '=HYPERLINK("http://x")', '--db', db]).code).toBe(0);
    const out = join(dir, 'formula.csv');
    const columns = ['--as-of', '2025-03-31', '--encoding', 'utf-8', '--headers', 'ja', '--columns', 'customer_id,remark_2'];
    expect(runCli(['export', join(dir, 'all.json'), '--db', db, '--out', out, ...columns]).code).toBe(0);
    expect(readFileSync(out, 'utf8').split(/\r?\n/)[0]).toBe('会員番号,"\'=HYPERLINK(""http://x"")"');
    expect(runCli(['export', join(dir, 'all.json'), '--db', db, '--out', out, '--csv-formulas', 'keep', ...columns]).code).toBe(0);
    expect(readFileSync(out, 'utf8').split(/\r?\n/)[0]).toBe('会員番号,"=HYPERLINK(""http://x"")"');
    expect(runCli(['settings', 'set', 'remark-label', '2', '備考2', '--db', db]).code).toBe(0);
  });

  it('refuses a remark number outside 1-10, exit 2', () => {
    const r = runCli(['settings', 'set', 'remark-label', '11', 'FAX', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not 1 to 10');
  });
});
