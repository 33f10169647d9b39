import type { Engine } from '../engine/engine.js';
import type { PurchasesCondition } from '../model/segment.js';
import { compileOrderLines } from '../planner/compile-why-figures.js';
import type { PlanOptions } from '../planner/compile-segment.js';

const distinct = (values: readonly unknown[]) => [...new Set(values.filter((v) => v !== null && v !== undefined).map(String))];

/**
 * What `kumiwake why` shows beside a lastOrder / firstOrder filter: the values the order's lines
 * in scope hold for each filter (a filter holds when one of its lines passes it).
 */
export async function orderFilterFigures(db: Engine, leaf: PurchasesCondition, customerId: string, orderId: string, options: PlanOptions): Promise<Record<string, unknown>> {
  const lines = await db.query<Record<string, unknown>>(compileOrderLines(leaf, customerId, orderId, options));
  return {
    stores: distinct(lines.map((l) => l.store_id)),
    media: lines.map((l) => l.media ?? null).filter((m, i, all) => all.indexOf(m) === i),
    statuses: distinct(lines.map((l) => l.status)),
    orderCodes: distinct(lines.map((l) => l.order_code)),
    remarks: distinct(lines.map((l) => l.remark)),
  };
}
