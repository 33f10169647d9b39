import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { KumiwakeError } from '../../src/errors.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { DefinitionError } from '../../src/model/validate.js';
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

describe('random and mutated definitions', () => {
  let db: Database;
  let store: SegmentStore;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    await loadDataset(db, randomDataset(11, { customers: 30, orders: 60, events: 60 }));
    store = await SegmentStore.load(db);
  });
  afterAll(() => db.close());

  /** A count, or a validation error whose every fault names a JSON path; nothing else. */
  const countOrRefusal = async (def: unknown) => {
    try {
      const result = await countSegment(db, def, store, asOf);
      expect(result.count).toBeGreaterThanOrEqual(0);
      return 'counted';
    } catch (error) {
      if (error instanceof DefinitionError) {
        for (const fault of error.faults) expect(fault.path).toMatch(/^(\(top level\)|[a-zA-Z]+|\[")/);
        expect(error.faults.length).toBeGreaterThan(0);
        return 'refused';
      }
      expect(error, String((error as Error).stack)).toBeInstanceOf(KumiwakeError);
      return 'refused';
    }
  };

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
});
