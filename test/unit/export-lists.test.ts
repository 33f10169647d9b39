/**
 * Lists as the seeds' result screens give them (issue 14, item 10): `--sort` / `--limit`, the
 * figure columns (days_since_last_order, average_order_value, last_order_store_id, mails_sent,
 * last_mail_sent_at) and `--rows purchases`, each checked against a plain computation over the
 * rows written here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purchases } from '../../src/catalog/tables.js';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir } from '../helpers/cli.js';

const AS_OF = '2026-06-30';
const CUSTOMERS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'];

interface Line { order: string; line: number; customer: string; at: string; product: string; amount: number; status: string; counted: boolean; store: string }
const line = (order: string, n: number, customer: string, at: string, amount: number, store: string, status = '', counted = true): Line =>
  ({ order, line: n, customer, at, product: `P${n}`, amount, status, counted, store });
const LINES: Line[] = [
  line('A1', 1, 'C1', '2026-01-10 09:00:00', 1000, 'S1'),
  line('A1', 2, 'C1', '2026-01-10 09:00:00', 500, 'S1'),
  line('A2', 1, 'C1', '2026-03-05 12:00:00', 3000, 'S2'),
  line('B1', 1, 'C2', '2026-02-01 08:00:00', 800, 'S1'),
  line('B2', 1, 'C2', '2026-06-01 08:00:00', 900, 'S3', 'cancelled'), // never the last order
  line('B3', 1, 'C2', '2026-06-02 08:00:00', 700, 'S3', '', false), // not counted either
  line('D1', 1, 'C3', '2026-05-05 10:00:00', 2000, 'S1'),
  line('D2', 1, 'C3', '2026-05-05 10:00:00', 100, 'S4'), // same time as D1: the larger order id is the last
  line('E1', 1, 'C4', '2026-04-01 10:00:00', 1000, ''),
  line('E2', 1, 'C4', '2026-04-02 10:00:00', 1001, 'S2'),
  line('F1', 1, 'C6', '2025-12-31 23:59:59', 1000, 'S5'),
  line('F2', 1, 'C6', '2026-01-01 00:00:00', 1000, 'S5'),
  line('F3', 1, 'C6', '2026-01-02 00:00:00', 1001, 'S5'),
  // Averages on a half sen: 1.005 is 1.00499… as a double, and rounds half away from zero only exactly.
  line('G1', 1, 'C7', '2026-02-02 10:00:00', 1.005, 'S1'),
  line('H1', 1, 'C8', '2026-02-03 10:00:00', -0.125, 'S1'),
  line('H2', 1, 'C8', '2026-02-04 10:00:00', -0.125, 'S1'),
  line('I1', 1, 'C9', '2026-02-05 10:00:00', 10, 'S1'),
  line('I2', 1, 'C9', '2026-02-06 10:00:00', 10, 'S1'),
  line('I3', 1, 'C9', '2026-02-07 10:00:00', 0.01, 'S1'),
];
// [customer, mail, event, at]: C1 was sent M2 twice (one mail, the later send is the last), C2 only opens.
const EVENTS = [
  ['C1', 'M1', 'send', '2026-03-01 10:00:00'], ['C1', 'M1', 'open', '2026-03-02 10:00:00'], ['C1', 'M2', 'send', '2026-04-01 10:00:00'],
  ['C1', 'M2', 'send', '2026-04-05 10:00:00'], ['C2', 'M1', 'open', '2026-03-03 10:00:00'], ['C3', 'M1', 'send', '2026-03-01 10:00:00'],
];

/** An amount in ten-thousandths of a yen (the 4 places stored), so that sums and averages are exact here. */
const units = (amount: number) => BigInt(Math.round(amount * 10_000));
/** `n` units of 10^-places as the export writes a decimal: no trailing zeros. */
const decimalText = (n: bigint, places: number) => {
  const digits = (n < 0n ? -n : n).toString().padStart(places + 1, '0');
  const fraction = digits.slice(-places).replace(/0+$/, '');
  return `${n < 0n ? '-' : ''}${digits.slice(0, -places)}${fraction ? `.${fraction}` : ''}`;
};
/** sales / orders to the sen, rounded half away from zero (command-line.md, figure columns). */
const averageText = (sales: bigint, orders: bigint) => {
  const cents = ((sales < 0n ? -sales : sales) * 2n + 100n * orders) / (200n * orders);
  return decimalText(sales < 0n ? -cents : cents, 2);
};

