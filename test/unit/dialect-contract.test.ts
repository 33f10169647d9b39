/**
 * The contract every SQL dialect of src/dialect/registry.ts keeps: each condition kind compiles,
 * values stay data (only in the parameters, never in the SQL text), empty lists compile, and the
 * SQL of representative definitions is the golden SQL stored under __golden__/<dialect>/. The
 * DuckDB dialect also runs all of it on a real in-memory database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDialect } from '../../src/dialect/dialect.js';
import { dialects } from '../../src/dialect/registry.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { LEAF_KINDS } from '../../src/model/definition.js';
import { canonicalEnumValue, lookupField } from '../../src/model/fields.js';
import { DefinitionError, validateDefinition } from '../../src/model/validate.js';
import type { MailCondition, Segment } from '../../src/model/segment.js';
import { leavesOf } from '../../src/model/walk.js';
import { compileCount, compileMailSelectionCount, compileMemberFlags, compileMembers, type CompiledSegment, type PlanOptions } from '../../src/planner/compile-segment.js';
import type { SchemaInfo } from '../../src/planner/context.js';
import { schemaInfo } from '../../src/segments/evaluate.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import type { Dataset } from '../reference/model.js';
import { loadDataset } from '../reference/random-data.js';
import { cases, emptyLists, golden, HOSTILE, placements, savedVip } from './dialect-contract.cases.js';

const asOf = parseLocalDate('2025-03-31')!;
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** Saved segments: `saved-vip`, and one per hostile value, named by it, selecting the customers named by it. */
const saved = (name: string): unknown =>
  name === 'saved-vip' ? savedVip : HOSTILE.includes(name) || name === 'x' ? { where: { kind: 'field', field: 'name', op: 'eq', value: name } } : undefined;

/**
 * A definition as the planner receives it, parsed. One the parser refuses only for an empty list
 * is parsed with a placeholder in each such list, taken out again: the planner must still make
 * valid SQL of it.
 */
function input(definition: unknown): Segment {
  try {
    return validateDefinition(definition, { asOf, lookupSegment: saved });
  } catch (e) {
    if (!(e instanceof DefinitionError) || !e.faults.every((f) => f.code === 'empty-list')) throw e;
    return emptied(validateDefinition(filled(definition), { asOf, lookupSegment: saved })) as Segment;
  }
}

const PLACEHOLDER = '\u0000placeholder';
/** Lists a definition may leave empty (`products` of a purchases condition, not of a product row). */
const mayBeEmpty = (key: string, parent: object) => ['all', 'any', 'values', 'mails'].includes(key) || (key === 'products' && 'kind' in parent);
const filled = (value: unknown, key = '', parent: object = {}): unknown =>
  Array.isArray(value) ? (value.length === 0 && !mayBeEmpty(key, parent) ? [PLACEHOLDER] : value.map((v) => filled(v)))
    : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, filled(v, k, value)])) : value;
const emptied = (value: unknown): unknown =>
  Array.isArray(value) ? value.filter((v) => v !== PLACEHOLDER).map(emptied)
    : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, emptied(v)])) : value;

const columns = { customerColumns: new Set(['attr:会員ランク']), purchaseColumns: new Set(['group:管理']) };
const schemas: Record<string, SchemaInfo> = {
  'row by row': columns,
  'summaries and value dictionary': {
    ...columns,
    purchaseSummaries: true,
    customerValues: new Map<string, string[]>([
      ['name', ['山田 花子', 'ﾔﾏﾀﾞ ﾊﾅｺ', ...HOSTILE]], ['prefecture', ['東京都', 'ＴＯＫＹＯ']],
      ['tags', ['vip', 'VIP', 'ｻﾝﾌﾟﾙ', ...HOSTILE]], ['attr:会員ランク', ['ゴールド', 'ｺﾞｰﾙﾄﾞ', ...HOSTILE]],
    ]),
  },
};

/** As a DuckDB database made by imports: every customer row numbered (not in `schemas`: ClickHouse has no numbers). */
const numbered: SchemaInfo = { ...schemas['summaries and value dictionary']!, customerNumbers: true, highestCustomerNumber: 1000 };
const withMailSets: SchemaInfo = { ...numbered, mailEventSets: { events: new Set(['open', 'click', 'qr']), highest: 990 } };
const schemaOf = (name: string): SchemaInfo => (name === 'numbered' ? numbered : name === 'numbered, stored mail sets' ? withMailSets : schemas[name]!);

