import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeCsv } from '../helpers/cli.js';

/** The day number Excel shows a cell's date by (1 = 1900-01-01), from the Date exceljs reads back. */
const excelDay = (value: unknown) => 25569 + (value as Date).getTime() / 86_400_000;

/**
 * An Excel cell holds 15 significant digits and counts days from 1900-01-01 with a 29 February
 * 1900 that never was: an export must not hand the user a rounded id or a birthday one day off.
 */
describe('kumiwake export to Excel: values Excel cannot hold as they are', () => {
  let dir: string;
  let db: string;
  let everyone: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'x.duckdb');
    writeCsv(join(dir, 'customers.csv'), [
      'customer_id,birthday', '001,1900-01-01', '002,1900-02-28', '003,1899-05-05', '004,1985-06-15', '',
    ].join('\n'));
    writeCsv(join(dir, 'purchases.csv'), [
      'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount',
      'O1,1,001,2024-05-01 10:00:00,P1,12345678901234567,12345678901234.5678',
      'O2,1,002,2024-05-02 10:00:00,P1,1234567890,1500',
      '',
    ].join('\n'));
    for (const table of ['customers', 'purchases']) {
      const r = runCli(['import', table, join(dir, `${table}.csv`), '--db', db]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    everyone = join(dir, 'everyone.json');
    writeCsv(everyone, JSON.stringify({ version: 1, name: 'everyone' }));
  }, 300_000);

  const rowsOf = async (file: string) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const rows: unknown[][] = [];
    book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows.slice(1);
  };

  it('writes dates before 1 March 1900 as Excel numbers them, and dates before 1900 as text', async () => {
    const out = join(dir, 'birthdays.xlsx');
    const r = runCli(['export', everyone, '--db', db, '--as-of', '2025-03-31', '--out', out, '--columns', 'customer_id,birthday,total_sales', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).replaced).toEqual({ cp932LookAlikes: 0, xlsxValuesAsText: 2 });
    const rows = await rowsOf(out);
    expect(rows.map((row) => row[0])).toEqual(['001', '002', '003', '004']);
    expect(excelDay(rows[0]![1])).toBe(1); // Excel's 1900-01-01 (a day number of 2 shows 1900-01-02)
    expect(excelDay(rows[1]![1])).toBe(59); // 1900-02-28 (60 is Excel's 29 February 1900)
    expect(rows[2]![1]).toBe('1899-05-05'); // Excel has no day before 1900
    expect(rows[3]![1]).toEqual(new Date(Date.UTC(1985, 5, 15)));
    // A sales sum of 18 significant digits stays exact as text; 1,500 is a number.
    expect(rows[0]![2]).toBe('12345678901234.5678');
    expect(rows[1]![2]).toBe(1500);
    const human = runCli(['export', everyone, '--db', db, '--as-of', '2025-03-31', '--out', out, '--columns', 'customer_id,birthday,total_sales']);
    expect(human.stdout + human.stderr).toContain('2 values Excel cannot hold exactly (numbers of more than 15 digits, dates before 1900) written as text');
  });

  it('writes integers of more than 15 digits as text, not rounded', async () => {
    const out = join(dir, 'lines.xlsx');
    const r = runCli(['export', everyone, '--db', db, '--as-of', '2025-03-31', '--out', out, '--rows', 'purchases', '--columns', 'order_id,quantity,amount', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).replaced.xlsxValuesAsText).toBe(2);
    expect(await rowsOf(out)).toEqual([['O1', '12345678901234567', '12345678901234.5678'], ['O2', 1234567890, 1500]]);
    // Wide enough for the number as Excel shows it (#,##0: 1,234,567,890), or it shows ####.
    const first = join(dir, 'first-line.xlsx');
    const r2 = runCli(['export', everyone, '--db', db, '--as-of', '2025-03-31', '--out', first, '--rows', 'purchases', '--columns', 'order_id,quantity', '--sort', 'quantity', '--limit', '1']);
    expect(r2.code, r2.stderr).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(first);
    expect(await rowsOf(first)).toEqual([['O2', 1234567890]]);
    expect(book.worksheets[0]!.getColumn(2).width).toBeGreaterThanOrEqual('1,234,567,890'.length);
  });
});
