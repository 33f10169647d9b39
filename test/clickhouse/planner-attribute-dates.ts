/**
 * An attribute read as a date (SATORI's custom items) of any year: DateTime starts in 1970, so
 * the ClickHouse planner compares the attribute's time as text after checking the calendar in
 * SQL. Customers hold dates before 1970, after 2105, impossible days and non-dates; each range
 * selects the customers the reference evaluator selects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/model/dates.js';
import { validateDefinition } from '../../src/model/validate.js';
import { compileClickHouseMembers, type ClickHousePlanOptions } from '../../src/planner/clickhouse/compile-segment.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import type { Dataset } from '../reference/model.js';
import { enumValue } from '../reference/shop.js';
import { loadedTarget, type ClickHouseTarget } from './planner-targets.js';

const VISITS = ['1965-03-01', '1969-12-31 23:59:59', '1970-01-01', '１９６０／０１／０２', '2024-02-29', '2023-02-29', '2024-04-31', '2024-13-01',
  '2024-01-01 24:00:00', '2100-01-01', '2200/01/01 10:00:00', '0999-01-01', 'きのう', '2024-06-15 12:30:00'];
const RANGES = [
  { min: '1900-01-01', max: '1969-12-31' }, { min: '1965-03-01' }, { max: '1970-01-01' }, { min: '2099-01-01' },
  { min: '2024-02-29', max: '2024-02-29' }, { min: 'today-100y' }, { max: '9999-12-31' }, { min: '2024-06-15 12:30:00', max: '2024-06-15 12:30:00' },
];

export function attributeDateTests(label: string, open: () => Promise<ClickHouseTarget | string>): void {
  describe(`ClickHouse planner (${label}): attribute dates of any year`, () => {
    const asOf = parseLocalDate('2025-03-31')!;
    const data: Dataset = { customers: [], attributes: new Map(), purchases: [], products: [], mails: [], events: [], subscriptions: [] };
    VISITS.forEach((v, i) => {
      data.customers.push({ customer_id: `V${i}`, registered_at: '2020-01-01 00:00:00', tags: null });
      data.attributes.set(`V${i}`, new Map([['最終来店日', v]]));
    });
    const reference = new ReferenceEvaluator(data, new Map(), enumValue);
    let target: ClickHouseTarget | undefined;
    let skipped: string | undefined;
    let options: ClickHousePlanOptions;
    beforeAll(async () => {
      const loaded = await loadedTarget(open, label, data, asOf);
      if (typeof loaded === 'string') skipped = loaded;
      else ({ target, options } = loaded);
    }, 120_000);
    afterAll(async () => target?.close());

    it('selects the customers the reference evaluator selects for each range', async (t) => {
      if (skipped) return t.skip();
      for (const range of RANGES) {
        const where = { kind: 'field', field: 'attr:最終来店日', op: 'between', ...range };
        const got = (await target!.rows(compileClickHouseMembers(validateDefinition({ where }, { asOf }), options))).map((r) => String(r.customer_id)).sort();
        expect(got, JSON.stringify(range)).toEqual([...reference.members({ where }, asOf)].sort());
      }
    }, 120_000);
  });
}
