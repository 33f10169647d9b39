import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../src/dialect/duckdb/dialect.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { validateDefinition, DefinitionError } from '../../src/model/validate.js';
import { compileCount } from '../../src/planner/compile-segment.js';

const asOf = parseLocalDate('2025-03-31')!;

const combined = {
  version: 1,
  where: {
    all: [
      { kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', '神奈川県'] },
      { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 }, lastOrderedAt: { to: 'today-90d' } },
      { kind: 'purchases', products: [{ products: ['P00001'], count: { min: 1 } }, { categories: ['化粧品'], count: { min: 2 } }, { products: ['P00002'], count: { min: 0, max: 0 } }] },
      { kind: 'purchases', window: { from: 'today-90d' }, orderCount: { min: 1 } },
      { not: { kind: 'mail', event: 'open', mails: ['M0001', 'M0002'] } },
    ],
  },
};

describe('compileCount', () => {
  it('binds every value as a parameter and shares derived tables between equal scopes', () => {
    const plan = compileCount(validateDefinition(combined, { asOf }), { dialect: duckdbDialect, asOf });
    expect(plan.sql).not.toMatch(/東京都|P00001|M0001|化粧品/);
    expect(plan.parameters).toEqual(expect.arrayContaining(['東京都', '神奈川県', 'P00001', '化粧品', 'M0001', 'M0002']));
    expect(plan.sql.match(/FROM customer_summary/g)).toHaveLength(1);
  });

  it('binds a long list as one list parameter', () => {
    const codes = Array.from({ length: 100_000 }, (_, i) => `C${i}`);
    const def = validateDefinition({ where: { kind: 'field', field: 'customer_id', op: 'in', values: codes } }, { asOf });
    const plan = compileCount(def, { dialect: duckdbDialect, asOf });
    expect(plan.parameters.filter((p) => Array.isArray(p))).toEqual([codes]);
    expect(plan.parameters.length).toBeLessThan(20);
  });

  it('refuses nesting deeper than the limit with a path, without overflowing the stack', () => {
    let where: unknown = { kind: 'age', min: 20 };
    for (let i = 0; i < 10000; i++) where = { not: where };
    try {
      validateDefinition({ where }, { asOf });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(DefinitionError);
      expect((e as Error).message).toBe('where.not{×100}: conditions are nested deeper than 100 levels');
      expect((e as DefinitionError).faults[0]!.path).toBe(`where${'.not'.repeat(100)}`);
    }
  });
});
