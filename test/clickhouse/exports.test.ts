/**
 * Exports, job outputs, diff, mails list and the import history on a two-shard ClickHouse 18.16
 * cluster give DuckDB's files and answers on the same data (the sample shop imported into both
 * through the CLI): CSV byte for byte with figure columns, dates, yes/no, tags, --sort, --limit,
 * --values ja and --rows purchases; Excel with the same cells and widths; Arrow with the same types and values; a job's members /
 * entered / left outputs and `kumiwake diff` (rows and file); Parquet with DuckDB's types (days,
 * yes/no, tags as a list). Needs `npx tsc -p tsconfig.json` (dist/).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, tempDir } from '../helpers/cli.js';
import { Workspace } from '../../src/api/workspace.js';
import { fileQuery } from './file-query.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';
import { halfSenFiles, SAMPLE_FILES } from './sample-shop.js';

const missing = clickhouseMissing();

/** Rows of a statement over the Parquet files written, as comparable JSON. */
const parquetRows = async (sql: string): Promise<unknown[]> =>
  JSON.parse(JSON.stringify(await fileQuery(sql), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as unknown[];
const AS_OF = '2026-03-31';
const FIGURES = 'customer_id,name,gender,birthday,is_smartphone,tags,points,order_count,total_sales,first_ordered_at,last_ordered_at,' +
  'days_since_last_order,average_order_value,last_order_store_id,mails_sent,last_mail_sent_at,attr:会員ランク';

/** An Excel file's sheets: names, column widths and formats, every cell. */
async function sheets(path: string): Promise<unknown> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((ws) => ({ name: ws.name, widths: ws.columns.map((c) => c.width), formats: ws.columns.map((c) => c.numFmt), rows: ws.getSheetValues() }));
}

describe.skipIf(missing !== undefined)('exports, jobs, diff and mails on a two-shard ClickHouse cluster = on a DuckDB file', () => {
  let servers: Servers;
  let dir: string;
  let click: Record<string, string>;
  let duck: Record<string, string>;
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const both = async (args: (engine: 'duck' | 'click') => string[]) => {
    for (const [name, env] of [['duck', duck], ['click', click]] as const) {
      const r = await runCliAsync(args(name), env);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  };

  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-exports-');
    click = { KUMIWAKE_ENGINE: servers.engineUrl('ex'), KUMIWAKE_DB: join(dir, 'state.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    duck = { KUMIWAKE_DB: join(dir, 'duck.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    expect((await runCliAsync(['cluster', 'init'], click)).code).toBe(0);
    for (const { table, file: csv } of SAMPLE_FILES) await both(() => ['import', table.table === 'mail_events' ? 'mail-events' : table.table, csv]);
    const halves = halfSenFiles(dir);
    await both(() => ['import', 'customers', halves.customers]);
    await both(() => ['import', 'purchases', halves.purchases]);
    // Store 100 named (a quote and a comma in it), 300 without a name, 200 not listed.
    const stores = join(dir, 'stores.csv');
    writeFileSync(stores, 'store_id,store_name\n100,"本店 ""銀座"", 1F"\n300,\n');
    await both(() => ['import', 'stores', stores]);
    // A mail never sent (no sent_at): ClickHouse 18.16's CAST of its NULL failed the mail list.
    const unsent = join(dir, 'unsent-mail.csv');
    writeFileSync(unsent, 'mail_id,subject,sent_at,kind\nMDRAFT,下書き,,manual\n');
    await both(() => ['import', 'mails', unsent]);
    await both(() => ['segments', 'save', 'lapsed', file('lapsed.json', { version: 1, name: 'lapsed', where: { kind: 'purchases', lastOrderedAt: { to: 'today-60d' } } })]);
  }, 600_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const buyers = () => file('buyers.json', { version: 1, name: 'buyers', where: { kind: 'purchases', orderCount: { min: 1 } } });
  const exportBoth = async (name: string, args: string[]) => {
    await both((engine) => ['export', buyers(), ...args, '--as-of', AS_OF, '--out', join(dir, `${engine}-${name}`)]);
    return [join(dir, `duck-${name}`), join(dir, `click-${name}`)] as const;
  };

  it('writes the same CSV bytes with figures, dates, yes/no and tags, sorted, limited, labelled, and of order lines', async () => {
    const cases: Record<string, string[]> = {
      'figures.csv': ['--columns', FIGURES, '--sort', 'total_sales:desc', '--limit', '150'],
      'sorted.csv': ['--columns', FIGURES, '--sort', 'last_order_store_id,tags:desc,average_order_value:desc,birthday'],
      'labelled.csv': ['--columns', FIGURES, '--values', 'ja', '--headers', 'ja', '--sort', 'gender,mails_sent:desc'],
      'lines.csv': ['--rows', 'purchases', '--sort', 'amount:desc', '--limit', '500'],
      'lines-figures.csv': ['--rows', 'purchases', '--columns', 'order_id,line_no,name,status,store_id,total_sales,counted,birthday,mails_sent', '--sort', 'mails_sent:desc,counted'],
      'stores.csv': ['--columns', 'customer_id,store_name,last_order_store_id,last_order_store_name', '--sort', 'last_order_store_name:desc', '--headers', 'ja'],
      'lines-stores.csv': ['--rows', 'purchases', '--columns', 'order_id,line_no,store_id,store_name,last_order_store_name', '--limit', '300'],
    };
    for (const [name, args] of Object.entries(cases)) {
      const [d, c] = await exportBoth(name, args);
      const text = readFileSync(d, 'utf8');
      expect(text.split('\n').length, name).toBeGreaterThan(100);
      expect(readFileSync(c, 'utf8'), name).toBe(text);
    }
    // Both kinds of store name are there: the named store, and none for the others.
    const storeNames = readFileSync(join(dir, 'click-stores.csv'), 'utf8');
    expect(storeNames).toContain('"本店 ""銀座"", 1F"');
    expect(storeNames).toMatch(/\n[^,]+,,200,\r?\n/);
    // The figures are there: every buyer has orders and sales.
    const rows = readFileSync(join(dir, 'click-figures.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    expect(rows.every((r) => Number(r[7]) > 0 && Number(r[8]) > 0)).toBe(true);
    // Averages of half a sen round away from zero on both (a double's 1.00499… would give 1.00).
    const averages = new Map(readFileSync(join(dir, 'click-sorted.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(',')).map((r) => [r[0], r[12]]));
    expect([averages.get('H0000001'), averages.get('H0000002')]).toEqual(['1.01', '-0.13']);
  }, 300_000);

  it('writes the figures of customers without an order (no average: ClickHouse 18.16 divided by their 0 orders)', async () => {
    const never = file('never.json', { version: 1, name: 'never', where: { kind: 'purchases', orderCount: { max: 0 } } });
    await both((engine) => ['export', never, '--columns', 'customer_id,order_count,total_sales,average_order_value', '--as-of', AS_OF, '--out', join(dir, `${engine}-never.csv`)]);
    const text = readFileSync(join(dir, 'duck-never.csv'), 'utf8');
    expect(text.split('\n').length).toBeGreaterThan(10);
    expect(readFileSync(join(dir, 'click-never.csv'), 'utf8')).toBe(text);
  }, 300_000);

  it('writes Excel files with the same cells, formats and column widths', async () => {
    for (const [name, args] of Object.entries({
      'members.xlsx': ['--columns', FIGURES, '--sort', 'total_sales:desc'],
      'labelled.xlsx': ['--columns', FIGURES, '--values', 'ja', '--headers', 'ja'],
      'lines.xlsx': ['--rows', 'purchases'],
    })) {
      const [d, c] = await exportBoth(name, args);
      expect(await sheets(c), name).toEqual(await sheets(d));
    }
  }, 300_000);

  it('writes Arrow files with the same types and values, dates and yes/no included', async () => {
    const [d, c] = await exportBoth('figures.arrow', ['--columns', FIGURES, '--sort', 'total_sales:desc']);
    const read = (path: string) => {
      const table = tableFromIPC(readFileSync(path));
      return { types: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`), rows: table.toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? String(v) : v))) };
    };
    const expected = read(d);
    expect(expected.rows.length).toBeGreaterThan(100);
    expect(read(c)).toEqual(expected);
  }, 120_000);

  it('writes Parquet files with the same types and values: days, yes/no, tags as a list, figures', async () => {
    for (const [name, args] of Object.entries({ 'members.parquet': ['--columns', FIGURES, '--sort', 'total_sales:desc'], 'labelled.parquet': ['--columns', FIGURES, '--headers', 'ja'] })) {
      const [d, c] = await exportBoth(name, args);
      const read = async (path: string) => ({
        types: await parquetRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`),
        rows: await parquetRows(`SELECT * FROM read_parquet('${path}')`),
      });
      const expected = await read(d);
      expect(expected.rows.length, name).toBeGreaterThan(100);
      expect(JSON.stringify(expected.types)).toMatch(/DATE.*BOOLEAN|BOOLEAN.*DATE/);
      expect(JSON.stringify(expected.types)).toMatch(/VARCHAR\[\]/);
      expect(await read(c), name).toEqual(expected);
    }
  }, 120_000);

  it('writes a job\'s members, entered and left outputs, and diff lists and files, as DuckDB does', async () => {
    const jobs = join(dir, 'jobs');
    mkdirSync(jobs, { recursive: true });
    writeFileSync(join(jobs, 'wk.json'), JSON.stringify({
      segment: 'lapsed', outputs: [
        { path: '{segment}-{date}-members.csv', columns: ['customer_id', 'name', 'order_count', 'birthday'] },
        { path: '{segment}-{date}-entered.csv', rows: 'entered', columns: ['customer_id', 'name', 'total_sales', 'is_smartphone'] },
        { path: '{segment}-{date}-left.xlsx', rows: 'left', columns: ['customer_id', 'name', 'last_ordered_at', 'birthday', 'tags'] },
      ],
    }));
    const dates = ['2026-01-31', '2026-12-31', '2026-03-31'];
    for (const date of dates) await both((engine) => ['run', 'wk', '--jobs-dir', jobs, '--out-dir', join(dir, `out-${engine}`), '--as-of', date]);
    for (const date of dates) {
      for (const output of ['members.csv', 'entered.csv']) {
        const name = `lapsed-${date}-${output}`;
        expect(readFileSync(join(dir, 'out-click', name), 'utf8'), name).toBe(readFileSync(join(dir, 'out-duck', name), 'utf8'));
      }
      const left = `lapsed-${date}-left.xlsx`;
      expect(await sheets(join(dir, 'out-click', left)), left).toEqual(await sheets(join(dir, 'out-duck', left)));
    }
    // The second run brought customers in; the third, back-dated, is compared with the first (the
    // run before its date) and lost them against the second: that diff is listed below.
    expect(readFileSync(join(dir, 'out-duck', 'lapsed-2026-12-31-entered.csv'), 'utf8').split('\n').length).toBeGreaterThan(10);
    const lists: Record<string, { entered: unknown; left: { count: number } }> = {};
    for (const [name, env] of [['duck', duck], ['click', click]] as const) {
      const r = await runCliAsync(['diff', '--segment', 'lapsed', '--from', '2', '--to', '3', '--columns', 'customer_id,name,total_sales,birthday,is_smartphone,tags', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { entered: unknown; left: { count: number } };
      lists[name] = { entered: json.entered, left: json.left };
      const out = await runCliAsync(['diff', '--segment', 'lapsed', '--from', '2', '--to', '3', '--columns', 'customer_id,name,total_sales,birthday', '--out', join(dir, `diff-${name}.csv`)], env);
      expect(out.code, out.stderr).toBe(0);
    }
    expect(lists.duck!.left.count).toBeGreaterThan(0);
    expect(lists.click).toEqual(lists.duck);
    expect(readFileSync(join(dir, 'diff-click.csv'), 'utf8')).toBe(readFileSync(join(dir, 'diff-duck.csv'), 'utf8'));
  }, 600_000);

  it('lists the mails with their counts, and the import history, as DuckDB does', async () => {
    const lists: string[] = [];
    for (const env of [duck, click]) {
      const r = await runCliAsync(['mails', 'list', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      lists.push(r.stdout);
    }
    expect((JSON.parse(lists[0]!) as { mails: unknown[] }).mails).not.toHaveLength(0);
    expect(lists[0]).toContain('"mailId":"MDRAFT"');
    expect(lists[1]).toBe(lists[0]);
    const history = async (options: { db: string; engine?: string }) => {
      const workspace = new Workspace({ ...options, readOnly: true });
      try {
        return (await workspace.imports()).map((r) => [r.table, r.mode, r.outcome, r.rowsRead, r.rowsLoaded, r.rowsRejected]);
      } finally {
        await workspace.close();
      }
    };
    const d = await history({ db: duck.KUMIWAKE_DB! });
    expect(d).toHaveLength(SAMPLE_FILES.length + 4); // and the half-sen customers, their lines, the stores and the unsent mail
    expect(await history({ db: click.KUMIWAKE_DB!, engine: click.KUMIWAKE_ENGINE! })).toEqual(d);
  }, 120_000);
});