const entries = { compileCount, compileMembers, compileMemberFlags } as const;
const options = (dialect: SqlDialect, schema: SchemaInfo): PlanOptions => ({ dialect, asOf, schema });
const mailLeaves = (definition: Segment) => leavesOf(definition.where).filter((l): l is MailCondition => l.kind === 'mail');

function wellFormed(plan: CompiledSegment): void {
  // Empty parentheses are a list that came out empty (`IN ()`); a call without arguments (`rank()`) and a window over everyone (`OVER ()`) are not.
  const bad = /undefined|\[object Object\]|NaN|(?<!\w|OVER )\(\s*\)/.exec(plan.sql);
  expect(bad ? plan.sql.slice(Math.max(0, bad.index - 150), bad.index + 50) : '').toBe('');
  for (const p of plan.parameters) expect(p === undefined || (typeof p === 'number' && !Number.isFinite(p))).toBe(false);
}

/** The golden file: the SQL as compiled, then each parameter on a line of its own. */
function goldenText(description: string, definition: unknown, plan: CompiledSegment): string {
  const params = plan.parameters.map((p, i) => `-- $${i + 1} = ${JSON.stringify(p)}`);
  return [`-- ${description}`, `-- definition: ${JSON.stringify(definition)}`, plan.sql, '-- parameters:', ...params, ''].join('\n');
}

describe('the cases cover every condition kind and field operator', () => {
  it('has a case for each', () => {
    const leaves = cases.flatMap((c) => leavesOf(input({ where: c.where }).where));
    expect(new Set(leaves.map((l) => l.kind))).toEqual(new Set(LEAF_KINDS));
    const ops = new Set(leaves.flatMap((l) => (l.kind === 'field' ? [`${l.field.type}:${l.op}`] : [])));
    for (const op of ['text:eq', 'text:ne', 'text:in', 'text:not_in', 'text:contains', 'text:starts_with', 'text:ends_with', 'text:is_empty', 'text:is_not_empty', 'text:between',
      'enum:eq', 'enum:in', 'enum:not_in', 'integer:eq', 'integer:ne', 'integer:in', 'integer:not_in', 'integer:between', 'integer:is_empty', 'boolean:eq', 'boolean:ne',
      'date:eq', 'date:ne', 'date:in', 'date:not_in', 'date:between', 'timestamp:between', 'tags:is_empty', 'tags:is_not_empty', 'attr:eq', 'attr:contains', 'attr:is_empty']) {
      expect(ops, op).toContain(op);
    }
  });
});

for (const [dialectName, dialect] of Object.entries(dialects)) {
  describe(`dialect ${dialectName}`, () => {
    it('compiles every condition kind, with and without the summaries and value dictionary', () => {
      for (const c of cases) {
        const definition = input({ includeDeleted: c.includeDeleted, where: c.where });
        for (const schema of Object.values(schemas)) {
          for (const entry of Object.values(entries)) wellFormed(entry(definition, options(dialect, schema)));
          for (const leaf of mailLeaves(definition)) wellFormed(compileMailSelectionCount(leaf, options(dialect, schema)));
        }
      }
    });

    it('compiles empty lists', () => {
      for (const c of emptyLists) {
        const definition = input({ where: c.where });
        for (const schema of Object.values(schemas)) {
          wellFormed(compileCount(definition, options(dialect, schema)));
          for (const leaf of mailLeaves(definition)) wellFormed(compileMailSelectionCount(leaf, options(dialect, schema)));
        }
      }
    });

    it('never sees a purchases condition with an empty products list: the parser refuses it', () => {
      expect(() => input({ where: { kind: 'purchases', products: [] } })).toThrow(/where\.products: the list is empty/);
    });

    it('keeps quotes, backslashes, NUL, LIKE wildcards and SQL out of the SQL text', () => {
      for (const value of HOSTILE) {
        for (const p of placements(value)) {
          const hostile = input({ where: p.where });
          const benign = input({ where: placements('x').find((q) => q.what === p.what)!.where });
          // Row by row, the SQL does not depend on the value at all.
          const [plan, benignPlan] = [hostile, benign].map((d) => compileMembers(d, options(dialect, schemas['row by row']!))) as [CompiledSegment, CompiledSegment];
          expect(plan.sql, `${p.what} ${JSON.stringify(value)}`).toBe(benignPlan.sql);
          expect(plan.parameters).not.toEqual(benignPlan.parameters);
          // With the value dictionary, matching spellings are bound one by one. (A value of one or
          // two characters, such as `_`, is part of any SQL text: the check above covers those.)
          if (value.length <= 2) continue;
          for (const schema of Object.values(schemas)) {
            for (const entry of Object.values(entries)) {
              const compiled = entry(hostile, options(dialect, schema));
              expect(compiled.sql, `${p.what} ${JSON.stringify(value)}`).not.toContain(value);
              expect(compiled.sql).not.toContain(fold(value));
            }
          }
        }
      }
    });

    it.each(golden.filter((g) => !g.schema.startsWith('numbered') || dialectName === 'duckdb'))('compiles $name to the golden SQL', async (g) => {
      const definition = input(g.definition);
      const plan = g.entry === 'compileMailSelectionCount'
        ? compileMailSelectionCount(mailLeaves(definition)[0]!, options(dialect, schemaOf(g.schema)))
        : entries[g.entry](definition, options(dialect, schemaOf(g.schema)));
      await expect(goldenText(`${g.name}: ${g.entry}, ${g.schema}`, g.definition, plan)).toMatchFileSnapshot(`./__golden__/${dialectName}/${g.name}.sql`);
    });
  });
}

