/**
 * The dialect owns every engine-specific fragment: outside `src/dialect/<engine>/` and
 * `src/engine/<engine>/` (the engine's own loader and writers), no source names a DuckDB-only
 * function, operator or type. The benchmark (hand-written DuckDB queries by design) and the
 * sample-data generator (a DuckDB program) are tools, not the product's query path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;
const EXEMPT = [/^dialect\/[^/]+\//, /^engine\/[^/]+\//, /^bench\//, /^generate\//];

const DUCKDB_ONLY: ReadonlyArray<[string, RegExp]> = [
  ['bool_or', /\bbool_or\s*\(/i], ['len()', /\blen\s*\(/], ['list functions', /\blist_[a-z_]+\s*\(/i], ['unnest', /\bunnest\s*\(/i],
  ['strpos', /\bstrpos\s*\(/i], ['starts_with', /\bstarts_with\s*\(/i], ['ends_with', /\bends_with\s*\(/i],
  ['regexp functions', /\bregexp_[a-z_]+\s*\(/i], ['TRY_CAST', /\btry_cast\s*\(/i], ['::TYPE casts', /::\s*(VARCHAR|BIGINT|INTEGER|INT|DOUBLE|TIMESTAMP|DATE|HUGEINT|DECIMAL)\b/i],
  ['FILTER (WHERE', /\bFILTER\s*\(\s*WHERE/i], ['arg_max/arg_min', /\barg_(max|min)\s*\(/i], ['read_csv', /\bread_csv/i], ['COPY ... TO', /\bCOPY\s*\(/],
  ['strftime/strptime', /\b(strftime|strptime|try_strptime)\s*\(/i], ['date_diff', /\bdate_diff\s*\(/i], ['bitstrings', /\b(bitstring_agg|bit_count|bitstring)\s*\(/i],
  ['INSERT OR REPLACE', /\bINSERT\s+OR\s+REPLACE\b/i], ['CREATE OR REPLACE', /\bCREATE\s+OR\s+REPLACE\b/i], ['PRAGMA', /\bPRAGMA\b/], ['rowid', /\browid\b/i],
  ['array_to_string', /\barray_to_string\s*\(/i], ['strlen', /\bstrlen\s*\(/i], ['macros', /\bMACRO\b/], ['HUGEINT', /\bHUGEINT\b/], ['VARCHAR', /\bVARCHAR\b/],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Code without its comments: a comment may name a function to say why it is not used. */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('engine-specific SQL stays in its dialect and engine folders', () => {
  it('no other source names a DuckDB-only function, operator or type', () => {
    const files = sources(SRC).map((f) => relative(SRC, f)).filter((f) => !EXEMPT.some((e) => e.test(f)));
    expect(files.length).toBeGreaterThan(60);
    const found: string[] = [];
    for (const file of files) {
      const code = withoutComments(readFileSync(join(SRC, file), 'utf8'));
      for (const [name, pattern] of DUCKDB_ONLY) if (pattern.test(code)) found.push(`src/${file}: ${name}`);
    }
    expect(found).toEqual([]);
  });

  it('would notice one (the check itself works)', () => {
    const planted = withoutComments("const q = sql`SELECT bool_or(x) FROM t`; // a comment naming len( is fine");
    expect(DUCKDB_ONLY.filter(([, p]) => p.test(planted)).map(([n]) => n)).toEqual(['bool_or']);
  });
});
