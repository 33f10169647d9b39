import { writeFileSync } from 'node:fs';
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
