/**
 * The SQL text fold (kumiwake_fold: DuckDB's lower(), or JavaScript for text holding a character
 * of FOLD_GATE) gives what the planner's JavaScript fold gives (NFKC, then toLowerCase) for every
 * text: a name condition must find 𝐘𝐮𝐤𝐢 as "yuki" whether the column is folded in SQL (names,
 * addresses) or through its dictionary in JavaScript (status, tags).
 */
import { listValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLD_GATE } from '../../src/dialect/duckdb/fold-gate.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { foldText } from '../../src/planner/compile-field.js';

const gate = new RegExp(`[${FOLD_GATE.trim().split(/ +/).map((range) => range.split('-').map((hex) => `\\u{${hex}}`).join('-')).join('')}]`, 'u');

describe('the SQL text fold', () => {
  let db: DuckDBEngine;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
  });
  afterAll(() => db.close());

  const sqlFold = async (texts: readonly string[]): Promise<string[]> => {
    const rows = await db.all<{ i: number; f: string }>(`SELECT i::INTEGER AS i, kumiwake_fold(t) AS f FROM (SELECT unnest($texts::VARCHAR[]) AS t, generate_subscripts($texts::VARCHAR[], 1) AS i) ORDER BY i`, { texts: listValue([...texts]) });
    return rows.map((r) => r.f);
  };

  it('hands JavaScript every character after which DuckDB\'s lower() may differ', async () => {
    const rows = await db.all<{ c: number; l: string }>('SELECT i::INTEGER AS c, lower(chr(i::INTEGER)) AS l FROM range(1, 1114112) t(i) WHERE i < 55296 OR i > 57343');
    // A character that a canonical decomposition holds after its first may join the one before it.
    const joining = new Set(rows.flatMap(({ c }) => [...String.fromCodePoint(c).normalize('NFD')].slice(1).map((d) => d.codePointAt(0)!)));
    const missing: number[] = [];
    for (const { c, l } of rows) {
      const s = String.fromCodePoint(c);
      const needed = s.normalize('NFKC') !== s || /\p{M}/u.test(s) || joining.has(c) || (c >= 0x1160 && c <= 0x11ff) || c === 0x03a3 || s.toLowerCase() !== l;
      if (needed && !gate.test(s)) missing.push(c);
    }
    // An upgrade of Node (its Unicode tables) or of DuckDB may add some: add them to fold-gate.ts.
    expect(missing.map((c) => c.toString(16).toUpperCase().padStart(4, '0')).join(' ')).toBe('');
  });

  it('folds what users write as the planner does', async () => {
    const texts = ['\u{16D63}\u{16D67}', '𝐘𝐮𝐤𝐢', 'ſam', 'ΟΔΟΣ', 'ΟΔΟΣ ΚΑΙ', 'İstanbul', 'ﾔﾏﾀﾞ', 'ｶﾞ', 'ＡＢＣ１２３', '㍻', 'ﬁle', 'ʰello', '︐', 'e\u0301', '\u1100\u1161', 'ᄀ각', 'Ꟍ', '髙橋', 'YAMADA', 'ȺȾ'];
    expect(await sqlFold(texts)).toEqual(texts.map(foldText));
  });

  it('folds random text as the planner does', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme-composite', maxLength: 12 }), { minLength: 1, maxLength: 50 }), async (texts) => {
      const clean = texts.map((t) => t.replaceAll('\u0000', ''));
      expect(await sqlFold(clean)).toEqual(clean.map(foldText));
    }), { numRuns: 60, seed: 27 });
  });
});
