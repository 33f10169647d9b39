/**
 * The age condition compiles to a range of birthdays (compile-dates.ts). Customers born on the
 * days around each boundary — a year older on the birthday itself, 29 February birthdays and
 * as-of dates, the first and last storable days — against the rule of segment-definition.md
 * (full years at the as-of date) worked out here day by day.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';

const AS_OF = ['2024-02-29', '2025-02-28', '2025-03-01', '2026-10-31', '2026-01-01', '2026-12-31'];
const AGES = [0, 1, 30, 49, 50];

const parts = (day: string) => day.split('-').map(Number) as [number, number, number];
const text = (t: Date) => `${String(t.getUTCFullYear()).padStart(4, '0')}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;

/** The day `days` after y-m-d (m, d as written; JavaScript rolls 02-29 of a common year over). */
function dayNear(y: number, m: number, d: number, days: number): string {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d + days);
  return text(t);
}

/** Full years at the as-of date: a year older on the birthday itself. */
function age(birthday: string, asOf: string): number {
  const [by, bm, bd] = parts(birthday);
  const [y, m, d] = parts(asOf);
  return y - by - (m * 100 + d < bm * 100 + bd ? 1 : 0);
}

const birthdays = [...new Set([
  ...AS_OF.flatMap((asOf) => {
    const [y, m, d] = parts(asOf);
    return AGES.flatMap((n) => [-2, -1, 0, 1, 2].map((days) => dayNear(y - n, m, d, days)));
  }),
  ...[1996, 1997, 2000, 2023, 2024].flatMap((y) => [`${y}-02-28`, `${y}-03-01`, ...(y % 4 === 0 ? [`${y}-02-29`] : [])]),
  '0001-01-01', '9999-12-31',
])].sort();
const customerOf = new Map(birthdays.map((b, i) => [`c${String(i).padStart(3, '0')}`, b]));

describe('age as a range of birthdays', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kumiwake-age-')), 'customers.csv');
    writeFileSync(file, `customer_id,birthday\n${[...customerOf].map(([id, b]) => `${id},${b}`).join('\n')}\nnobirthday,\n`);
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [file] });
  });
  afterAll(() => shop.close());

  const ids = async (range: { min?: number; max?: number }, asOf: string) =>
    (await shop.members({ definition: { where: { kind: 'age', ...range } } as never }, { asOf, limit: 1000 })).rows.map((r) => r.customer_id).sort();
  const expected = (range: { min?: number; max?: number }, asOf: string) =>
    [...customerOf].filter(([, b]) => (range.min === undefined || age(b, asOf) >= range.min) && (range.max === undefined || age(b, asOf) <= range.max))
      .map(([id]) => id).sort();

  it('matches full years on the days around every bound, 29 February included', async () => {
    expect(birthdays.length).toBeGreaterThan(100);
    for (const asOf of AS_OF) {
      for (const range of [{ min: 30, max: 49 }, { min: 0, max: 0 }, { min: 1 }, { max: 1 }, { min: 49 }, { max: 49 }, { min: 50, max: 50 }, { min: -3, max: 0 }]) {
        expect({ asOf, range, ids: await ids(range, asOf) }).toEqual({ asOf, range, ids: expected(range, asOf) });
      }
    }
  });

  it('takes bounds whose day is outside years 1 to 9999 row by row, with the same answer', async () => {
    for (const range of [{ min: 2025 }, { min: 2026 }, { max: 2025 }, { max: 2026 }, { max: 20000 }, { min: -8000 }, { min: -7974 }, { min: 10, max: 1e12 }]) {
      expect({ range, ids: await ids(range, '2026-10-31') }).toEqual({ range, ids: expected(range, '2026-10-31') });
    }
  });

  it('compares the stored birthday with days, not years worked out row by row', async () => {
    const { sql, parameters } = await shop.explain({ definition: { where: { kind: 'age', min: 30, max: 49 } } as never }, { asOf: '2024-02-29' });
    expect(sql).not.toMatch(/year\(/);
    expect(parameters).toEqual(expect.arrayContaining(['1994-02-28', '1974-02-28']));
  });
});
