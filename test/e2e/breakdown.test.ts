/**
 * `kumiwake count --by` and `kumiwake settings` through the CLI, on test/fixtures/shop as of
 * 2025-03-31: the flags, the JSON, the files written and the faults. The expected rows are worked
 * out by hand from the fixture (see the comments); every cell of random data is checked against
 * the reference evaluator in test/unit/breakdown-property.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

describe('kumiwake count --by and kumiwake settings', () => {
  let dir: string;
  let db: string;
  let everyone: string;
  const cli = (...args: string[]) => runCli([...args, '--db', db]);

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const workspace = await openWorkspace({ db });
    try {
      for (const table of ['customers', 'purchases'] as const) await workspace.import({ table, files: [join(SHOP, `${table}.csv`)] });
    } finally {
      await workspace.close();
    }
    everyone = join(dir, 'everyone.json');
    writeFileSync(everyone, JSON.stringify({ version: 1, includeDeleted: true }));
  });

  it('breaks a count down by gender and age band (--json), sorted by count with a total', () => {
    // Visible customers: 001 F 1990-02-28 (35), 002 M 2000-02-29 (25), 003 no gender, no birthday,
    // 005 F 1970-01-10 (55); 004 is deleted. Only 001 is reachable (email, LINE and DM).
    writeFileSync(join(dir, 'visible.json'), '{}');
    const r = cli('count', join(dir, 'visible.json'), '--by', 'gender,age_band', '--as-of', AS_OF, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.by).toEqual(['gender', 'age_band']);
    expect(out.breakdown).toEqual([
      { key: { gender: 'female', age_band: '30-39' }, count: 1, reachable: { email: 1, line: 1, dm: 1 } },
      { key: { gender: 'female', age_band: '50-59' }, count: 1, reachable: { email: 0, line: 0, dm: 0 } },
      { key: { gender: 'male', age_band: '20-29' }, count: 1, reachable: { email: 0, line: 0, dm: 0 } },
      { key: { gender: null, age_band: 'unknown' }, count: 1, reachable: { email: 0, line: 0, dm: 0 } },
    ]);
    expect(out.total).toEqual({ count: 4, reachable: { email: 1, line: 1, dm: 1 } });
    expect(out.count).toBe(4);
  });

  it('puts everyone in an RFM cell with quintiles, then with the cut points set, and writes the table as CSV', () => {
    // Counted orders by 2025-03-31 (002's are cancelled or uncounted, 999 is a guest):
    //   001: O1 (2025-03-30, 1500) and O2 (2024-09-30, 3000): 1 day, F 2, M 4500
    //   003: O5 and O6 (2024-12-31, 2000 + 100): 90 days, F 2, M 2100
    //   004: O7 (2025-03-01, 5000): 30 days, F 1, M 5000
    // Quintiles over 3: R 001 4, 004 2, 003 1; F 001 2, 003 2, 004 1; M 004 4, 001 2, 003 1.
    // R×FM: 001 R4 FM2 potential_loyalist, 003 R1 FM2 lost, 004 R2 FM3 at_risk; 002 and 005 none.
    const quintiles = JSON.parse(cli('count', everyone, '--by', 'rfm', '--as-of', AS_OF, '--json').stdout);
    expect(quintiles.breakdown.map((row: { key: { rfm: string }; count: number }) => [row.key.rfm, row.count]))
      .toEqual([['none', 2], ['at_risk', 1], ['lost', 1], ['potential_loyalist', 1]]);

    const set = cli('settings', 'set', 'rfm', '--r', '30,60,90,180', '--f', '1,2,3,5', '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ rfm: { r: [30, 60, 90, 180], f: [1, 2, 3, 5] } });
    // Cut points: 001 R5 (1 day) F3 (2 orders) M2 → FM3 potential_loyalist; 003 R3 (90 days) F3 M1 → FM2
    // about_to_sleep; 004 R5 (30 days) F2 M4 → FM3 potential_loyalist.
    const file = join(dir, 'rfm.csv');
    const r = cli('count', everyone, '--by', 'rfm', '--as-of', AS_OF, '--out', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`written to ${file} (csv, 4 rows)`);
    expect(readFileSync(file, 'utf8')).toBe('\uFEFFrfm,count,email,line,dm\r\nnone,2,0,0,0\r\npotential_loyalist,2,1,1,1\r\nabout_to_sleep,1,0,0,0\r\ntotal,5,1,1,1\r\n');
  });

  it('writes an Excel table, and refuses what it cannot do with a fault naming it', async () => {
    const file = join(dir, 'gender.xlsx');
    const r = cli('count', everyone, '--by', 'gender', '--as-of', AS_OF, '--format', 'xlsx', '--out', file);
    expect(r.code, r.stderr).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const rows = workbook.getWorksheet('breakdown')!.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    // 001, 004, 005 female (004 deleted, included here); 002 male; 003 none. Only 001 is reachable.
    expect(rows).toEqual([['gender', 'count', 'email', 'line', 'dm'], ['female', 3, 1, 1, 1], ['male', 1, 0, 0, 0], [undefined, 1, 0, 0, 0], ['total', 5, 1, 1, 1]]);

    const attr = cli('count', everyone, '--by', 'gender,attr:会員ランク');
    expect([attr.code, attr.stderr]).toEqual([2, 'kumiwake: --by attr:会員ランク: no customers import brought the attribute group "会員ランク" (its column attr:会員ランク is not in the data)\n']);
    const cuts = cli('settings', 'set', 'rfm', '--m', '100,50,200,300');
    expect([cuts.code, cuts.stderr]).toEqual([2, 'kumiwake: --m 100,50,200,300: the cut points must increase (four increasing sales amounts, e.g. 5000,10000,30000,100000)\n']);
    const negative = cli('settings', 'set', 'rfm', '--r', '-1,0,1,2');
    expect([negative.code, negative.stderr]).toEqual([2, 'kumiwake: --r -1,0,1,2: "-1" is not a number of 0 or more (four increasing days since the last order, e.g. 30,60,90,180)\n']);
    const unset = cli('settings', 'unset', 'rfm');
    expect([unset.code, unset.stdout]).toEqual([0, 'removed the rfm setting\n']);
    expect(cli('settings', 'show', '--json').stdout).toBe('{}\n');
  });
});
