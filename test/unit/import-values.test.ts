import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { typedExpression } from '../../src/engine/duckdb/import/values.js';
import { customers, purchases, type ColumnDef } from '../../src/catalog/tables.js';
import { sqlString } from '../../src/dialect/duckdb/sql-text.js';

const column = (table: typeof customers, name: string): ColumnDef => table.columns.find((c) => c.name === name)!;

/** The stored value of each text, read as `column` (null: refused). */
describe('reading values exactly', () => {
  let db: DuckDBEngine;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
  });
  afterAll(() => db.close());

  const read = async (c: ColumnDef, texts: string[], tz?: string, fastPaths = true): Promise<unknown[]> => {
    const rows = await db.all<{ v: unknown }>(
      `SELECT CAST(${typedExpression(c, 'raw', { tz, fastPaths })} AS VARCHAR) AS v FROM (SELECT unnest([${texts.map(sqlString).join(', ')}]) AS raw, generate_subscripts([${texts.map(sqlString).join(', ')}], 1) AS i) ORDER BY i`);
    return rows.map((r) => r.v);
  };

  it('reads whole numbers and refuses fractions in integer columns instead of rounding them', async () => {
    expect(await read(column(purchases, 'quantity'), ['2', '+3', '-5', '1,234', '2.0', '007', '２', '2.5', '0.1', '1e2', '0x10', '1_000'])).toEqual(
      ['2', '3', '-5', '1234', '2', '7', '2', null, null, null, null, null]);
  });

  it('reads commas only between thousands, and refuses an exponent that would be rounded', async () => {
    expect(await read(column(purchases, 'quantity'), ['1,234', '12,345,678', '-1,000', '1,,,2', '5,', ',5', '1,5', '12,34', '1234,567', '１，２３４'])).toEqual(
      ['1234', '12345678', '-1000', null, null, null, null, null, null, '1234']);
    expect(await read(column(purchases, 'amount'), ['1,234.5', '¥1,234,567', '1234,56', '1,5', '12,34.5', '1,,000', '1.5E-4', '1.2e-5', '15E-5', '1e3', '1.5', '-0.25'])).toEqual(
      ['1234.5000', '1234567.0000', null, null, null, null, null, null, null, null, '1.5000', '-0.2500']);
  });

  it('refuses a year of fewer than four digits and a compact date of seven, which DuckDB would read as another date', async () => {
    const birthday = column(customers, 'birthday');
    const ordered = column(purchases, 'ordered_at');
    // What the typed expression gives; the import refuses a year before 1000 (stage.ts, the next case).
    expect(await read(birthday, ['2024105', '20240105', '1985/04/01', '1985-4-1'])).toEqual([null, '2024-01-05', '1985-04-01', '1985-04-01']);
    expect(await read(ordered, ['24/10/05 10:00'])).toEqual(['0024-10-05 10:00:00']);
  });

  it('refuses a zone offset no clock on Earth has', async () => {
    const ordered = column(purchases, 'ordered_at');
    expect(await read(ordered, ['2024-01-05 09:30:00+25:00', '2024-01-05 09:30:00+09:60', '2024-01-05 09:30:00-1300', '2024-01-05 09:30:00+14:00', '2024-01-05 09:30:00+05:45', '2024-01-05 00:30:00Z', '2024-01-05 00:30:00 UTC'])).toEqual(
      [null, null, null, '2024-01-05 04:30:00', '2024-01-05 12:45:00', '2024-01-05 09:30:00', '2024-01-05 09:30:00']);
  });

  it('reads the yes / no spellings of a boolean in any case, and nothing else', async () => {
    expect(await read(column(purchases, 'counted'), ['true', 'TRUE', 'Yes', '1', 'はい', '○', 'false', 'F', 'No', '0', 'いいえ', '×', 'なし', 'maybe', '2', 'yes!'])).toEqual(
      ['true', 'true', 'true', 'true', 'true', 'true', 'false', 'false', 'false', 'false', 'false', 'false', 'false', null, null, null]);
  });

  it('refuses more decimals than are stored instead of rounding them', async () => {
    expect(await read(column(purchases, 'unit_price'), ['2.55', '1.2345', '1.23450', '¥1,000', '1000円', '１,０００', '.5', '1.23456', '0.00001'])).toEqual(
      ['2.5500', '1.2345', '1.2345', '1000.0000', '1000.0000', '1000.0000', '0.5000', null, null]);
  });

  it('converts timestamps with a zone offset to the configured zone', async () => {
    const ordered = column(purchases, 'ordered_at');
    const texts = ['2024-01-05T00:30:00-05:00', '2024-01-05T00:30:00Z', '2024-01-05 09:30:00 +0900', '2024-01-05 09:30:00+09', '2024-01-05 00:30:00 UTC', '2024-01-05 09:30:00.5+09:00', '2024-01-05 09:30:00'];
    expect(await read(ordered, texts)).toEqual(
      ['2024-01-05 14:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:00.5', '2024-01-05 09:30:00']);
    expect(await read(ordered, ['2024-01-05T00:30:00Z', '2024-01-05 09:30:00 +0900'], 'UTC')).toEqual(['2024-01-05 00:30:00', '2024-01-05 00:30:00']);
    expect(await read(ordered, ['2024-01-05 09:30 +9', '2024-01-05-05', 'tomorrow+1'])).toEqual([null, null, null]);
    expect(await read(ordered, ['2024-01-05 09:30:00.123456', '2024-01-05 09:30:00.1234560', '2024-01-05 09:30:00.1234567', '2024-01-05T00:30:00.1234567Z'])).toEqual(
      ['2024-01-05 09:30:00.123456', '2024-01-05 09:30:00.123456', null, null]);
    expect(await read(column(customers, 'birthday'), ['2024-01-05T20:00:00Z', '2024-01-05'])).toEqual(['2024-01-06', '2024-01-05']);
  });

  it('reads Japanese dates and full-width digits', async () => {
    expect(await read(column(customers, 'birthday'), ['2024年1月5日', '２０２４年１月５日', '２０２４／０１／０５', '2024年13月5日'])).toEqual(['2024-01-05', '2024-01-05', '2024-01-05', null]);
    expect(await read(column(purchases, 'ordered_at'), ['2024年1月5日 9時30分', '2024年1月5日 9:30', '2024年1月5日9時30分15秒', '２０２４－０１－０５　０９：３０'])).toEqual(
      ['2024-01-05 09:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:15', '2024-01-05 09:30:00']);
    // a zone after a Japanese time of day, as after 09:30
    expect(await read(column(purchases, 'ordered_at'), ['2024年1月5日 0時30分 UTC', '2024年1月5日 9時30分 +09:00', '2024年1月5日 0時30分15秒 Z'])).toEqual(
      ['2024-01-05 09:30:00', '2024-01-05 09:30:00', '2024-01-05 09:30:15']);
  });

  it('reads the common timestamp shape without the zone test exactly as with it, junk included', async () => {
    // A timestamp of the shape with one to three characters replaced by a digit or by something
    // that could make a zone or break a time, in and out of the shortcut's pattern (dashes at 5
    // and 8, a blank at 11, colons at 14 and 17).
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const base = fc.array(digit, { minLength: 14, maxLength: 14 }).map((d) => `${d.slice(0, 4).join('')}-${d[4]}${d[5]}-${d[6]}${d[7]} ${d[8]}${d[9]}:${d[10]}${d[11]}:${d[12]}${d[13]}`);
    const swap = fc.tuple(fc.integer({ min: 0, max: 18 }), fc.oneof(digit, fc.constantFrom('-', '+', 'Z', 'z', ':', ' ', 'T', '/', 'U', 'C', '.', '年')));
    const text = fc.tuple(base, fc.array(swap, { minLength: 1, maxLength: 3 })).map(([t, swaps]) => {
      const cs = [...t];
      for (const [at, c] of swaps) cs[at] = c;
      return cs.join('');
    });
    const texts = ['2024-01-05 09:30:00', '2024-01-05 09:30:0Z', '2024-01-05 09:-0:00', '2024-01-05 09:30:-5', '2024-01-05 24:00:00', '2024-01-05 09:30-05', ...fc.sample(text, { numRuns: 3000, seed: 11 })];
    for (const c of [column(purchases, 'ordered_at'), column(customers, 'birthday')]) {
      expect(await read(c, texts), c.name).toEqual(await read(c, texts, undefined, false));
    }
    expect(await read(column(purchases, 'ordered_at'), texts.slice(0, 6))).toEqual(['2024-01-05 09:30:00', '2024-01-05 18:30:00', null, null, '2024-01-06 00:00:00', '2024-01-05 23:30:00']);
  });
});
