import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { customers } from '../../src/catalog/tables.js';
import { duckdbDialect } from '../../src/dialect/duckdb/dialect.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { outputFault } from '../../src/export/formats.js';
import { writeExport } from '../../src/export/export-segment.js';
import { MEMBERS_TABLE } from '../../src/export/select.js';
import { checkTarget } from '../../src/export/target.js';
import { Cp932Csv } from '../../src/export/write-csv.js';
import { xmlSafeText } from '../../src/export/write-xlsx.js';
import { assertInsideOutputRoot } from '../../src/jobs/job-file.js';
import { KumiwakeError, openWorkspace } from '../../src/index.js';
import { tempDir } from '../helpers/cli.js';

/** Runs the transcoder over `text` cut into chunks of `size` bytes (a cut may fall inside a character or a quoted field). */
function transcode(text: string, size: number): { bytes: Buffer; report: ReturnType<Cp932Csv['report']> } {
  const utf8 = Buffer.from(text, 'utf8');
  const cp932 = new Cp932Csv();
  const parts: Buffer[] = [];
  for (let i = 0; i < utf8.length; i += size) parts.push(cp932.encode(utf8.subarray(i, i + size)));
  parts.push(cp932.encode(undefined));
  return { bytes: Buffer.concat(parts), report: cp932.report() };
}

describe('CP932 CSV', () => {
  const csv = 'id,name\r\n1,"〜 − ‖ ¢ £ ¬ — ¦ ¥ ‾ \\ ~"\r\n2,"two\r\nlines 🍣"\r\n3,"say ""hi"" 🍣"\r\n4,🍺 and 🍣\r\n';

  it('writes the look-alikes Windows writes, and reports each lost character with its rows, wherever the chunks are cut', () => {
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const { bytes, report } = transcode(csv, size);
      expect(iconv.decode(bytes, 'cp932')).toBe('id,name\r\n1,"～ － ∥ ￠ ￡ ￢ ― ￤ ￥ ￣ \\ ~"\r\n2,"two\r\nlines ?"\r\n3,"say ""hi"" ?"\r\n4,? and ?\r\n');
      expect(report.cp932LookAlikes).toBe(10);
      // Row 3 (customer 2) spans two lines; the header is row 1.
      expect(report.lostCharacters).toEqual([
        { character: '🍣', codePoint: 'U+1F363', count: 3, rows: [3, 4, 5] },
        { character: '🍺', codePoint: 'U+1F37A', count: 1, rows: [5] },
      ]);
    }
  });

  it('loses nothing and counts nothing in plain text, a "?" of the data included', () => {
    const { bytes, report } = transcode('id,q\r\n1,"why?"\r\n2,髙橋\r\n', 5);
    expect(iconv.decode(bytes, 'cp932')).toBe('id,q\r\n1,"why?"\r\n2,髙橋\r\n');
    expect(report).toEqual({ cp932LookAlikes: 0, lostCharacters: [] });
  });
});

describe('Excel cells', () => {
  it('lose the characters XML forbids, and only those', () => {
    expect(xmlSafeText('a\u0001b\u000bc\u000cd\ufffee\uffff\u0000f')).toEqual({ text: 'abcdef', removed: 6 });
    expect(xmlSafeText('tab\there\r\nline 🍣 \ufffd')).toEqual({ text: 'tab\there\r\nline 🍣 \ufffd', removed: 0 });
  });
});

