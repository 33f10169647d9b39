import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { KumiwakeError } from '../../src/errors.js';
import { parseLocalDate, resolveDate, resolveRange } from '../../src/model/dates.js';
import { DefinitionError, FAULT_CODES, parseDefinition } from '../../src/model/validate.js';
import { countSegment } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { loadDataset, randomDataset } from '../reference/random-data.js';
import { definition } from '../reference/random-definitions.js';

const asOf = parseLocalDate('2025-03-31')!;

/** Strings that try to break out of SQL, JSON paths or logs. */
const hostileText = fc.constantFrom("'", '"', "'; DROP TABLE customers; --", '/* */', '\u0000', 'SELECT', '%', '_', '\\', '東京都', '', ' ', '\uFEFF', '$1', '?', 'NULL', 'true', '1e309');

/** Any JSON-like value, biased towards hostile text. */
const junk = fc.oneof(hostileText, fc.jsonValue({ maxDepth: 3 }), fc.integer(), fc.double(), fc.constant(null), fc.array(hostileText, { maxLength: 5 }));

/** A valid definition with one node replaced, one key deleted, or one value swapped for junk. */
const mutated = fc.tuple(definition, fc.nat(), fc.nat(), junk, fc.constantFrom('replace', 'delete', 'wrap')).map(([def, pick, key, value, how]) => {
  const nodes: Array<Record<string, unknown>> = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      if (!Array.isArray(node)) nodes.push(node as Record<string, unknown>);
      for (const child of Object.values(node as object)) walk(child);
    }
  };
  const copy = structuredClone(def) as Record<string, unknown>;
  walk(copy);
  const node = nodes[pick % nodes.length]!;
  const keys = Object.keys(node);
  if (keys.length > 0) {
    const k = keys[key % keys.length]!;
    if (how === 'delete') delete node[k];
    else if (how === 'replace') node[k] = value;
    else node[k] = { not: node[k], extra: value };
  }
  return copy;
});

