/**
 * The monthly birthday coupon: `month` ("this", "next", 1–12) and windows relative to the as-of
 * date (`today` … `today+14d`), through the library on customers with known birthdays. Each
 * expected list is written out by hand from segment-definition.md (birthday).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionError, openWorkspace, type Workspace } from '../../src/index.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { parseDefinition } from '../../src/model/parse.js';
import { describeCondition } from '../../src/segments/describe-condition.js';

const BIRTHDAYS: Record<string, string> = {
  c01: '1990-12-01', c02: '1985-12-24', c03: '2000-12-31', c04: '1970-01-01', c05: '1999-01-10',
  c06: '1988-01-31', c07: '1996-02-29', c08: '1980-02-28', c09: '1975-03-01', c10: '1991-11-30',
};

describe('birthday relative to the as-of date', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kumiwake-birthday-'));
    const file = join(dir, 'customers.csv');
    writeFileSync(file, `customer_id,birthday\n${Object.entries(BIRTHDAYS).map(([id, b]) => `${id},${b}`).join('\n')}\nc11,\n`);
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [file] });
  });
  afterAll(() => shop.close());

  const ids = async (where: unknown, asOf: string) =>
    (await shop.members({ definition: { where } as never }, { asOf, limit: 100 })).rows.map((r) => r.customer_id).sort();

  it('"this" and "next" month follow the as-of date, December wrapping to January', async () => {
    expect(await ids({ kind: 'birthday', month: 'this' }, '2026-12-15')).toEqual(['c01', 'c02', 'c03']);
    expect(await ids({ kind: 'birthday', month: 'next' }, '2026-12-15')).toEqual(['c04', 'c05', 'c06']);
    expect(await ids({ kind: 'birthday', month: 'next' }, '2027-01-31')).toEqual(['c07', 'c08']);
    expect(await ids({ kind: 'birthday', month: 2 }, '2026-06-01')).toEqual(['c07', 'c08']);
  });

  it('a relative window is the month-days from one resolved day to the other, across the year end', async () => {
    expect(await ids({ kind: 'birthday', from: 'today', to: 'today+14d' }, '2026-12-24')).toEqual(['c02', 'c03', 'c04']);
    expect(await ids({ kind: 'birthday', from: 'today+1d', to: 'today+1m' }, '2026-12-31')).toEqual(['c04', 'c05', 'c06']);
    // 2027 has no 29 February: today+1d is 03-01, yet a 29 February birthday is inside 02-28 … 03-01.
    expect(await ids({ kind: 'birthday', from: 'today', to: 'today+1d' }, '2027-02-28')).toEqual(['c07', 'c08', 'c09']);
    expect(await ids({ kind: 'birthday', from: '11-30', to: 'today' }, '2026-12-01')).toEqual(['c01', 'c10']);
  });

  it('a window of 365 days or more holds every birthday; one of 364 days does not', async () => {
    const everyone = Object.keys(BIRTHDAYS).sort();
    expect(await ids({ kind: 'birthday', from: 'today', to: 'today+1y' }, '2026-12-24')).toEqual(everyone);
    expect(await ids({ kind: 'birthday', from: 'today', to: 'today+364d' }, '2026-12-24')).toEqual(everyone);
    // 2026-12-25 + 363 days is 2027-12-23: the window 12-25 … 12-23 leaves out 12-24 alone.
    expect(await ids({ kind: 'birthday', from: 'today', to: 'today+363d' }, '2026-12-25')).toEqual(everyone.filter((id) => id !== 'c02'));
  });

  it('reads in count --conditions as the month-days it resolved to', () => {
    const words = (where: unknown, asOf: string) => describeCondition(parseDefinition({ where }, { asOf: parseLocalDate(asOf)! }).where);
    expect(words({ kind: 'birthday', month: 'next' }, '2026-12-15')).toBe('birthday 01-01~01-31');
    expect(words({ kind: 'birthday', from: 'today', to: 'today+14d' }, '2026-12-24')).toBe('birthday 12-24~01-07');
  });

  it('refuses a month with a window, a month out of 1–12 and a relative window that runs backwards', async () => {
    const faults = async (where: unknown) => {
      try {
        await shop.count({ definition: { where } as never }, { asOf: '2026-12-24' });
      } catch (e) {
        if (e instanceof DefinitionError) return e.faults.map((f) => [f.code, f.path]);
        throw e;
      }
      return [];
    };
    expect(await faults({ kind: 'birthday', month: 'this', from: '01-01', to: '01-31' })).toEqual([['month-or-window', 'where']]);
    expect(await faults({ kind: 'birthday', month: 13 })).toEqual([['not-a-month', 'where.month']]);
    expect(await faults({ kind: 'birthday', month: 'last' })).toEqual([['not-a-month', 'where.month']]);
    expect(await faults({ kind: 'birthday', from: 'today+14d', to: 'today' })).toEqual([['date-order', 'where']]);
    expect(await faults({ kind: 'birthday', from: 'tomorrow', to: 'today' })).toEqual([['not-a-month-day', 'where.from']]);
    expect(await faults({ kind: 'birthday' })).toEqual([['missing-property', 'where.from'], ['missing-property', 'where.to']]);
  });
});
