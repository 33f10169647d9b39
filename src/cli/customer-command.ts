import type { Argv } from 'yargs';
import type { CustomerRecord } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { displayWidth, padEnd } from './text-table.js';

const amount = (v: number | null) => (v === null ? '-' : v.toLocaleString('en'));
const value = (v: unknown) => (Array.isArray(v) ? v.join(';') : typeof v === 'string' ? v : JSON.stringify(v));

/** The customer's page as text: record, lifetime figures, orders with their lines, mail events, saved segments. */
export function customerText(c: CustomerRecord): string {
  const filled = c.record.filter((f) => f.value !== null && !(Array.isArray(f.value) && f.value.length === 0));
  const empty = c.record.filter((f) => !filled.includes(f)).map((f) => f.column);
  // Padded by terminal cells: an attr:会員ランク name is wider than its characters.
  const width = Math.max(...filled.map((f) => displayWidth(f.column)));
  const lines = [`customer ${c.customer_id}`];
  // An attribute group's label is its name (the column is attr:NAME), as the other rows show theirs.
  const label = (f: CustomerRecord['record'][number]) => (f.label !== f.column ? f.label : f.column.startsWith('attr:') ? f.column.slice(5) : undefined);
  for (const f of filled) lines.push(`  ${padEnd(f.column, width)}  ${label(f) === undefined ? '' : `${label(f)}: `}${value(f.value)}`);
  if (empty.length > 0) lines.push(`  empty: ${empty.join(', ')}`);
  const l = c.lifetime;
  lines.push('', `lifetime (counted orders): ${l.orderCount.toLocaleString('en')} orders, sales ${amount(l.sales)}, average order ${amount(l.averageOrderValue)}, ` +
    `first ${l.firstOrderedAt ?? '-'}, last ${l.lastOrderedAt ?? '-'}`);
  lines.push('', c.orders.length === 0 ? 'no orders' : `latest orders (${c.orders.length}):`);
  for (const o of c.orders) {
    lines.push(`  ${o.orderId}  ${o.orderedAt}  store ${o.storeId ?? '-'}  ${amount(o.amount)}${o.counted ? '' : '  (not counted)'}`);
    for (const line of o.lines) {
      lines.push(`    ${line.lineNo}  ${line.productCode}${line.productName ? ` ${line.productName}` : ''}  ${line.category ?? '-'}  ×${line.quantity ?? 1}  ${amount(line.amount)}` +
        `${line.counted ? '' : `  (not counted${line.status ? `: ${line.status}` : ''})`}`);
    }
  }
  lines.push('', c.events.length === 0 ? 'no mail events' : `latest mail events (${c.events.length}):`);
  for (const e of c.events) lines.push(`  ${e.occurredAt}  ${e.mailId}  ${e.event}${e.subject ? `  ${e.subject}` : ''}`);
  const inSegments = c.segments.filter((s) => s.in === true).map((s) => s.name);
  lines.push('', c.segments.length === 0 ? 'no saved segments'
    : `in ${inSegments.length} of ${c.segments.length} saved segments as of ${c.asOf}${inSegments.length ? `: ${inSegments.join(', ')}` : ''}`);
  for (const s of c.segments) if (s.error) lines.push(`  ${s.name}: could not be evaluated: ${s.error.message}`);
  return lines.join('\n');
}

const count = (what: string, fallback: number) => ({ type: 'number', default: fallback, describe: `how many of the latest ${what} to list` } as const);

export function customerCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('customer <customer>', "one customer: the record, lifetime figures, latest orders and mail events, and the saved segments they are in", (y) => y
    .positional('customer', { type: 'string', demandOption: true, describe: 'the customer id, as imported' })
    .option('orders', count('orders', 10))
    .option('events', count('mail events', 20))
    .option('as-of', { type: 'string', describe: 'evaluate the saved segments at this date, YYYY-MM-DD (default: today)' }),
  async (argv) => withWorkspace(argv, { readOnly: true }, async (workspace) => {
    const result = await workspace.customer(String(argv.customer), { orders: argv.orders, events: argv.events, asOf: argv['as-of'] });
    emit(argv, result, () => customerText(result));
  }));
}
