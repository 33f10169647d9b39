/**
 * One customer on ClickHouse, for `why` and `customer`: whether each node and each saved segment
 * holds comes from the ClickHouse planner over the whole shop (as the count decides, RFM scores
 * from every customer's figures); what is shown beside it (the customer's values, order and mail
 * figures, latest orders and events) is read by the DuckDB code from a copy of that customer's
 * rows in an in-memory DuckDB (src/engine/clickhouse/customer-copy.ts): DuckDB's rules on
 * ClickHouse's data.
 */
import { copyCustomer, customerIdsLike } from '../engine/clickhouse/customer-copy.js';
import type { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { KumiwakeError } from '../errors.js';
import type { Segment } from '../model/segment.js';
import { foldText } from '../planner/compile-field.js';
import { compileClickHouseMemberships, compileClickHouseNodeTruth, compileClickHouseRfmScores } from '../planner/clickhouse/compile-one-customer.js';
import type { ClickHousePlanOptions } from '../planner/clickhouse/compile-segment.js';
import type { NodeTruth, OneCustomer } from './plan-target.js';

const MAX_HINTS = 3;
const yes = (v: unknown) => v === true || v === 1 || v === '1';
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Opens one customer: refuses an id the customers table does not hold (naming the near ones, as
 * on DuckDB; 18.16 compares them by case and spaces, not NFKC), copies their rows, and gives the
 * truth of definitions for them from ClickHouse. `close` drops the copy.
 */
export async function openOneCustomer(engine: ClickHouseEngine, customerId: string, options: ClickHousePlanOptions): Promise<OneCustomer> {
  const found = await customerIdsLike(engine, customerId, foldText(customerId.trim()), options.dialect.foldsInSql, MAX_HINTS);
  if (!found.exact) {
    const hint = found.near.length > 0 ? `; did you mean ${found.near.map((id) => `"${id}"`).join(', ')}?` : '';
    throw new KumiwakeError('unknown-customer', `there is no customer "${customerId}" (customer ids compare exactly, as imported${hint})`, 2);
  }
  const copy = await copyCustomer(engine, customerId);
  return {
    copy,
    truth: async (segment: Segment): Promise<NodeTruth> => {
      const plan = compileClickHouseNodeTruth(segment, customerId, options);
      const [row] = await engine.query<Record<string, unknown>>(plan);
      if (!row) throw new Error(`INTERNAL ERROR: customer ${customerId} exists but the truth statement returned no row`);
      const holds = new Map(plan.nodes.map((n) => [n.path, yes(row[n.column])]));
      const hasRfm = plan.nodes.some((n) => n.condition.kind === 'rfm');
      const [scores] = hasRfm ? await engine.query<{ r: unknown; f: unknown; m: unknown }>(compileClickHouseRfmScores(customerId, options)) : [];
      return { holds, in: yes(row.why_in), ...(hasRfm ? { rfm: { r: num(scores?.r), f: num(scores?.f), m: num(scores?.m) } } : {}) };
    },
    memberships: async (segments: readonly Segment[]) => {
      const [row] = await engine.query<Record<string, unknown>>(compileClickHouseMemberships(segments, customerId, options));
      return segments.map((_, i) => yes(row?.[`s${i}`]));
    },
    close: () => copy.close(),
  };
}
