/**
 * The lifetime figures of an export on ClickHouse, where no summaries are kept: aggregated from
 * each shard's own lines and events by the rules DuckDB's summaries are built with
 * (sql/purchase-summaries.sql, src/export/figures.ts): an order is the customer's counted lines
 * of one order_id (`counted` not false, a sales status: src/planner/sales-basis.ts), its time its
 * earliest counted line's; the last order is the greatest (time, order_id), its store the least
 * store_id of all its lines; mails sent are distinct mails with a `send` event.
 *
 * One subquery, joined once to the rows listed (ClickHouse 18.16 takes one JOIN per SELECT): the
 * figures' branches (orders, last order's store, mails) are a UNION ALL grouped by customer,
 * every column Nullable so a customer without rows is NULL, as a LEFT JOIN gives it in DuckDB.
 * It reads the shard-local tables, so it runs on each shard over that shard's customers: all of
 * them (a GLOBAL IN nested in a join's subquery is not sent to the shards by 18.16), which costs
 * what a lifetime condition of the planner costs (src/planner/clickhouse/CONTEXT.md).
 */
import type { SqlDialect } from '../../dialect/dialect.js';
import { KumiwakeError } from '../../errors.js';
import { countedTest } from '../../engine/clickhouse/customer-summary.js';
import type { ServerMembers } from './context.js';

/** The figures computed here, by export column name. */
export const SERVER_FIGURES = [
  'order_count', 'total_sales', 'first_ordered_at', 'last_ordered_at', 'days_since_last_order', 'average_order_value',
  'last_order_store_id', 'mails_sent', 'last_mail_sent_at',
] as const;
export type ServerFigure = (typeof SERVER_FIGURES)[number];

/** The subquery's columns: name, type, and the branch that fills it. */
const OUTPUTS = [
  { name: 'kf_order_count', type: 'Nullable(UInt64)', branch: 'orders' },
  { name: 'kf_sales', type: 'Nullable(Decimal(38, 4))', branch: 'orders' },
  { name: 'kf_first', type: "Nullable(DateTime('UTC'))", branch: 'orders' },
  { name: 'kf_last', type: "Nullable(DateTime('UTC'))", branch: 'orders' },
  { name: 'kf_last_store', type: 'Nullable(String)', branch: 'last_store' },
  { name: 'kf_mails_sent', type: 'Nullable(UInt64)', branch: 'mails' },
  { name: 'kf_last_sent', type: "Nullable(DateTime('UTC'))", branch: 'mails' },
] as const;
type Branch = (typeof OUTPUTS)[number]['branch'];

const BRANCH_OF: Readonly<Record<ServerFigure, Branch>> = {
  order_count: 'orders', total_sales: 'orders', first_ordered_at: 'orders', last_ordered_at: 'orders', days_since_last_order: 'orders',
  average_order_value: 'orders', last_order_store_id: 'last_store', mails_sent: 'mails', last_mail_sent_at: 'mails',
};

export const isServerFigure = (name: string): name is ServerFigure => (SERVER_FIGURES as readonly string[]).includes(name);

/**
 * A figure's value over the joined subquery's columns (unqualified: 18.16 names a joined
 * subquery's columns without its alias), typed as DuckDB's: 0 orders and 0 sales for a customer
 * without counted orders; the average to the sen, rounded half away from zero, exactly.
 */
export function figureExpression(name: ServerFigure, asOf: string | undefined, dialect: Pick<SqlDialect, 'daysSinceText' | 'averageToSen'>): string {
  switch (name) {
    case 'order_count': return 'toInt64(ifNull(kf_order_count, 0))';
    case 'total_sales': return 'ifNull(kf_sales, toDecimal128(0, 4))';
    case 'first_ordered_at': return 'kf_first';
    case 'last_ordered_at': return 'kf_last';
    case 'days_since_last_order':
      if (asOf === undefined) throw new KumiwakeError('bad-columns', `${name} counts days to the as-of date, and this list has none (it lists no evaluated segment)`);
      return `toInt64(${dialect.daysSinceText('kf_last', asOf)})`;
    case 'average_order_value': return dialect.averageToSen('ifNull(kf_sales, toDecimal128(0, 4))', 'kf_order_count');
    case 'last_order_store_id': return 'kf_last_store';
    case 'mails_sent': return 'toInt64(ifNull(kf_mails_sent, 0))';
    case 'last_mail_sent_at': return 'kf_last_sent';
  }
}

/** Each customer's orders of counted lines: time (earliest line) and sales. */
const orders = (members: ServerMembers) => `SELECT p.customer_id AS customer_id, p.order_id AS order_id, min(p.ordered_at) AS ts, sum(p.amount) AS sales
  FROM ${members.localTable('purchases')} AS p WHERE ${countedTest(members.salesStatuses)} GROUP BY p.customer_id, p.order_id`;

/** One branch of the union: its own columns, NULL of the others' types. */
function branchSql(branch: Branch, members: ServerMembers): string {
  const own: Record<string, string> = branch === 'orders'
    ? { kf_order_count: 'count()', kf_sales: 'sum(sales)', kf_first: 'min(ts)', kf_last: 'max(ts)' }
    : branch === 'last_store' ? { kf_last_store: 'min(store_id)' } : { kf_mails_sent: 'uniqExact(mail_id)', kf_last_sent: 'max(occurred_at)' };
  const list = OUTPUTS.map((o) => `CAST(${own[o.name] ?? 'NULL'} AS ${o.type}) AS b_${o.name.slice(3)}`).join(', ');
  switch (branch) {
    case 'orders':
      return `SELECT customer_id, ${list} FROM (${orders(members)}) GROUP BY customer_id`;
    case 'last_store':
      return `SELECT customer_id, ${list} FROM ${members.localTable('purchases')}
        WHERE (customer_id, order_id) IN (SELECT customer_id, argMax(order_id, tuple(ts, order_id)) FROM (${orders(members)}) GROUP BY customer_id)
        GROUP BY customer_id`;
    case 'mails':
      return `SELECT customer_id, ${list} FROM ${members.localTable('mail_events')} WHERE event = 'send' GROUP BY customer_id`;
  }
}

/**
 * The subquery giving `customer_id` and the `kf_*` columns the figures named need, one row per
 * customer with rows on the shard; undefined when none is named.
 */
export function figuresSubquery(names: Iterable<ServerFigure>, members: ServerMembers): string | undefined {
  const branches = [...new Set([...names].map((n) => BRANCH_OF[n]))];
  if (branches.length === 0) return undefined;
  const union = branches.map((b) => branchSql(b, members)).join(' UNION ALL ');
  const list = OUTPUTS.map((o) => `max(b_${o.name.slice(3)}) AS ${o.name}`).join(', ');
  return `SELECT customer_id, ${list} FROM (${union}) GROUP BY customer_id`;
}
