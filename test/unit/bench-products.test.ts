import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { benchProducts, benchSegmentsFor, SEED_42_PRODUCTS } from '../../src/bench/segments.js';
import { tempDir } from '../helpers/cli.js';

// The combined segments ask for two products bought, and never a supplement: on a shop (another
// seed) where P00001 is a supplement they would select no one, so the bench picks the next code.
describe('the benchmark\'s combined segments on another shop', () => {
  let db: DuckDBEngine;
  beforeAll(async () => {
    db = await DuckDBEngine.open(join(tempDir(), 'shop.duckdb'));
  });
  afterAll(() => db.close());
  const products = async (categories: Record<string, string>) => {
    await db.run('DELETE FROM products');
    for (const [code, category] of Object.entries(categories)) await db.run('INSERT INTO products (product_code, category) VALUES ($code, $category)', { code, category });
    return benchProducts(db);
  };

  it('keeps P00001 and P00003 where neither is a supplement', async () => {
    expect(await products({ P00001: '健康食品', P00002: 'サプリメント', P00003: 'ギフト' })).toEqual(SEED_42_PRODUCTS);
  });
  it('takes the next code that is not a supplement, never the same product twice', async () => {
    expect(await products({ P00001: 'サプリメント', P00002: 'ギフト', P00003: 'サプリメント', P00004: 'サプリメント', P00005: '化粧品' })).toEqual({ first: 'P00002', second: 'P00005' });
    expect(await products({ P00001: 'サプリメント', P00002: 'サプリメント', P00003: 'ギフト', P00004: '化粧品' })).toEqual({ first: 'P00003', second: 'P00004' });
  });
  it('writes the chosen codes into the definitions and the hand-written queries', () => {
    const combined = benchSegmentsFor({ first: 'P00002', second: 'P00005' }).filter((s) => s.name.startsWith('combined'));
    expect(combined).toHaveLength(2);
    for (const segment of combined) {
      expect(JSON.stringify(segment.definition)).toContain('"products":["P00002"]');
      expect(JSON.stringify(segment.definition)).not.toContain('P00001');
      for (const sql of [segment.handSql, segment.pgSql, segment.pgSummarySql!]) expect(sql).toMatch(/'P00002'[\s\S]*'P00005'/);
    }
  });
});
