/**
 * The 11 RFM cells (src/model/rfm-cells.ts) against the table of segment-definition.md, copied
 * here by hand; the rfm condition's faults; the cut points a shop may set.
 */
import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/model/dates.js';
import { DefinitionError } from '../../src/model/faults.js';
import { parseDefinition } from '../../src/model/parse.js';
import { RFM_CELLS, rfmCellOf } from '../../src/model/rfm-cells.js';
import { parseCutPoints } from '../../src/model/rfm-settings.js';

// segment-definition.md, rfm: rows R 5..1, columns FM 1..5.
const TABLE = `
5 | new_customers  | potential_loyalist | potential_loyalist | champions | champions
4 | promising      | potential_loyalist | potential_loyalist | loyal     | loyal
3 | about_to_sleep | about_to_sleep     | need_attention     | loyal     | loyal
2 | hibernating    | hibernating        | at_risk            | at_risk   | cannot_lose_them
1 | lost           | lost               | at_risk            | at_risk   | cannot_lose_them`;
const documented = new Map(TABLE.trim().split('\n').map((line) => {
  const [r, ...cells] = line.split('|').map((c) => c.trim());
  return [Number(r), cells] as const;
}));

const asOf = parseLocalDate('2025-03-31')!;
const faultsOf = (where: unknown) => {
  try {
    parseDefinition({ version: 1, where }, { asOf });
  } catch (e) {
    if (e instanceof DefinitionError) return e.faults.map((f) => `${f.code} ${f.path}: ${f.message}`);
    throw e;
  }
  return [];
};

describe('the RFM cells', () => {
  it('put every R, F, M in the cell of the documented table, FM being (F + M) / 2 rounded half up', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) {
      const fm = (f + m) % 2 === 0 ? (f + m) / 2 : (f + m + 1) / 2;
      expect(rfmCellOf(r, f, m), `R${r} F${f} M${m}`).toBe(documented.get(r)![fm - 1]);
      seen.add(rfmCellOf(r, f, m));
    }
    expect([...seen].sort()).toEqual([...RFM_CELLS].sort());
    expect(RFM_CELLS).toHaveLength(11);
    expect([rfmCellOf(5, 5, 5), rfmCellOf(1, 1, 1), rfmCellOf(5, 1, 1), rfmCellOf(1, 5, 4), rfmCellOf(3, 3, 4)]).toEqual(['champions', 'lost', 'new_customers', 'cannot_lose_them', 'loyal']);
  });

  it('an rfm condition takes score ranges or a cell, and says what is wrong at its path', () => {
    expect(faultsOf({ kind: 'rfm', r: [4, 5], m: [1, 5] })).toEqual([]);
    expect(faultsOf({ kind: 'rfm', cell: 'at_risk' })).toEqual([]);
    expect(faultsOf({ kind: 'rfm' })).toEqual([]);
    expect(faultsOf({ all: [{ kind: 'rfm', cell: 'vip' }] })).toEqual([
      `unknown-cell where.all[0].cell: unknown RFM cell "vip" (expected one of ${RFM_CELLS.join(', ')})`,
    ]);
    expect(faultsOf({ kind: 'rfm', cell: 'lost', r: [1, 2] })).toEqual(['cell-or-scores where: give a "cell" or score ranges (r, f, m), not both']);
    expect(faultsOf({ kind: 'rfm', r: [0, 6], f: [5, 3], m: [2], colour: 1 })).toEqual([
      'unknown-property where.colour: unknown property of an rfm condition (expected kind, r, f, m, cell)',
      'out-of-range where.r[0]: score 0 is out of range (scores run from 1 to 5)',
      'out-of-range where.r[1]: score 6 is out of range (scores run from 1 to 5)',
      'min-greater-than-max where.f: f 5 is greater than 3',
      'not-a-list where.m: m is a range of two scores [lo, hi], e.g. [4, 5], not 1 values',
    ]);
    expect(faultsOf({ kind: 'rfm', r: '4-5', f: [1.5, 'x'] })).toEqual([
      'not-a-list where.r: r is a range of scores [lo, hi], e.g. [4, 5]',
      'not-a-whole-number where.f[0]: a score must be a whole number',
      'not-a-number where.f[1]: a score must be a number, not "x"',
    ]);
  });

  it('cut points are four increasing numbers, whole for days and orders', () => {
    expect(parseCutPoints('r', '30, 60,90,180')).toEqual([30, 60, 90, 180]);
    expect(parseCutPoints('m', '999.5,5000,10000,30000')).toEqual([999.5, 5000, 10000, 30000]);
    expect(() => parseCutPoints('f', '1,2,3')).toThrow('--f 1,2,3: expected 4 cut points, not 3');
    expect(() => parseCutPoints('f', '1,2,2.5,3')).toThrow('"2.5" is not a whole number');
    expect(() => parseCutPoints('r', '30,60,-1,90')).toThrow('"-1" is not a number of 0 or more');
    expect(() => parseCutPoints('r', '30,60,60,90')).toThrow('the cut points must increase');
  });
});
