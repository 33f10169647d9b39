/**
 * Values that must stay data (test/unit/dialect-contract.cases.ts: quotes, backslashes, NUL,
 * LIKE wildcards, placeholders, SQL) in every place a ClickHouse statement takes one: the
 * compiled SQL text does not depend on the value (it is a `$n`), and once the audited literal
 * function writes it in, the statement selects exactly the customer holding it, never a decoy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/model/dates.js';
import { validateDefinition } from '../../src/model/validate.js';
import { compileClickHouseMailSelectionCount, compileClickHouseMembers, type ClickHousePlanOptions } from '../../src/planner/clickhouse/compile-segment.js';
import type { MailCondition } from '../../src/model/segment.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import type { Dataset } from '../reference/model.js';
import { enumValue } from '../reference/shop.js';
import { HOSTILE, placements } from '../unit/dialect-contract.cases.js';
import { loadedTarget, type ClickHouseTarget } from './planner-targets.js';

const asOf = parseLocalDate('2025-03-31')!;
// What a hostile value would also select if it reached the SQL unescaped.
const DECOYS = ['OBrien', 'say hi', 'backslash', 'C:dir', 'nulbyte', '100 percent-off', 'anything', 'x', 'DROP TABLE customers'];
/** Saved segments named by each value, selecting the customers named by it. */
const saved = (name: string): unknown => (HOSTILE.includes(name) || name === 'x' ? { where: { kind: 'field', field: 'name', op: 'eq', value: name } } : undefined);

/** One customer per value, holding it everywhere a condition can look (as the dialect contract test's holders). */
function holders(values: readonly string[]): Dataset {
  const data: Dataset = { customers: [], attributes: new Map(), purchases: [], products: [], mails: [], events: [], subscriptions: [] };
  values.forEach((s, i) => {
    const id = `H${i}`;
    data.customers.push({ customer_id: id, name: s, tags: [s], registered_at: '2020-01-01 00:00:00' });
    data.attributes.set(id, new Map([['会員ランク', s]]));
    data.products.push({ product_code: s, category: s });
    data.purchases.push({
      order_id: `O${i}`, line_no: 1, customer_id: id, store_id: s, ordered_at: '2024-06-01 10:00:00', shipped_at: '2024-06-03 10:00:00', product_code: s,
      category: s, quantity: 1, amount: 1000, order_code: s, media: s, status: s, counted: true, remark: s, groups: { 管理: s },
    });
    data.mails.push({ mail_id: s, kind: 'manual', subject: `subject ${s} end`, sent_at: '2024-06-01 09:00:00', store_id: s, subkind: s });
    data.subscriptions!.push({
      subscription_id: `S${i}`, customer_id: id, product_code: s, status: 'cancelled', started_at: '2024-01-01 00:00:00', next_delivery_at: null,
      cancelled_at: '2024-06-01 00:00:00', cancel_reason: s, cycle: s, deliveries: 3, store_id: s,
    });
    data.events.push({ customer_id: id, mail_id: s, event: 'open', occurred_at: '2024-06-02 12:00:00' });
  });
  return data;
}

export function hostileValueTests(label: string, open: () => Promise<ClickHouseTarget | string>): void {
  describe(`ClickHouse planner (${label}): hostile values stay data`, () => {
    let target: ClickHouseTarget | undefined;
    let skipped: string | undefined;
    let options: ClickHousePlanOptions;
    const data = holders([...HOSTILE, ...DECOYS]);
    const reference = new ReferenceEvaluator(data, new Map([...HOSTILE].map((n) => [n, saved(n) as never])), enumValue);
    beforeAll(async () => {
      const loaded = await loadedTarget(open, label, data, asOf);
      if (typeof loaded === 'string') skipped = loaded;
      else ({ target, options } = loaded);
    }, 120_000);
    afterAll(async () => target?.close());

    it('selects the customer holding each value, and no decoy; the SQL text is the same for every value', async (t) => {
      if (skipped) return t.skip();
      const compile = (where: unknown) => compileClickHouseMembers(validateDefinition({ where }, { asOf, lookupSegment: saved }), options);
      for (const value of HOSTILE) {
        for (const p of placements(value)) {
          const plan = compile(p.where);
          expect(plan.sql, `${p.what} ${JSON.stringify(value)}`).toBe(compile(placements('x').find((q) => q.what === p.what)!.where).sql);
          const want = [...reference.members({ where: p.where }, asOf)].sort();
          expect(want.includes(`H${HOSTILE.indexOf(value)}`), `${p.what} ${JSON.stringify(value)}: reference`).toBe(!p.negated);
          const got = (await target!.rows(plan)).map((r) => String(r.customer_id)).sort();
          expect(got, `${p.what} ${JSON.stringify(value)}`).toEqual(want);
        }
        // The mail filter on the value's store selects its one mail (the empty-selection note counts them).
        const leaf = validateDefinition({ where: { kind: 'mail', event: 'open', mailFilter: { stores: [value] } } }, { asOf }).where as MailCondition;
        const [selected] = await target!.rows(compileClickHouseMailSelectionCount(leaf, options));
        expect(Number(selected!.n), `mails of store ${JSON.stringify(value)}`).toBe(1);
      }
    }, 600_000);
  });
}