describe('CSV formulas and value labels (the DuckDB dialect)', () => {
  it('puts a quote before what a spreadsheet would run, and labels values', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const texts = ['=1+2', '+81 90', '-3', '@SUM(A1)', '\tx', '\rx', 'plain', "'quoted", ''];
      const safe = duckdbDialect.formulaSafeText('t');
      const rows = await db.query<{ v: string | null }>({ sql: `SELECT ${safe} AS v FROM unnest(?::VARCHAR[]) AS x(t)`, parameters: [[...texts]] });
      expect(rows.map((r) => r.v)).toEqual(["'=1+2", "'+81 90", "'-3", "'@SUM(A1)", "'\tx", "'\rx", 'plain', "'quoted", '']);
      const [nul] = await db.query<{ v: string | null }>({ sql: `SELECT ${duckdbDialect.formulaSafeText('CAST(NULL AS VARCHAR)')} AS v`, parameters: [] });
      expect(nul!.v).toBeNull();
      const labelled = await db.query<{ g: string | null; b: string | null }>({
        sql: `SELECT ${duckdbDialect.labelledText('g', { female: "女性 'x'" })} AS g, ${duckdbDialect.labelledText('b', { true: '○', false: '×' })} AS b
          FROM (VALUES ('female', true), ('other', false), (NULL, NULL)) AS x(g, b)`,
        parameters: [],
      });
      expect(labelled).toEqual([{ g: "女性 'x'", b: '○' }, { g: 'other', b: '×' }, { g: null, b: null }]);
    } finally {
      db.close();
    }
  });

  it('has a Japanese label for every value of every customer enum, which imports back as that value', () => {
    const enums = customers.columns.filter((c) => c.type === 'enum');
    expect(enums.map((c) => c.name)).toEqual(['gender', 'mail_permission', 'mail_status', 'dm_permission', 'line_permission', 'line_status']);
    for (const column of enums) {
      const canonical = [...new Set(Object.values(column.values!))].sort();
      expect(Object.keys(column.valueLabels ?? {}).sort(), column.name).toEqual(canonical);
      for (const [value, label] of Object.entries(column.valueLabels!)) expect(column.values![label.toLowerCase()], `${column.name} ${label}`).toBe(value);
    }
  });
});

describe('output names', () => {
  it('refuse a name that is not a file of its format, and options of another format', () => {
    const fault = (spec: Parameters<typeof outputFault>[0]) => outputFault(spec)?.message;
    expect(fault({ path: 'list.csv' })).toBeUndefined();
    expect(fault({ path: 'LIST.XLSX' })).toBeUndefined();
    expect(fault({ path: 'list.feather', format: 'arrow' })).toBeUndefined();
    expect(fault({ path: 'list.xls' })).toBe('list.xls: .xls is not a format kumiwake writes; Excel files are written as .xlsx (e.g. list.xlsx)');
    expect(fault({ path: 'list.txt' })).toMatch(/^list\.txt: \.txt is not a format kumiwake writes/);
    expect(fault({ path: 'list.txt', format: 'csv' })).toBe('list.txt: csv files are named .csv, not .txt; name it list.csv, or leave the format to the file name');
    expect(fault({ path: 'list.csv', format: 'xlsx' })).toMatch(/^list\.csv: xlsx files are named \.xlsx, not \.csv; name it list\.xlsx/);
    expect(fault({ path: 'list' })).toMatch(/^list: the file name has no extension/);
    expect(fault({ path: 'out/' })).toBe('out/: names a folder, not a file; give a file name such as out/list.csv');
    expect(fault({ path: 'out/..' })).toMatch(/names a folder/);
    expect(fault({ path: 'a\u0000b.csv' })).toBe('"a\\u0000b.csv": a path cannot hold a NUL character');
    expect(outputFault({ path: 'x.xlsx', encoding: 'cp932' })).toEqual({ key: 'encoding', message: 'an encoding applies to CSV outputs only, not to xlsx' });
    expect(outputFault({ path: 'x.xlsx', csvFormulas: 'keep' })?.key).toBe('csvFormulas');
    expect(outputFault({ path: 'x.parquet', values: 'ja' })?.key).toBe('values');
    expect(outputFault({ path: 'x.parquet', headers: 'ja' })).toBeUndefined();
  });
});

