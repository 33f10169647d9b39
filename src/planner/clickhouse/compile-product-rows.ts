import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { ProductRow, PurchasesCondition } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';
import { customersWhere, customersWithRows } from './customer-sets.js';
import { lineInScope, lineMatchesProducts } from './purchase-lines.js';
import { inNumberRange, rangeHoldsForZero } from './ranges.js';

/**
 * Product rows (購入商品): per row, the number of orders in scope with a matching line, or the
 * quantity of the matching lines (a line without a quantity counts 1), in the row's range. A
 * customer without a matching line has 0: a range holding 0 (`0~0`, `{"max": 2}`) is `NOT IN`
 * the customers whose figure is outside it.
 */
export function compileProductRows(leaf: PurchasesCondition, rows: readonly ProductRow[], ctx: ClickHouseContext): Sql<boolean>[] {
  return rows.map((row) => {
    const lines = sql`SELECT p.customer_id AS customer_id, p.order_id AS order_id, p.quantity AS quantity FROM ${ctx.local('purchases')} AS p
      WHERE ${lineInScope(leaf, ctx)} AND ${lineMatchesProducts(ctx, row.products, row.categories, row.remarkContains)}`;
    // "Bought at least once" / "never" (orders 1~, 0~0) only asks who has a matching line.
    const min = row.count.min ?? 0;
    if (row.unit !== 'quantity' && row.count.max === undefined && min === 1) return customersWithRows(lines, true);
    if (row.unit !== 'quantity' && row.count.max === 0) return customersWithRows(lines, false);
    const figure = row.unit === 'quantity' ? sql`sum(ifNull(quantity, 1))` : sql`uniqExact(order_id)`;
    return customersWhere(lines, ctx.dialect.isTrue(inNumberRange(ctx, figure, row.count)), rangeHoldsForZero(row.count));
  });
}
