import { isUtf8 } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, looksLikeUtf8 } from '../../src/import/encoding.js';
import { lineNumbersOfRecords } from '../../src/import/line-numbers.js';
import { tempDir, writeCsv } from '../helpers/cli.js';

describe('encoding detection', () => {
  const dir = tempDir();
  it('tells UTF-8, UTF-8 with BOM and CP932 apart', () => {
    const text = '会員番号,氏名\n1,山田 花子\n';
    expect(detectEncoding(writeCsv(join(dir, 'a.csv'), text, 'utf-8'))).toBe('utf-8');
    expect(detectEncoding(writeCsv(join(dir, 'b.csv'), text, 'utf-8-bom'))).toBe('utf-8');
    expect(detectEncoding(writeCsv(join(dir, 'c.csv'), text, 'cp932'))).toBe('cp932');
    expect(detectEncoding(writeCsv(join(dir, 'd.csv'), 'ｶﾀｶﾅ,①\n', 'cp932'))).toBe('cp932');
  });
  it('does not mistake a UTF-8 character cut by the sample end for CP932', () => {
    const bytes = Buffer.from('あいう', 'utf8').subarray(0, 7);
    expect(looksLikeUtf8(bytes, true)).toBe(true);
    expect(looksLikeUtf8(bytes, false)).toBe(false);
    expect(looksLikeUtf8(iconv.encode('あいう', 'cp932'), true)).toBe(false);
  });
});

describe('lineNumbersOfRecords', () => {
  const dir = tempDir();
  it('maps records to physical lines across quoted newlines, CRLF and blank lines', async () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\r\n3,"""q"""\r\n4,"p\nq\nr"\n5,last';
    const file = writeCsv(join(dir, 'l.csv'), text);
    const lines = await lineNumbersOfRecords(file, [0, 1, 2, 3, 4]);
    expect([...lines.entries()].sort((a, b) => a[0] - b[0])).toEqual([[0, 2], [1, 5], [2, 6], [3, 7], [4, 10]]);
  });
});

describe('encoding decided from the whole file', () => {
  const dir = tempDir();
  it('refuses a UTF-8 file with a bad byte past the first megabyte, naming its line, and takes a late-CP932 ASCII file as CP932', () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},名前${i}\n`).join('');
    const bad = join(dir, 'late.csv');
    writeFileSync(bad, Buffer.concat([Buffer.from(`id,name\n${rows}`), Buffer.of(0x8e, 0x52), Buffer.from('\n')]));
    expect(() => detectEncoding(bad)).toThrow(`${bad}:60002: mixed encodings: line 2 is UTF-8 but line 60002 is not`);
    const ascii = join(dir, 'ascii-then-cp932.csv');
    writeFileSync(ascii, Buffer.concat([Buffer.from(`id,name\n${Array.from({ length: 120_000 }, (_, i) => `${i},n${i}\n`).join('')}`), iconv.encode('x,山田\n', 'cp932')]));
    expect(detectEncoding(ascii)).toBe('cp932');
  });
  it('refuses a CP932 file with a UTF-8 tail, naming the UTF-8 line', () => {
    const joined = join(dir, 'cp932-then-utf8.csv');
    writeFileSync(joined, Buffer.concat([iconv.encode('id,name\n1,山田\n2,佐藤\n', 'cp932'), Buffer.from('3,鈴木\n')]));
    expect(() => detectEncoding(joined)).toThrow(`${joined}:4: mixed encodings: line 4 is UTF-8 but line 2 is not`);
  });
});

// Pairs of CP932 half-width katakana can be valid UTF-8: ﾅｵ (C5 B5) is UTF-8's ŵ, ﾄｳ (C4 B3) its ĳ,
// and £ (C2 A3) is CP932's ﾂ｣. Lines of such bytes alone decide a file only when they outnumber
// the lines that are not UTF-8.
describe('half-width katakana that are also valid UTF-8', () => {
  const dir = tempDir();
  const cp932 = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, iconv.encode(text, 'cp932'));
    return path;
  };
  it('reads a CP932 file as CP932 when some of its katakana lines happen to be valid UTF-8', () => {
    const path = cp932('kana.csv', 'product_code,product_name\r\nP1,ﾄｳﾌ\r\nP2,ﾅｵ\r\nP3,ｸﾘｰﾑ\r\n');
    expect(isUtf8(iconv.encode('P2,ﾅｵ', 'cp932'))).toBe(true); // "mixed encodings: line 3 is UTF-8" before
    expect(isUtf8(readFileSync(path))).toBe(false);
    expect(detectEncoding(path)).toBe('cp932');
  });
  it('refuses as mixed a UTF-8 file of such characters with a broken byte, and one whose valid katakana lines are the more', () => {
    const prices = join(dir, 'prices.csv');
    writeFileSync(prices, Buffer.concat([Buffer.from('code,name\nV1,Voucher £20.00\nV2,Voucher £30.00\nV3,Caf'), Buffer.of(0xe3, 0x81), Buffer.from('\n')]));
    expect(() => detectEncoding(prices)).toThrow(`${prices}:4: mixed encodings: line 2 is UTF-8 but line 4 is not`);
    const more = cp932('more.csv', 'product_code,product_name\nP1,ﾅｵ\nP2,ﾄｳ\nP3,ﾀﾞｲ\n');
    expect(() => detectEncoding(more)).toThrow(`${more}:4: mixed encodings: line 2 is UTF-8 but line 4 is not`);
  });
  it('reads a file valid throughout as UTF-8, and a UTF-8 line of other characters settles a file', () => {
    const latin = join(dir, 'latin.csv');
    writeFileSync(latin, 'customer_id,name\nL1,José\nL2,£5\n');
    expect(detectEncoding(latin)).toBe('utf-8');
    const japanese = join(dir, 'japanese.csv');
    writeFileSync(japanese, Buffer.concat([iconv.encode('customer_id,name\nL1,ﾄｳﾌ\nL2,ﾃﾞｨ\n', 'cp932'), Buffer.from('L3,山田\n')]));
    expect(() => detectEncoding(japanese)).toThrow(`${japanese}:4: mixed encodings: line 4 is UTF-8 but line 2 is not`);
  });
});