describe('output places', () => {
  it('take a name up to what the file system takes, a CP932 CSV\'s side file included (81 Japanese characters: 247 bytes)', async () => {
    const dir = tempDir();
    const shop = await openWorkspace({ db: ':memory:' });
    try {
      writeFileSync(join(dir, 'c.csv'), 'customer_id,name\n1,山田\n');
      await shop.import({ table: 'customers', files: [join(dir, 'c.csv')] });
      for (const [name, options] of [[`${'顧'.repeat(81)}.csv`, { encoding: 'cp932' as const }], [`${'客'.repeat(80)}.xlsx`, {}]] as const) {
        const out = join(dir, name);
        const written = await shop.export({ definition: { where: { all: [] } } }, { out, ...options });
        expect(written.file.rows).toBe(1);
        expect(readdirSync(dir).filter((f) => f.includes('.kumiwake-'))).toEqual([]); // no temp file left
      }
    } finally {
      await shop.close();
    }
  });

  it('are regular files or nothing yet, in folders', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'file.csv'), 'x');
    expect(() => checkTarget(join(dir, 'new', 'deeper', 'list.csv'))).not.toThrow();
    expect(() => checkTarget(join(dir, 'file.csv'))).not.toThrow();
    expect(() => checkTarget(join(dir, 'folder'))).toThrow(/folder: is a folder, not a file; give a file name inside it/);
    expect(() => checkTarget(join(dir, 'file.csv', 'x', 'list.csv'))).toThrow(/file\.csv is a file, not a folder$/);
    expect(() => checkTarget('/dev/null')).toThrow('/dev/null: is a character device, not a regular file');
    symlinkSync('/dev/null', join(dir, 'null.csv'));
    expect(() => checkTarget(join(dir, 'null.csv'))).toThrow(/null\.csv: is a character device/);
    if (spawnSync('mkfifo', [join(dir, 'pipe.csv')]).status === 0) expect(() => checkTarget(join(dir, 'pipe.csv'))).toThrow(/pipe\.csv: is a named pipe \(FIFO\)/);
  });

  it('of a job are checked for a way out before any folder is made', () => {
    const root = tempDir();
    const outside = tempDir();
    symlinkSync(outside, join(root, 'shared'));
    expect(() => assertInsideOutputRoot(join(root, 'shared', 'sub', 'deeper', 'x.csv'), root, 'outputs[0].path')).toThrow(/leads outside the output folder/);
    expect(readdirSync(outside)).toEqual([]);
    symlinkSync(join(outside, 'gone'), join(root, 'broken'));
    expect(() => assertInsideOutputRoot(join(root, 'broken', 'x.csv'), root, 'outputs[0].path')).toThrow(/leads through the broken symbolic link/);
    // A folder that does not exist yet, inside the root (itself not made yet): fine, and nothing is made.
    expect(() => assertInsideOutputRoot(join(root, 'new', 'sub', 'x.csv'), join(root, 'new'), 'outputs[0].path')).not.toThrow();
    expect(readdirSync(root).sort()).toEqual(['broken', 'shared']);
  });

  it('with a NUL are a clear fault in the library too, before the segment runs', async () => {
    const shop = await openWorkspace({ db: ':memory:' });
    try {
      const fault = await shop.export({ definition: { version: 1 } }, { out: 'list\u0000.csv' }).catch((e: unknown) => e);
      expect(fault).toBeInstanceOf(KumiwakeError);
      expect(fault).toMatchObject({ code: 'bad-output', exitCode: 2, message: '"list\\u0000.csv": a path cannot hold a NUL character' });
    } finally {
      await shop.close();
    }
  });
});

describe('a failure while writing', () => {
  it('names the file asked for, with the reason the system gave, never the temp file', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const refused = await db.copyToFile('SELECT 1 AS x', '/proc/kumiwake-nowhere/list.csv', 'csv', undefined, () => {}).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(KumiwakeError);
      expect(refused).toMatchObject({ code: 'file-write-failed', exitCode: 1 });
      expect((refused as Error).message).not.toContain('/proc');

      await db.query({ sql: `CREATE TEMP TABLE ${MEMBERS_TABLE} AS SELECT customer_id FROM customers`, parameters: [] });
      const dir = tempDir();
      const target = join(dir, 'list.csv');
      writeFileSync(target, 'earlier list');
      db.copyToFile = async () => {
        throw new KumiwakeError('file-write-failed', 'No space left on device', 1);
      };
      const failed = await writeExport(db, { path: target }, 0).catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 'export-write-failed', exitCode: 1, message: `cannot write ${target}: No space left on device` });
      expect(readdirSync(dir)).toEqual(['list.csv']); // the temp files are gone, the earlier file stays
    } finally {
      db.close();
    }
  });
});