/** The figures by the rules (command-line.md, export), computed here from the rows above. */
function figuresOf(customer: string) {
  const counted = LINES.filter((l) => l.customer === customer && l.counted && l.status !== 'cancelled');
  const orders = new Map<string, { at: string; sales: bigint; store: string }>();
  for (const l of counted) {
    const o = orders.get(l.order) ?? { at: l.at, sales: 0n, store: l.store };
    orders.set(l.order, { at: l.at < o.at ? l.at : o.at, sales: o.sales + units(l.amount), store: o.store });
  }
  const last = [...orders.entries()].sort(([ia, a], [ib, b]) => (a.at === b.at ? (ia < ib ? -1 : 1) : a.at < b.at ? -1 : 1)).at(-1);
  const sales = [...orders.values()].reduce((n, o) => n + o.sales, 0n);
  const sends = EVENTS.filter(([c, , e]) => c === customer && e === 'send');
  const day = (at: string) => Date.UTC(Number(at.slice(0, 4)), Number(at.slice(5, 7)) - 1, Number(at.slice(8, 10)));
  return {
    customer_id: customer,
    order_count: String(orders.size),
    total_sales: decimalText(sales, 4),
    days_since_last_order: last ? String((day(AS_OF) - day(last[1].at)) / 86_400_000) : '',
    average_order_value: orders.size === 0 ? '' : averageText(sales, BigInt(orders.size)),
    last_order_store_id: last?.[1].store ?? '',
    mails_sent: String(new Set(sends.map(([, m]) => m)).size),
    last_mail_sent_at: sends.map(([, , , at]) => at!).sort().at(-1) ?? '',
  };
}
type Figures = ReturnType<typeof figuresOf>;

const csvRows = (path: string): string[][] => readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((r) => r.split(','));

let dir: string;
let shop: Workspace;
const everyone = { definition: { version: 1, where: { kind: 'purchases', orderCount: { min: 0 } } } };
const repeaters = { definition: { version: 1, where: { kind: 'purchases', orderCount: { min: 2 } } } };

beforeAll(async () => {
  dir = tempDir('kumiwake-lists-');
  const csv = (name: string, header: string, rows: readonly (readonly unknown[])[]) => {
    writeFileSync(join(dir, name), [header, ...rows.map((r) => r.join(','))].join('\n'));
    return join(dir, name);
  };
  shop = await openWorkspace({ db: join(dir, 'shop.duckdb') });
  await shop.import({ table: 'customers', files: [csv('customers.csv', 'customer_id,name', CUSTOMERS.map((c) => [c, `name ${c}`]))] });
  await shop.import({
    table: 'purchases',
    files: [csv('purchases.csv', 'order_id,line_no,customer_id,ordered_at,product_code,amount,status,counted,store_id,group:チャネル',
      LINES.map((l) => [l.order, l.line, l.customer, l.at, l.product, l.amount, l.status, l.counted, l.store, `web-${l.order}`]))],
  });
  await shop.import({ table: 'mails', files: [csv('mails.csv', 'mail_id,subject,sent_at', [['M1', 'spring', '2026-03-01 10:00'], ['M2', 'summer', '2026-04-01 10:00']])] });
  await shop.import({ table: 'mail-events', files: [csv('events.csv', 'customer_id,mail_id,event,occurred_at', EVENTS)] });
});
afterAll(async () => {
  await shop.close();
});

const FIGURE_COLUMNS = ['customer_id', 'order_count', 'total_sales', 'days_since_last_order', 'average_order_value', 'last_order_store_id', 'mails_sent', 'last_mail_sent_at'] as const;
const asRow = (f: Figures) => FIGURE_COLUMNS.map((c) => f[c]);

