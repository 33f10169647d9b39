/**
 * What the property tests share: a random shop loaded into an in-memory database, with saved
 * segments, beside the reference evaluator over the same rows.
 */
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import type { LocalDate } from '../../src/model/dates.js';
import { canonicalEnumValue, lookupField } from '../../src/model/fields.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from './evaluate.js';
import type { Dataset } from './model.js';
import { loadDataset, randomDataset, type DatasetShape } from './random-data.js';

/** The saved segment random definitions refer to (`{"kind": "segment", "name": "saved-vip"}`). */
export const savedVip = { version: 1, where: { any: [{ kind: 'tags', tags: ['vip'] }, { kind: 'purchases', sales: { min: 5000 } }] } };

/** An enum value as the reference reads it: the canonical value of any accepted spelling. */
export const enumValue = (field: string, v: string): string => {
  const info = lookupField(field);
  return info?.type === 'enum' ? canonicalEnumValue(info.column!, v) ?? v : v;
};

export interface ReferenceShop {
  readonly db: DuckDBEngine;
  readonly store: SegmentStore;
  readonly reference: ReferenceEvaluator;
  readonly data: Dataset;
}

export interface ShopOptions {
  /** saved segments by name (saved as of `asOf`) */
  readonly saved?: Readonly<Record<string, unknown>>;
  readonly asOf?: LocalDate;
  /** load without the value dictionary (text folded row by row) */
  readonly dictionary?: boolean;
}

export async function openReferenceShop(seed: number, shape: DatasetShape, options: ShopOptions = {}): Promise<ReferenceShop> {
  const db = await DuckDBEngine.open(':memory:');
  const data = randomDataset(seed, shape);
  await loadDataset(db, data, { dictionary: options.dictionary });
  const store = await SegmentStore.load(db);
  const saved = Object.entries(options.saved ?? {});
  for (const [name, definition] of saved) await store.save(name, definition, options.asOf ?? { y: 2025, m: 1, d: 1 });
  return { db, store, reference: new ReferenceEvaluator(data, new Map(saved), enumValue), data };
}