/** One customer per value, holding it everywhere a condition can look (name, tags, attribute, order line, mail). */
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

describe('dialect duckdb on a real database', () => {
  const dialect = dialects.duckdb!;
  // Decoys: what a hostile value would also select if it reached the SQL unescaped.
  const DECOYS = ['OBrien', 'say hi', 'backslash', 'C:dir', 'nulbyte', '100 percent-off', 'anything', 'x', 'DROP TABLE customers'];
  const data = holders([...HOSTILE, ...DECOYS]);
  const holder = (value: string) => `H${HOSTILE.indexOf(value)}`;
  const enumValue = (field: string, v: string) => {
    const info = lookupField(field);
    return info?.type === 'enum' ? canonicalEnumValue(info.column!, v) ?? v : v;
  };
  const reference = new ReferenceEvaluator(data, new Map([...HOSTILE, 'saved-vip'].map((n) => [n, saved(n)])), enumValue);
  let db: DuckDBEngine;
  let variants: Record<string, SchemaInfo>;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await loadDataset(db, data);
    const imported = await schemaInfo(db);
    expect(imported.purchaseSummaries).toBe(true);
    variants = { 'as imported': imported, 'row by row': { ...imported, customerValues: new Map(), purchaseSummaries: false } };
  });
  afterAll(() => db.close());

  const members = async (definition: Segment, schema: SchemaInfo) =>
    (await db.query<{ customer_id: string }>(compileMembers(definition, options(dialect, schema)))).map((r) => r.customer_id).sort();

  it('returns the customers holding each literal value, and no decoy', async () => {
    for (const value of HOSTILE) {
      for (const p of placements(value)) {
        const definition = input({ where: p.where });
        const want = [...reference.members({ where: p.where }, asOf)].sort();
        expect(want.includes(holder(value)), `${p.what} ${JSON.stringify(value)}: reference`).toBe(!p.negated);
        for (const [variant, schema] of Object.entries(variants)) {
          expect(await members(definition, schema), `${p.what} ${JSON.stringify(value)} (${variant})`).toEqual(want);
        }
      }
    }
    expect((await db.query<{ n: bigint }>({ sql: 'SELECT count(*) AS n FROM customers', parameters: [] }))[0]!.n).toBe(BigInt(data.customers.length));
  });

  it('runs every condition kind and every entry point', async () => {
    for (const c of [...cases, ...emptyLists]) {
      const definition = input({ includeDeleted: c.includeDeleted, where: c.where });
      for (const [variant, schema] of Object.entries(variants)) {
        const got = await members(definition, schema);
        if (!c.unreferenced) expect(got, `${JSON.stringify(c.where)} (${variant})`).toEqual([...reference.members({ includeDeleted: c.includeDeleted, where: c.where }, asOf)].sort());
        const [count] = await db.query<{ count: bigint }>(compileCount(definition, options(dialect, schema)));
        expect(count!.count).toBe(BigInt(got.length));
        expect(await db.query(compileMemberFlags(definition, options(dialect, schema)))).toHaveLength(got.length);
        for (const leaf of mailLeaves(definition)) await db.query(compileMailSelectionCount(leaf, options(dialect, schema)));
      }
    }
  });
});
