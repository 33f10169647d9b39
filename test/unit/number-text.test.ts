import { describe, expect, it } from 'vitest';
import { readNumber } from '../../src/web/number-text.js';

describe('a number box of the builder page reads plain decimal numbers only', () => {
  it('reads digits, a sign and a decimal point', () => {
    for (const [text, value] of [['12', 12], ['-5', -5], ['+3', 3], ['1.5', 1.5], ['1.', 1], ['.5', 0.5], [' 42 ', 42], ['007', 7]] as const) {
      expect(readNumber(text), text).toBe(value);
    }
  });

  it('keeps as text what Number() would read but a marketer does not mean: hex, exponents, binary, octal', () => {
    for (const text of ['0x10', '1e3', '1E3', '0b11', '0o7', 'Infinity', '-Infinity', 'NaN', '1_000', '--1', '+-1', '1.2.3', '.', '-', '']) {
      expect(readNumber(text), text).toBe(text);
    }
  });

  it('reads full-width digits and signs, and thousands commas, as the importer does', () => {
    for (const [text, value] of [['１２', 12], ['－３', -3], ['１．５', 1.5], ['10,000', 10000], ['1,234,567', 1234567], ['１０，０００', 10000]] as const) {
      expect(readNumber(text), text).toBe(value);
    }
    for (const text of ['1,5', '12,34', '0,123', '1234,567', ',100', '10,000,']) expect(readNumber(text), text).toBe(text);
  });

  it('reads a trailing 円 in an amount only', () => {
    expect(readNumber('10000円', { yen: true })).toBe(10000);
    expect(readNumber('10,000 円', { yen: true })).toBe(10000);
    expect(readNumber('１０，０００円', { yen: true })).toBe(10000);
    expect(readNumber('10000円')).toBe('10000円');
    expect(readNumber('円', { yen: true })).toBe('円');
    expect(readNumber('10円円', { yen: true })).toBe('10円円');
  });
});
