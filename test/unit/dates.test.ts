import { describe, expect, it } from 'vitest';
import { dateValueProblem, parseLocalDate, resolveDate, resolveRange } from '../../src/model/dates.js';

const day = (s: string) => parseLocalDate(s)!;

describe('relative dates', () => {
  it('steps by days, weeks, months and years, clamping to the end of the month', () => {
    const asOf = day('2025-03-31');
    expect(resolveDate('today', asOf).timestamp).toBe('2025-03-31 00:00:00');
    expect(resolveDate('today-30d', asOf).timestamp).toBe('2025-03-01 00:00:00');
    expect(resolveDate('today+1w', asOf).timestamp).toBe('2025-04-07 00:00:00');
    expect(resolveDate('today-1m', asOf).timestamp).toBe('2025-02-28 00:00:00');
    expect(resolveDate('today-1m', day('2024-03-31')).timestamp).toBe('2024-02-29 00:00:00');
    expect(resolveDate('today-13m', asOf).timestamp).toBe('2024-02-29 00:00:00');
    expect(resolveDate('today-1y', day('2024-02-29')).timestamp).toBe('2023-02-28 00:00:00');
    expect(resolveDate('today+1m', day('2025-01-31')).timestamp).toBe('2025-02-28 00:00:00');
  });

  it('makes a date-only "to" include its whole day', () => {
    expect(resolveRange({ from: '2025-01-01', to: '2025-01-31' }, day('2025-06-01'))).toEqual({ from: '2025-01-01 00:00:00', to: '2025-02-01 00:00:00', toExclusive: true });
    expect(resolveRange({ to: '2025-01-31 12:00:00' }, day('2025-06-01'))).toEqual({ from: undefined, to: '2025-01-31 12:00:00', toExclusive: false });
    expect(resolveRange({ to: 'today' }, day('2024-12-31'))).toMatchObject({ to: '2025-01-01 00:00:00', toExclusive: true });
  });

  it('refuses what is not a date, with a hint', () => {
    expect(dateValueProblem('2024-02-30')).toMatch(/is not a date \(use YYYY-MM-DD/);
    expect(dateValueProblem('2024-01-01 24:00:00')).toMatch(/is not a date/);
    expect(dateValueProblem('today-3x')).toMatch(/is not a date/);
    expect(dateValueProblem('yesterday')).toMatch(/is not a date/);
    expect(dateValueProblem(20240101)).toMatch(/must be a text/);
    expect(dateValueProblem('2024-02-29')).toBeUndefined();
    expect(dateValueProblem('today+12m')).toBeUndefined();
  });
});