describe('export figures, sort and limit', () => {
  it('writes the figure columns of every member as computed from the rows', async () => {
    const out = join(dir, 'figures.csv');
    const result = await shop.export(everyone, { out, asOf: AS_OF, columns: [...FIGURE_COLUMNS] });
    expect(result.count).toBe(CUSTOMERS.length);
    const [header, ...rows] = csvRows(out);
    expect(header).toEqual([...FIGURE_COLUMNS]);
    expect(rows).toEqual(CUSTOMERS.map((c) => asRow(figuresOf(c))));
  });

  it('sorts by several keys (missing values last in either direction), then by customer_id, and keeps the first N', async () => {
    const figures = CUSTOMERS.map(figuresOf);
    const byKeys = (keys: ReadonlyArray<[keyof Figures, 'asc' | 'desc']>) => [...figures].sort((a, b) => {
      for (const [key, direction] of keys) {
        const [x, y] = [a[key], b[key]];
        if (x === y) continue;
        if (x === '') return 1;
        if (y === '') return -1;
        const order = Number(x) - Number(y);
        return direction === 'desc' ? -order : order;
      }
      return a.customer_id < b.customer_id ? -1 : 1;
    });
    const cases: Array<{ sort: string[]; keys: ReadonlyArray<[keyof Figures, 'asc' | 'desc']>; limit?: number }> = [
      { sort: ['days_since_last_order'], keys: [['days_since_last_order', 'asc']] },
      { sort: ['days_since_last_order:desc'], keys: [['days_since_last_order', 'desc']] },
      { sort: ['order_count:desc', 'total_sales'], keys: [['order_count', 'desc'], ['total_sales', 'asc']], limit: 4 },
      { sort: ['mails_sent:DESC', 'average_order_value:desc'], keys: [['mails_sent', 'desc'], ['average_order_value', 'desc']], limit: 0 },
    ];
    for (const { sort, keys, limit } of cases) {
      const out = join(dir, 'sorted.csv');
      const result = await shop.export(everyone, { out, asOf: AS_OF, columns: [...FIGURE_COLUMNS], sort, limit });
      const expected = byKeys(keys).slice(0, limit).map(asRow);
      expect(csvRows(out).slice(1), sort.join()).toEqual(expected);
      expect(result.file.rows).toBe(expected.length);
      expect(result.count).toBe(CUSTOMERS.length); // the segment's size, not the rows written
    }
  });

  it('sorts by a column it does not write, and refuses an unknown sort column or a bad limit', async () => {
    const out = join(dir, 'ids.csv');
    await shop.export(everyone, { out, asOf: AS_OF, columns: ['customer_id'], sort: ['last_mail_sent_at:desc'], limit: 2 });
    expect(csvRows(out).slice(1)).toEqual([['C1'], ['C3']]);
    await expect(shop.export(everyone, { out, asOf: AS_OF, sort: ['shoe_size'] })).rejects.toThrow(/--sort\[0\]: unknown column "shoe_size"/);
    await expect(shop.export(everyone, { out, asOf: AS_OF, limit: -1 })).rejects.toMatchObject({ code: 'bad-output' });
  });
});

