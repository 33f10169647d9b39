import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { importShop, parseCsv, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const AS_OF = '2025-03-31';
const BOM = '\uFEFF';

/**
 * Exports fail clearly and write valid, safe files (issues 13 and 19): the place written to, the
 * file name's extension, characters an Excel file or CP932 cannot hold, cells a spreadsheet
 * would run as formulas, Japanese values, and job files checked when read.
 */
describe('kumiwake export: files', () => {
  let dir: string;
  let db: string;
  let everyone: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'odd.duckdb');
    writeCsv(join(dir, 'customers.csv'), [
      'customer_id,name,address,gender,mail_permission,mail_status,dm_permission,line_status,is_smartphone,withdrawn',
      '001,"a\u0001b\u000bc","x\ufffey\uffffz",female,pc,normal,allowed,normal,true,false',
      '002,=1+2,@SUM(A1),male,mobile,address_error,refused,,false,true',
      '003,-3,+81 90,unknown,both,normal,test,address_error,,',
      '004,"\tx",〜−‖¢£¬— 🍣,,refused,,,,,',
      '',
    ].join('\n'));
    const imported = runCli(['import', 'customers', join(dir, 'customers.csv'), '--db', db]);
    if (imported.code !== 0) throw new Error(imported.stderr);
    everyone = join(dir, 'everyone.json');
    writeFileSync(everyone, JSON.stringify({ version: 1, name: 'everyone' }));
  }, 300_000);
  const exportTo = (out: string, ...args: string[]) => runCli(['export', everyone, '--db', db, '--as-of', AS_OF, '--out', out, ...args]);
  const tempFiles = (folder: string) => readdirSync(folder).filter((f) => f.includes('.kumiwake-'));
  const refusedClearly = (r: { code: number; stderr: string }, message: string) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`kumiwake: ${message}`);
    expect(r.stderr).not.toMatch(/internal error|\.kumiwake-\d+/);
  };

  describe('outputs are regular files', () => {
    it('refuses a device node and a FIFO instead of replacing them', () => {
      refusedClearly(exportTo('/dev/null'), '/dev/null: is a character device, not a regular file');
      expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
      const fifo = join(dir, 'pipe.csv');
      if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here
      refusedClearly(exportTo(fifo), `${fifo}: is a named pipe (FIFO), not a regular file`);
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(tempFiles(dir)).toEqual([]);
    });

    it('does not write a file named like the folder of `--out dir/`', () => {
      const folder = join(dir, 'lists');
      refusedClearly(exportTo(`${folder}/`), `${folder}/: names a folder, not a file; give a file name such as ${folder}/list.csv`);
      expect(existsSync(folder)).toBe(false);
    });

    it('refuses a path under a regular file and a place it cannot write, naming the path asked for', () => {
      const file = join(dir, 'plain.csv');
      writeFileSync(file, 'x');
      refusedClearly(exportTo(join(file, 'sub', 'list.csv')), `${join(file, 'sub', 'list.csv')}: ${file} is a file, not a folder`);
      expect(readFileSync(file, 'utf8')).toBe('x');
      // /proc takes no new files, even from root.
      refusedClearly(exportTo('/proc/kumiwake-list.csv'), 'cannot write /proc/kumiwake-list.csv: ');
      if (process.getuid?.() !== 0) {
        const locked = join(dir, 'locked');
        mkdirSync(locked, { mode: 0o500 });
        refusedClearly(exportTo(join(locked, 'list.csv')), `cannot write ${join(locked, 'list.csv')}: permission denied (EACCES)`);
      }
    });

    it('refuses a file name whose extension is not its format', () => {
      const out = join(dir, 'names');
      mkdirSync(out);
      refusedClearly(exportTo(join(out, 'list.xls')), `${join(out, 'list.xls')}: .xls is not a format kumiwake writes; Excel files are written as .xlsx`);
      refusedClearly(exportTo(join(out, 'list.txt'), '--format', 'csv'), `${join(out, 'list.txt')}: csv files are named .csv, not .txt; name it ${join(out, 'list.csv')}`);
      refusedClearly(exportTo(join(out, 'list.csv'), '--format', 'xlsx'), `${join(out, 'list.csv')}: xlsx files are named .xlsx, not .csv`);
      refusedClearly(exportTo(join(out, 'list')), `${join(out, 'list')}: the file name has no extension`);
      expect(readdirSync(out)).toEqual([]);
    });
  });

  describe('valid files, safe cells', () => {
    it('writes an Excel file that opens, without the characters XML forbids, and says how many it removed', async () => {
      const out = join(dir, 'odd.xlsx');
      const r = exportTo(out, '--columns', 'customer_id,name,address', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ files: [out], removed: { xlsxInvalidCharacters: 4 }, replaced: { cp932LookAlikes: 0 }, lostCharacters: [] });
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out); // a forbidden character makes this throw "disallowed character"
      const sheet = book.worksheets[0]!;
      expect(sheet.getRow(2).values).toEqual([undefined, '001', 'abc', 'xyz']);
      // Excel cells stay plain strings: no formula, no quote added.
      expect(sheet.getRow(3).values).toEqual([undefined, '002', '=1+2', '@SUM(A1)']);
      expect(sheet.getRow(3).getCell(2).type).toBe(ExcelJS.ValueType.String);
      const human = exportTo(out, '--columns', 'customer_id,name,address');
      expect(human.stdout).toContain('warning: removed 4 characters an Excel file cannot hold (control characters, U+FFFE, U+FFFF) from the cells');
    });

    it('neutralises CSV formulas by default, and keeps them with --csv-formulas keep', () => {
      const out = join(dir, 'cells.csv');
      expect(exportTo(out, '--columns', 'customer_id,name,address', '--encoding', 'utf-8').code).toBe(0);
      expect(parseCsv(readFileSync(out, 'utf8')).slice(2)).toEqual([['002', "'=1+2", "'@SUM(A1)"], ['003', "'-3", "'+81 90"], ['004', "'\tx", '〜−‖¢£¬— 🍣']]);
      expect(exportTo(out, '--columns', 'customer_id,name,address', '--encoding', 'utf-8', '--csv-formulas', 'keep').code).toBe(0);
      expect(parseCsv(readFileSync(out, 'utf8')).slice(2)).toEqual([['002', '=1+2', '@SUM(A1)'], ['003', '-3', '+81 90'], ['004', '\tx', '〜−‖¢£¬— 🍣']]);
      refusedClearly(exportTo(join(dir, 'cells.xlsx'), '--csv-formulas', 'keep'), 'csvFormulas applies to CSV only, not to xlsx');
    });

    it('writes CP932 look-alikes as Windows does, and reports every character still lost with its rows', () => {
      const out = join(dir, 'dm.csv');
      const r = exportTo(out, '--columns', 'customer_id,address', '--encoding', 'cp932', '--json');
      expect(r.code, r.stderr).toBe(0);
      const bytes = readFileSync(out);
      expect(bytes.includes(iconv.encode('～－∥￠￡￢―', 'cp932'))).toBe(true);
      expect(iconv.decode(bytes, 'cp932').split('\r\n')).toEqual(['customer_id,address', '001,x?y?z', "002,'@SUM(A1)", "003,'+81 90", '004,～－∥￠￡￢― ?', '']);
      const result = JSON.parse(r.stdout);
      expect(result.replaced).toEqual({ cp932LookAlikes: 7, xlsxValuesAsText: 0 });
      expect(result.lostCharacters).toEqual([
        { character: '\ufffe', codePoint: 'U+FFFE', count: 1, rows: [2] },
        { character: '\uffff', codePoint: 'U+FFFF', count: 1, rows: [2] },
        { character: '🍣', codePoint: 'U+1F363', count: 1, rows: [5] },
      ]);
      const human = exportTo(out, '--columns', 'customer_id,address', '--encoding', 'cp932');
      expect(human.stdout).toContain('7 characters written as the CP932 look-alike Windows uses');
      expect(human.stdout).toContain('warning: 3 characters CP932 cannot hold were written as "?":\n');
      expect(human.stdout).toContain('  🍣 U+1F363 ×1 in row 5\n');
    });

    it('writes Japanese values with --headers ja, unless --values canonical', async () => {
      const columns = ['--columns', 'customer_id,gender,mail_permission,mail_status,dm_permission,line_status,is_smartphone,withdrawn'];
      const out = join(dir, 'ja.csv');
      expect(exportTo(out, ...columns, '--headers', 'ja').code).toBe(0);
      expect(parseCsv(readFileSync(out, 'utf8').replace(BOM, ''))).toEqual([
        ['会員番号', '性別', '送信許可', '送信状態', 'DM配信', 'LINE配信状態', 'スマホ区分', '退会'],
        ['001', '女性', 'PC', '通常', '許可', '通常', '○', '×'],
        ['002', '男性', '携帯', 'アドレスエラー', '拒否', '', '×', '○'],
        ['003', '不明', '両方', '通常', 'テスト', 'アドレスエラー', '', ''],
        ['004', '', '送信拒否', '通常', '', '', '', ''],
      ]);
      expect(exportTo(out, ...columns, '--headers', 'ja', '--values', 'canonical').code).toBe(0);
      expect(parseCsv(readFileSync(out, 'utf8').replace(BOM, ''))[1]).toEqual(['001', 'female', 'pc', 'normal', 'allowed', 'normal', 'true', 'false']);
      const xlsx = join(dir, 'ja.xlsx');
      expect(exportTo(xlsx, ...columns, '--headers', 'ja').code).toBe(0);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(xlsx);
      expect(book.worksheets[0]!.getRow(2).values).toEqual([undefined, '001', '女性', 'PC', '通常', '許可', '通常', '○', '×']);
      refusedClearly(exportTo(join(dir, 'ja.parquet'), '--values', 'ja'), 'Japanese values apply to CSV and Excel, not to parquet');
    });
  });
});

