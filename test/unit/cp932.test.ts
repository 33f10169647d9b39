import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildCp932Tables, cp932ToUtf8 } from '../../src/import/cp932.js';
import { transcodeToUtf8 } from '../../src/import/encoding.js';
import { tempDir } from '../helpers/cli.js';

const tables = buildCp932Tables();
const decode = (bytes: Uint8Array) => Buffer.from(cp932ToUtf8(bytes, tables)).toString('utf8');
const platform = (bytes: Uint8Array) => new TextDecoder('shift_jis').decode(bytes);
/** ICU's converter swaps these control bytes around; the byte-to-byte decoder keeps ASCII as it is. */
const SWAPPED_CONTROLS = new Set([0x1a, 0x1c, 0x7f]);

describe('cp932ToUtf8', () => {
  it('decodes every two-byte CP932 character as iconv-lite does (NEC and IBM extensions included)', () => {
    let characters = 0;
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      for (let second = 0x40; second <= 0xfc; second++) {
        const bytes = Uint8Array.of(lead, second);
        const expected = iconv.decode(Buffer.from(bytes), 'cp932');
        if (expected.includes('\uFFFD') || platform(bytes).includes('\uFFFD')) continue;
        characters++;
        expect(decode(bytes), `${lead.toString(16)} ${second.toString(16)}`).toBe(expected);
      }
    }
    expect(characters).toBeGreaterThan(17_000);
  });

  it('keeps ASCII bytes as they are, control bytes included', () => {
    const ascii = Uint8Array.from({ length: 128 }, (_, i) => i);
    expect([...cp932ToUtf8(ascii, tables)]).toEqual([...ascii]);
  });

  it('gives what the platform decoder gives for any bytes, bad ones included', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x81, max: 0x9f }), fc.constantFrom(0xa0, 0xfd, 0xff, 0x80, 0x0a, 0x2c));
    fc.assert(
      fc.property(fc.array(byte.filter((b) => !SWAPPED_CONTROLS.has(b)), { maxLength: 60 }), (values) => {
        const bytes = Uint8Array.from(values);
        expect(decode(bytes)).toBe(platform(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('ends a piece cut after a lead byte with U+FFFD', () => {
    expect(decode(Uint8Array.of(0x41, 0x82))).toBe('A\uFFFD');
  });
});

describe('transcodeToUtf8', () => {
  const dir = tempDir();
  it('decodes a file larger than its chunks whole, a line longer than a chunk included', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `${String(i).padStart(8, '0')},山田 ﾀﾛｳ${i},髙橋①㈱,"改行\nあり"`);
    lines.splice(30_000, 0, `長い行,${'漢字かなｶﾅ'.repeat(800_000)}`);
    const text = `${lines.join('\r\n')}\r\n終わり`;
    const source = join(dir, 'big.csv');
    writeFileSync(source, iconv.encode(text, 'cp932'));
    const target = join(dir, 'big.utf8.csv');
    let lastReported = 0;
    await transcodeToUtf8(source, target, (n) => (lastReported = n));
    expect(readFileSync(target, 'utf8')).toBe(text);
    expect(lastReported).toBe(readFileSync(source).length);
  });
});