describe('export --rows purchases', () => {
  const lineRow = (l: Line) => [l.order, String(l.line), l.customer, l.at, l.product, String(l.amount), l.status, String(l.counted), l.store];
  const COLUMNS = ['order_id', 'line_no', 'customer_id', 'ordered_at', 'product_code', 'amount', 'status', 'counted', 'store_id'];
  const memberLines = (members: readonly string[]) => LINES.filter((l) => members.includes(l.customer))
    .sort((a, b) => a.customer.localeCompare(b.customer) || a.at.localeCompare(b.at) || a.order.localeCompare(b.order) || a.line - b.line);

  it("writes every order line of the segment's customers (cancelled and uncounted ones too), a customer's lines in order", async () => {
    const members = CUSTOMERS.filter((c) => Number(figuresOf(c).order_count) >= 2);
    const out = join(dir, 'lines.csv');
    const result = await shop.export(repeaters, { out, asOf: AS_OF, rows: 'purchases', columns: COLUMNS });
    expect(result.count).toBe(members.length);
    expect(result.file.rows).toBe(memberLines(members).length);
    expect(csvRows(out)).toEqual([COLUMNS, ...memberLines(members).map(lineRow)]);
  });

  it('writes every purchases column by default, then the order groups', async () => {
    const out = join(dir, 'default-lines.csv');
    await shop.export(repeaters, { out, asOf: AS_OF, rows: 'purchases', limit: 1 });
    const [header, first] = csvRows(out);
    expect(header).toEqual([...purchases.columns.map((c) => c.name), 'group:チャネル']);
    expect(first!.at(-1)).toBe(`web-${memberLines(['C1'])[0]!.order}`);
  });

  it('adds customer columns and figures to each line, sorts and limits lines, and writes Parquet', async () => {
    const out = join(dir, 'lines.parquet');
    const result = await shop.export(everyone, { out, asOf: AS_OF, rows: 'purchases', columns: ['order_id', 'line_no', 'name', 'amount', 'last_order_store_id'], sort: ['amount:desc'], limit: 3 });
    const expected = [...LINES].sort((a, b) => b.amount - a.amount || a.customer.localeCompare(b.customer) || a.at.localeCompare(b.at)).slice(0, 3);
    expect(result.file.rows).toBe(3);
    const reader = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (await reader.runAndReadAll(`SELECT * FROM '${out}'`)).getRowObjectsJS() as Array<{ order_id: string; line_no: bigint; name: string; amount: unknown; last_order_store_id: string }>;
    reader.closeSync();
    expect(rows.map((r) => [r.order_id, Number(r.line_no), r.name, Number(String(r.amount)), r.last_order_store_id]))
      .toEqual(expected.map((l) => [l.order, l.line, `name ${l.customer}`, l.amount, figuresOf(l.customer).last_order_store_id]));
  });

  it('is a job output too ("rows": "purchases" with sort and limit); a bad sort key fails the run when the job is read', async () => {
    const jobsDir = join(dir, 'jobs');
    mkdirSync(jobsDir, { recursive: true });
    writeFileSync(join(jobsDir, 'lines.json'), JSON.stringify({
      definition: repeaters.definition,
      outputs: [
        { path: 'lines.csv', rows: 'purchases', columns: COLUMNS, sort: ['ordered_at:desc'], limit: 2 },
        { path: 'top.csv', columns: ['customer_id', 'total_sales'], sort: ['total_sales:desc'], limit: 1 },
      ],
    }));
    writeFileSync(join(jobsDir, 'bad.json'), JSON.stringify({ definition: repeaters.definition, outputs: [{ path: 'x.csv', sort: ['amount'] }] }));
    const outputRoot = join(dir, 'out');
    const outcome = await shop.runJob('lines', { jobsDir, outputRoot, asOf: AS_OF });
    expect(outcome.status).toBe('succeeded');
    const members = CUSTOMERS.filter((c) => Number(figuresOf(c).order_count) >= 2);
    const latest = memberLines(members).sort((a, b) => b.at.localeCompare(a.at) || a.customer.localeCompare(b.customer) || a.order.localeCompare(b.order) || a.line - b.line).slice(0, 2);
    expect(csvRows(join(outputRoot, 'lines.csv'))).toEqual([COLUMNS, ...latest.map(lineRow)]);
    const top = members.map(figuresOf).sort((a, b) => Number(b.total_sales) - Number(a.total_sales))[0]!;
    expect(csvRows(join(outputRoot, 'top.csv'))).toEqual([['customer_id', 'total_sales'], [top.customer_id, top.total_sales]]);
    const bad = await shop.runJob('bad', { jobsDir, outputRoot, asOf: AS_OF });
    expect(bad.status).toBe('failed');
    expect((bad.error as Error | undefined)?.message).toMatch(/outputs\[0\]\.sort\[0\]: unknown column "amount"/);
  });
});