describe('job outputs', () => {
  let root: string;
  let db: string;
  let jobs: string;
  beforeAll(() => {
    root = tempDir();
    db = importShop(root);
    jobs = join(root, 'jobs');
    mkdirSync(jobs);
  }, 300_000);
  const definition = { version: 1, where: { kind: 'reachable', channel: 'email' } };
  const run = (name: string, job: unknown) => {
    writeFileSync(join(jobs, `${name}.json`), JSON.stringify(job));
    return runCli(['run', name, '--jobs-dir', jobs, '--db', db, '--as-of', AS_OF, '--json']);
  };
  const history = (job: string) => JSON.parse(runCli(['history', '--db', db, '--json', '--job', job]).stdout) as Array<{ status: string; count: number | null; error: string | null }>;

  it('are checked completely when the job file is read, before any segment runs', () => {
    const cases: Array<[string, unknown, string]> = [
      ['unknown-column', [{ path: 'a.csv', columns: ['customer_id', 'shoe_size'] }], 'outputs[0].columns[1]: unknown column "shoe_size"; known: customer_id,'],
      ['second-output', [{ path: 'a.csv' }, { path: 'b.xls' }], 'outputs[1].path: b.xls: .xls is not a format kumiwake writes'],
      ['folder-path', [{ path: '{job}/' }], 'outputs[0].path: {job}/: names a folder, not a file'],
      ['nul-path', [{ path: 'a\u0000.csv' }], 'outputs[0].path: "a\\u0000.csv": a path cannot hold a NUL character'],
      ['formulas-xlsx', [{ path: 'a.xlsx', csvFormulas: 'keep' }], 'outputs[0].csvFormulas: csvFormulas applies to CSV only'],
      ['values-parquet', [{ path: 'a.parquet', values: 'ja' }], 'outputs[0].values: Japanese values apply to CSV and Excel'],
      ['bad-formulas', [{ path: 'a.csv', csvFormulas: 'escape' }], 'outputs[0].csvFormulas: '],
    ];
    for (const [name, outputs, message] of cases) {
      const r = run(name, { definition, outputs });
      expect(r.code, name).toBe(2);
      const recorded = history(name).at(-1)!;
      expect(recorded, name).toMatchObject({ status: 'failed', count: null });
      expect(recorded.error, name).toContain(`${name}.json: ${message}`);
    }
    expect(existsSync(join(root, 'data', 'out'))).toBe(false);
  });

  it('take csvFormulas and values', () => {
    const r = run('formulas', { definition: { version: 1 }, outputs: [
      { path: 'kept.csv', columns: ['customer_id', 'gender'], headers: 'ja', values: 'canonical', csvFormulas: 'keep', encoding: 'utf-8' },
      { path: 'ja.csv', columns: ['customer_id', 'gender'], headers: 'ja', encoding: 'utf-8' },
    ] });
    expect(r.code, r.stderr).toBe(0);
    expect(parseCsv(readFileSync(join(root, 'data', 'out', 'kept.csv'), 'utf8'))[1]).toEqual(['001', 'female']);
    expect(parseCsv(readFileSync(join(root, 'data', 'out', 'ja.csv'), 'utf8'))[1]).toEqual(['001', '女性']);
  });

  it('create no folder outside the output folder when a symbolic link leads out', () => {
    const outside = tempDir();
    mkdirSync(join(root, 'data', 'out'), { recursive: true });
    symlinkSync(outside, join(root, 'data', 'out', 'shared'));
    const r = run('via-link', { definition, outputs: [{ path: 'shared/{job}/{date}.csv' }] });
    expect(r.code).toBe(2);
    expect(history('via-link').at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/outputs\[0\]\.path: .* leads outside the output folder/) });
    expect(readdirSync(outside)).toEqual([]);
  });
});
