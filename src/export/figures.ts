import type { SqlDialect } from '../dialect/dialect.js';
import type { FigureDef } from '../catalog/tables.js';

/**
 * Tables a figure reads beside the members (`m`), customers (`c`) and customer_summary (`s`):
 * joined only when a written or sorted column needs them, and only over the members.
 */
export type FigureJoin = 'last_order' | 'mail_sends' | 'store' | 'last_order_store';

/** What a figure's SQL may depend on beside the row: the dialect, and the export's as-of date. */
export interface FigureScope {
  readonly dialect: SqlDialect;
  /** YYYY-MM-DD; undefined where no segment was evaluated (a diff file) */
  readonly asOf?: string;
}

export interface Figure {
  readonly expression: string | ((scope: FigureScope) => string);
  readonly joins?: readonly FigureJoin[];
}

/**
 * Lifetime figures (segment-definition.md, purchases without a scope; exports in
 * command-line.md), over customer_summary, which follows the shop's sales basis: a customer
 * without counted orders has 0 orders and 0 sales, and no average, last order or days since it.
 */
export const FIGURES: Readonly<Record<FigureDef['name'], Figure>> = {
  order_count: { expression: 'COALESCE(s.order_count, 0)' },
  total_sales: { expression: 'COALESCE(s.sales, 0)' },
  first_ordered_at: { expression: 's.first_ordered_at' },
  last_ordered_at: { expression: 's.last_ordered_at' },
  // Calendar days from the day of the last order to the as-of date, as rfm's R counts them.
  days_since_last_order: { expression: ({ dialect, asOf }) => dialect.daysSinceText('s.last_ordered_at', asOf!) },
  // To the sen (2 places), so that a yen average such as 3,333.33 reads as one and adds up.
  average_order_value: { expression: ({ dialect }) => dialect.averageToSen('s.sales', 's.order_count') },
  last_order_store_id: { expression: 'lo.store_id', joins: ['last_order'] },
  mails_sent: { expression: 'COALESCE(ms.mails_sent, 0)', joins: ['mail_sends'] },
  last_mail_sent_at: { expression: 'ms.last_sent_at', joins: ['mail_sends'] },
  // Names from the stores table (empty for a store it does not list).
  store_name: { expression: 'st.store_name', joins: ['store'] },
  last_order_store_name: { expression: 'los.store_name', joins: ['last_order', 'last_order_store'] },
};

/** Figures that read the as-of date. */
export const AS_OF_FIGURES: ReadonlySet<string> = new Set(['days_since_last_order']);

/**
 * The joined tables, restricted to the members table `members`: the store of the customer's last
 * counted order (customer_summary's last_order_id; an order's lines share a store, the smallest id
 * is taken if they do not), and the mails sent to the customer (distinct mails with a `send`
 * event, and the latest such event).
 */
export function figureJoinSql(join: FigureJoin, members: string): string {
  switch (join) {
    case 'last_order':
      return `LEFT JOIN (SELECT p.customer_id, min(p.store_id) AS store_id FROM purchases AS p
        JOIN customer_summary AS ls ON ls.customer_id = p.customer_id AND ls.last_order_id = p.order_id
        WHERE p.customer_id IN (SELECT customer_id FROM ${members}) GROUP BY p.customer_id) AS lo ON lo.customer_id = m.customer_id`;
    case 'mail_sends':
      return `LEFT JOIN (SELECT e.customer_id, count(DISTINCT e.mail_id) AS mails_sent, max(e.occurred_at) AS last_sent_at FROM mail_events AS e
        WHERE e.event = 'send' AND e.customer_id IN (SELECT customer_id FROM ${members}) GROUP BY e.customer_id) AS ms ON ms.customer_id = m.customer_id`;
    // stores is keyed by store_id: one row at most per customer.
    case 'store':
      return 'LEFT JOIN stores AS st ON st.store_id = c.store_id';
    case 'last_order_store':
      return 'LEFT JOIN stores AS los ON los.store_id = lo.store_id';
  }
}