/** A count, or a validation error whose every fault names a JSON path and has a code; nothing else. */
async function countedOrRefused(db: DuckDBEngine, store: SegmentStore, def: unknown): Promise<'counted' | 'refused'> {
  try {
    const result = await countSegment(db, def, store, asOf);
    expect(result.count).toBeGreaterThanOrEqual(0);
    return 'counted';
  } catch (error) {
    if (error instanceof DefinitionError) {
      for (const fault of error.faults) {
        expect(fault.path).toMatch(/^(\(top level\)|[a-zA-Z]+|\[")/);
        expect(FAULT_CODES).toContain(fault.code);
      }
      expect(error.faults.length).toBeGreaterThan(0);
      return 'refused';
    }
    expect(error, String((error as Error).stack)).toBeInstanceOf(KumiwakeError);
    return 'refused';
  }
}

describe('random and mutated definitions', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await loadDataset(db, randomDataset(11, { customers: 30, orders: 60, events: 60 }));
    store = await SegmentStore.load(db);
  });
  afterAll(() => db.close());

  const countOrRefusal = (def: unknown) => countedOrRefused(db, store, def);

  it('ends every one of 1,500 mutated definitions in a count or a validation error with a JSON path', async () => {
    const outcomes = { counted: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(mutated, async (def) => { outcomes[await countOrRefusal(def)]++; }), { numRuns: 1500, seed: 5 });
    expect(outcomes.counted).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('ends every one of 1,000 random JSON documents in a count or a validation error', async () => {
    const document = fc.oneof(junk, fc.record({ version: fc.oneof(fc.constant(1), junk), where: junk }, { requiredKeys: [] }));
    await fc.assert(fc.asyncProperty(document, async (def) => { await countOrRefusal(def); }), { numRuns: 1000, seed: 6 });
  });

  it('treats quotes, comment markers, NUL bytes and SQL keywords in every kind of value as data', async () => {
    const texts = ["'", '"', "x'; DROP TABLE customers; --", '/* c */', 'a\u0000b', 'SELECT * FROM customers', '%_\\'];
    const def = { version: 1, where: { any: [
      { kind: 'field', field: 'name', op: 'in', values: texts },
      { kind: 'field', field: 'name', op: 'contains', value: "'; --" },
      { kind: 'tags', tags: texts },
      { kind: 'purchases', products: [{ products: texts, categories: texts, count: { min: 1 } }], stores: texts },
      { kind: 'mail', event: 'open', mails: texts },
    ] } };
    expect((await countSegment(db, def, store, asOf)).count).toBe(0);
    expect(Number((await db.all<{ n: bigint }>('SELECT count(*) AS n FROM customers'))[0]!.n)).toBe(30);
  });

  it('refuses 10,000 levels of nesting with a short path, and evaluates a list of 1,000,000 values', async () => {
    let where: unknown = { kind: 'field', field: 'name', op: 'eq', value: 'x' };
    for (let i = 0; i < 10_000; i++) where = { not: where };
    await expect(countSegment(db, { version: 1, where }, store, asOf)).rejects.toThrow(/^where\.not\{×100\}: conditions are nested deeper than 100 levels$/);
    const million = Array.from({ length: 1_000_000 }, (_, i) => `C${i}`);
    expect((await countSegment(db, { version: 1, where: { kind: 'field', field: 'customer_id', op: 'in', values: million } }, store, asOf)).count).toBeGreaterThanOrEqual(0);
    await expect(countSegment(db, { version: 1, where: { kind: 'field', field: 'customer_id', op: 'in', values: [...million, 'one more'] } }, store, asOf))
      .rejects.toThrow(/where\.values: a list holds at most 1,000,000 values/);
  });

  it('refuses 10,000 levels of "all" lists at the 101st level, with the code too-deep', async () => {
    let where: unknown = { kind: 'age', min: 20 };
    for (let i = 0; i < 10_000; i++) where = { all: [where] };
    const refusal = await countSegment(db, { where }, store, asOf).then(() => undefined, (e: unknown) => e);
    expect(refusal).toBeInstanceOf(DefinitionError);
    expect((refusal as DefinitionError).faults).toEqual([{ code: 'too-deep', path: `where${'.all[0]'.repeat(100)}`, message: 'conditions are nested deeper than 100 levels' }]);
  });
});

describe('fault codes', () => {
  const faultsOf = (definition: unknown): Array<[string, string, string]> => {
    const saved: Record<string, unknown> = { loop: { where: { kind: 'segment', name: 'loop' } }, broken: { where: { kind: 'age', min: 'x' } } };
    try {
      parseDefinition(definition, { asOf, lookupSegment: (name) => saved[name] });
      return [];
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      return e.faults.map((f) => [f.code, f.path, f.message]);
    }
  };
  const where = (condition: unknown) => faultsOf({ version: 1, where: condition });

  it('gives each fault a stable code beside its path and sentence', () => {
    expect(faultsOf([])).toEqual([['not-an-object', '(top level)', 'a segment definition must be a JSON object']]);
    expect(faultsOf({ version: 2, colour: 'red' })).toEqual([
      ['unknown-property', 'colour', 'unknown property of a segment definition (expected version, name, description, includeDeleted, where)'],
      ['unsupported-version', 'version', 'version 2 is not supported (only 1)'],
    ]);
    const cases: Array<[unknown, string, string]> = [
      [{}, 'missing-kind', 'where'],
      [{ kind: 'shopping' }, 'unknown-kind', 'where.kind'],
      [{ all: [], any: [] }, 'bad-group', 'where'],
      [{ all: 1 }, 'not-a-list', 'where.all'],
      [{ kind: 'field', field: 'colour', op: 'eq', value: 'red' }, 'unknown-field', 'where.field'],
      [{ kind: 'field', field: 'name', op: 'like', value: 'x' }, 'unknown-operator', 'where.op'],
      [{ kind: 'field', field: 'points', op: 'contains', value: 1 }, 'operator-not-for-type', 'where.op'],
      [{ kind: 'field', field: 'name', op: 'eq' }, 'missing-operand', 'where'],
      [{ kind: 'field', field: 'name', op: 'is_empty', value: 'x' }, 'unexpected-operand', 'where.value'],
      [{ kind: 'field', field: 'gender', op: 'eq', value: 'x' }, 'unknown-enum-value', 'where.value'],
      [{ kind: 'field', field: 'name', op: 'in', values: [{}] }, 'not-a-text', 'where.values[0]'],
      [{ kind: 'age', min: 'x' }, 'not-a-number', 'where.min'],
      [{ kind: 'age', min: 1.5 }, 'not-a-whole-number', 'where.min'],
      [{ kind: 'tenure', min: -1 }, 'negative', 'where.min'],
      [{ kind: 'age' }, 'empty-range', 'where'],
      [{ kind: 'age', min: 3, max: 1 }, 'min-greater-than-max', 'where'],
      [{ kind: 'purchases', lastOrderedAt: { to: '2024-13-01' } }, 'not-a-date', 'where.lastOrderedAt.to'],
      [{ kind: 'purchases', lastOrderedAt: { from: '2025-01-01', to: '2024-01-01' } }, 'date-order', 'where.lastOrderedAt'],
      [{ kind: 'purchases', window: { from: 'today' } }, 'needs-a-figure', 'where'],
      [{ kind: 'purchases', products: [{ count: { min: 1 } }] }, 'empty-product-row', 'where.products[0]'],
      [{ kind: 'birthday', from: '13-01', to: '12-31' }, 'not-a-month-day', 'where.from'],
      [{ kind: 'tags', tags: [] }, 'empty-list', 'where.tags'],
      [{ kind: 'tags', tags: ['vip'], match: 'most' }, 'unknown-match', 'where.match'],
      [{ kind: 'reachable', channel: 'fax' }, 'unknown-channel', 'where.channel'],
      [{ kind: 'mail', event: 'opened', mails: ['M1'] }, 'unknown-event', 'where.event'],
      [{ kind: 'mail', event: 'open' }, 'mails-or-filter', 'where'],
      [{ kind: 'segment', name: 'nope' }, 'unknown-segment', 'where.name'],
      [{ kind: 'segment', name: 'loop' }, 'segment-cycle', 'where.name'],
      [{ kind: 'segment', name: 'broken' }, 'invalid-saved-segment', 'where.name'],
    ];
    for (const [condition, code, path] of cases) expect(where(condition).map(([c, p]) => [c, p]), JSON.stringify(condition)).toEqual([[code, path]]);
    expect(where({ kind: 'segment', name: 'broken' })[0]![2]).toBe('saved segment "broken" is invalid: where.min: min must be a number, not "x"');
  });

  it('lists every fault, at most 100, each list reporting its first bad value only', () => {
    const many = Array.from({ length: 150 }, () => ({ kind: 'age', min: 'x' }));
    expect(where({ all: many })).toHaveLength(100);
    expect(where({ kind: 'field', field: 'points', op: 'in', values: ['a', 'b', 'c'] })).toEqual([['not-a-number', 'where.values[0]', 'points is a number, not "a"']]);
  });
});

describe('parsed segments', () => {
  const parse = (definition: unknown) => parseDefinition(definition, { asOf, lookupSegment: (name) => (name === 'vip' ? { where: { kind: 'tags', tags: ['vip'] } } : undefined) });

  it('fill in the defaults, resolve the field and make enum spellings canonical', () => {
    expect(parse({})).toEqual({ version: 1, includeDeleted: false, where: { kind: 'all', conditions: [] } });
    const { where } = parse({ where: { all: [
      { kind: 'field', field: 'gender', op: 'in', values: ['女性', 2] },
      { kind: 'field', field: 'points', op: 'between', min: 10 },
      { kind: 'tags', tags: ['vip', 7] },
      { kind: 'purchases', window: { from: 'today-30d' }, orderCount: { min: 1 } },
      { not: { kind: 'segment', name: 'vip' } },
    ] } });
    expect(where).toMatchObject({ kind: 'all', conditions: [
      { kind: 'field', field: { name: 'gender', type: 'enum' }, compare: 'text', op: 'in', values: ['female', 'female'] },
      { kind: 'field', field: { name: 'points', type: 'integer' }, compare: 'number', op: 'between', range: { min: 10 } },
      { kind: 'tags', tags: ['vip', '7'], match: 'any' },
      { kind: 'purchases', window: { from: 'today-30d', on: 'ordered' }, orderCount: { min: 1 } },
      { kind: 'not', condition: { kind: 'segment', name: 'vip', definition: { where: { kind: 'tags', tags: ['vip'], match: 'any' } } } },
    ] });
  });

  it('keep every order group, even one named __proto__', () => {
    const { where } = parse(JSON.parse('{"where": {"kind": "purchases", "groups": {"__proto__": ["x"], "管理": ["VIP"]}, "orderCount": {"min": 1}}}'));
    expect(where.kind === 'purchases' && Object.entries(where.groups ?? {})).toEqual([['__proto__', ['x']], ['管理', ['VIP']]]);
  });
});

/*
 * Issue 19, item 6: every fault is a fault. Names that every plain object inherits
 * (`constructor`, `__proto__`, `toString`, …) where an operator, a kind or an enum value goes,
 * numbers beyond what the columns hold, and relative dates landing before year 1 or after 9999
 * ended in an internal error; a saved segment could be stored that failed every later count.
 */
describe('inherited names, huge numbers and far dates', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await loadDataset(db, randomDataset(12, { customers: 30, orders: 60, events: 60 }));
    store = await SegmentStore.load(db);
  });
  afterAll(() => db.close());

  const inherited = fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', 'toLocaleString', '__defineGetter__');
  const hugeNumber = fc.constantFrom(2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, 1e300, -1e300, Number.MAX_VALUE, 1e14, -1e14, 99_999_999_999_999.99, 9_007_199_254_740_991);
  const farDate = fc.oneof(
    fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 1, max: 99_999 }), fc.constantFrom('d', 'w', 'm', 'y')).map(([sign, n, unit]) => `today${sign}${n}${unit}`),
    fc.constantFrom('today-2027y', 'today+7975y', 'today-24300m', '0000-01-01', '0000-02-29', '0001-01-01', '9999-12-31', '9999-12-31 23:59:59', '0099-02-29', '0100-02-29'),
  );

  /** A valid definition with one text, number or date in it swapped for a hostile one. */
  const hostile = fc.tuple(definition, fc.nat(), inherited, hugeNumber, farDate, fc.boolean()).map(([def, pick, name, number, date, asDate]) => {
    const slots: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' || typeof value === 'number') slots.push([node as Record<string, unknown>, key]);
        else walk(value);
      }
    };
    const copy = structuredClone(def) as Record<string, unknown>;
    walk(copy);
    const slot = slots[pick % Math.max(slots.length, 1)];
    if (slot) {
      const [node, key] = slot;
      node[key] = typeof node[key] === 'number' ? number : asDate || /^(today|\d{4}-)/.test(String(node[key])) ? date : name;
    }
    return copy;
  });

  const templates: unknown[] = [
    ...['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'].flatMap((name) => [
      { kind: 'field', field: 'gender', op: 'eq', value: name },
      { kind: 'field', field: 'mail_permission', op: 'in', values: ['pc', name] },
      { kind: 'field', field: 'name', op: name, value: 'x' },
      { kind: 'field', field: name, op: 'eq', value: 'x' },
      { kind: name },
      { kind: 'reachable', channel: name },
      { kind: 'mail', event: name, mails: ['M1'] },
      { kind: 'mail', event: 'open', mailFilter: { kinds: [name] } },
      { kind: 'tags', tags: ['vip'], match: name },
      { kind: 'purchases', window: { on: name }, orderCount: { min: 1 } },
      { kind: 'purchases', products: [{ products: ['P1'], unit: name, count: { min: 1 } }] },
    ]),
    { kind: 'field', field: 'points', op: 'eq', value: 2 ** 63 },
    { kind: 'field', field: 'points', op: 'in', values: [1, 2 ** 63] },
    { kind: 'field', field: 'points', op: 'between', min: -(2 ** 64) },
    { kind: 'field', field: 'customer_id', op: 'between', min: 1e300 },
    { kind: 'age', min: 2 ** 63 },
    { kind: 'tenure', max: 1e20 },
    { kind: 'purchases', orderCount: { min: 2 ** 63 } },
    { kind: 'purchases', sales: { min: 1e20 } },
    { kind: 'purchases', products: [{ categories: ['x'], count: { max: 2 ** 63 } }] },
    { kind: 'purchases', window: { from: 'today-2027y' }, orderCount: { min: 1 } },
    { kind: 'purchases', window: { to: 'today+7975y' }, orderCount: { min: 1 } },
    { kind: 'purchases', lastOrderedAt: { from: '0000-01-01' } },
    { kind: 'field', field: 'birthday', op: 'between', min: 'today-3000y' },
    { kind: 'field', field: 'registered_at', op: 'in', values: ['today+9000y'] },
    { kind: 'mail', event: 'open', mails: ['M1'], window: { from: 'today-99999m' } },
    { kind: 'mail', event: 'open', mailFilter: { sent: { to: 'today+99999m' } } },
  ];

  let saved = 0;
  /** Counted or refused with faults; and a definition that saves can be counted by its name. */
  const check = async (def: unknown) => {
    const outcome = await countedOrRefused(db, store, def);
    const name = `fuzz-${++saved}`;
    const stored = await store.save(name, def, asOf).then(() => true, (error: unknown) => {
      expect(error, String((error as Error).stack)).toBeInstanceOf(DefinitionError);
      return false;
    });
    expect(stored).toBe(outcome === 'counted');
    if (stored) {
      expect((await countSegment(db, { where: { kind: 'segment', name } }, store, asOf)).count).toBeGreaterThanOrEqual(0);
      await store.delete(name);
    }
    expect(store.get(name)).toBeUndefined();
    return outcome;
  };

  it('refuses each hand-made case at its JSON path, and stores none of them', async () => {
    for (const where of templates) expect(await check({ where }), JSON.stringify(where)).toBe('refused');
    expect(store.list()).toEqual([]);
  });

  it('ends every one of 2,000 definitions with one hostile value in a count or faults, saved only when it counts', async () => {
    const outcomes = { counted: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(hostile, async (def) => { outcomes[await check(def)]++; }), { numRuns: 2000, seed: 19 });
    expect(outcomes.counted).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(500);
  }, 600_000);

  it('names the limits: out-of-range at the JSON path', () => {
    const faults = (where: unknown) => {
      try {
        parseDefinition({ where }, { asOf });
        return [];
      } catch (e) {
        if (!(e instanceof DefinitionError)) throw e;
        return e.faults.map((f) => [f.code, f.path, f.message]);
      }
    };
    expect(faults({ kind: 'age', min: 2 ** 63 })).toEqual([['out-of-range', 'where.min', 'min 9223372036854776000 is out of range (whole numbers from -9,007,199,254,740,991 to 9,007,199,254,740,991)']]);
    expect(faults({ kind: 'purchases', sales: { max: 1e14 } })).toEqual([['out-of-range', 'where.sales.max', 'max 100000000000000 is out of range (amounts above -100,000,000,000,000 and below 100,000,000,000,000)']]);
    expect(faults({ kind: 'field', field: 'points', op: 'in', values: [1, 2 ** 53] })).toEqual([['out-of-range', 'where.values[1]', 'points 9007199254740992 is out of range (whole numbers from -9,007,199,254,740,991 to 9,007,199,254,740,991)']]);
    expect(faults({ kind: 'purchases', window: { from: 'today-2025y' }, orderCount: { min: 1 } })).toEqual([
      ['out-of-range', 'where.window.from', 'today-2025y is 0000-03-31 as of 2025-03-31, outside the dates that can be used (0001-01-01 to 9999-12-31)'],
    ]);
    expect(faults({ kind: 'field', field: 'birthday', op: 'eq', value: '0000-01-01' })[0]?.slice(0, 2)).toEqual(['not-a-date', 'where.value']);
    // The limits themselves are usable.
    expect(faults({ all: [{ kind: 'age', min: -9_007_199_254_740_991, max: 9_007_199_254_740_991 }, { kind: 'purchases', sales: { min: -99_999_999_999_999.99 }, lastOrderedAt: { from: 'today-2024y', to: '9999-12-31' } }] })).toEqual([]);
  });

  it('steps relative dates across years 1 to 99 as in any other century', () => {
    const old = parseLocalDate('0050-03-01')!;
    expect(resolveDate('today-1d', old).timestamp).toBe('0050-02-28 00:00:00');
    expect(resolveDate('today-1d', parseLocalDate('0052-03-01')!).timestamp).toBe('0052-02-29 00:00:00');
    expect(resolveDate('today-1m', old).timestamp).toBe('0050-02-01 00:00:00');
    expect(resolveRange({ to: '9999-12-31' }, old)).toMatchObject({ to: '10000-01-01 00:00:00', toExclusive: true });
    expect(parseLocalDate('0000-01-01')).toBeUndefined();
  });
});
