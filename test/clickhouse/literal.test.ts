import { describe, expect, it } from 'vitest';
import { chBytes, chDate, chDateTime, chDecimal, chIdent, chInteger, chLiteral, chNumber, chString, LiteralError } from '../../src/dialect/clickhouse/literal.js';

describe('ClickHouse literals (the one escaping function)', () => {
  it('writes quotes and backslashes escaped, and every control character as \\xHH', () => {
    expect(chString("O'Brien")).toBe("'O\\'Brien'");
    expect(chString('C:\\path\\')).toBe("'C:\\\\path\\\\'");
    expect(chString("\\'")).toBe("'\\\\\\''");
    expect(chString('a\u0000b')).toBe("'a\\x00b'");
    expect(chString('line\nnext\r\ttab\u007f')).toBe("'line\\x0Anext\\x0D\\x09tab\\x7F'");
    expect(chString("'; DROP TABLE customers; --")).toBe("'\\'; DROP TABLE customers; --'");
    // the literal never holds a raw quote that closes it early, nor a raw control character
    for (const hostile of ["'", "\\'", "\\\\'", "'\u0000'", '\u0000\\', "x' OR 1=1 --"]) {
      const body = chString(hostile).slice(1, -1);
      expect(body.replace(/\\./g, '')).not.toMatch(/['\\\u0000-\u001f]/);
    }
  });

  it('keeps any Unicode text as it is, and refuses a lone surrogate instead of replacing it', () => {
    expect(chString('山田 太郎 ｶﾅ 🍣 é')).toBe("'山田 太郎 ｶﾅ 🍣 é'");
    expect(() => chString('bad \ud800 text')).toThrow(LiteralError);
    expect(() => chString('bad \udc00')).toThrow(/surrogate/);
  });

  it('writes bytes that are not UTF-8 one by one', () => {
    expect(chBytes(Uint8Array.from([0x41, 0xff, 0xfe, 0x27, 0x5c, 0x00]))).toBe("'A\\xFF\\xFE\\'\\\\\\x00'");
  });

  it('writes only exact integers: unsafe numbers and values beyond 64 bits are refused', () => {
    expect(chInteger(42)).toBe('42');
    expect(chInteger(-5)).toBe('(-5)');
    expect(chInteger(18446744073709551615n)).toBe('18446744073709551615');
    expect(chInteger(-9223372036854775808n)).toBe('(-9223372036854775808)');
    expect(() => chInteger(18446744073709551616n)).toThrow(LiteralError);
    expect(() => chInteger(2 ** 60)).toThrow(/exactly/);
    expect(chNumber(1.5)).toBe('1.5');
    expect(chNumber(-0.25)).toBe('(-0.25)');
    expect(() => chNumber(Number.NaN)).toThrow(LiteralError);
    expect(() => chNumber(Number.POSITIVE_INFINITY)).toThrow(LiteralError);
    expect(() => chNumber(1e300)).toThrow(LiteralError);
  });

  it('writes decimals from their text, never through a float, and refuses more places than the scale', () => {
    expect(chDecimal('12345678901234.5678')).toBe("toDecimal64('12345678901234.5678', 4)");
    expect(chDecimal('-0.1')).toBe("toDecimal64('-0.1', 4)");
    expect(() => chDecimal('1.23456')).toThrow(/decimal places/);
    expect(() => chDecimal('123456789012345')).toThrow(/digits/);
    expect(() => chDecimal("1'; DROP")).toThrow(LiteralError);
  });

  it('writes dates as YYYYMMDD (before 1970 too) and timestamps within DateTime range', () => {
    expect(chDate('1968-03-30')).toBe('19680330');
    expect(chDate(new Date('2026-10-31T00:00:00Z'))).toBe('20261031');
    expect(() => chDate('2026-02-30')).toThrow(LiteralError);
    expect(() => chDate("2026-01-01' OR 1")).toThrow(LiteralError);
    expect(chDateTime('2026-01-02 03:04:05')).toBe("toDateTime('2026-01-02 03:04:05', 'UTC')");
    expect(chDateTime('2026-01-02T03:04')).toBe("toDateTime('2026-01-02 03:04:00', 'UTC')");
    expect(chDateTime('2026-01-02 03:04:05.000')).toBe("toDateTime('2026-01-02 03:04:05', 'UTC')");
    expect(() => chDateTime('2026-01-02 03:04:05.5')).toThrow(/fraction/);
    expect(() => chDateTime('1969-12-31 23:59:59')).toThrow(/range/);
    expect(() => chDateTime('2026-13-01')).toThrow(LiteralError);
  });

  it('quotes names with backquotes, escaping backquotes and backslashes', () => {
    expect(chIdent('attr:会員ランク')).toBe('`attr:会員ランク`');
    expect(chIdent('a`b\\c')).toBe('`a\\`b\\\\c`');
    expect(() => chIdent('')).toThrow(LiteralError);
    expect(() => chIdent('a\nb')).toThrow(LiteralError);
  });

  it('writes any value by its type', () => {
    expect(chLiteral(null)).toBe('NULL');
    expect(chLiteral(true)).toBe('1');
    expect(chLiteral(['a', "b'"])).toBe("['a', 'b\\'']");
    expect(chLiteral(7n)).toBe('7');
    expect(() => chLiteral({})).toThrow(LiteralError);
  });
});
