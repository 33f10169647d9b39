import { describe, expect, it } from 'vitest';
import { fitFileName } from '../../src/file-names.js';

describe('fitFileName: a file name cut to 255 bytes of UTF-8, not characters', () => {
  it('keeps a name that fits, and cuts a longer one at a whole character, its extension kept', () => {
    expect(fitFileName('会員.csv')).toBe('会員.csv');
    expect(fitFileName(`${'a'.repeat(251)}.csv`)).toBe(`${'a'.repeat(251)}.csv`);
    expect(fitFileName(`${'顧'.repeat(90)}.csv`)).toBe(`${'顧'.repeat(83)}.csv`); // 249 + 4 bytes
    expect(fitFileName(`${'顧'.repeat(90)}.xlsx`)).toBe(`${'顧'.repeat(83)}.xlsx`); // 249 + 5
    // no extension: the name alone is cut; a "tail" that is a long sentence is not an extension
    expect(fitFileName('あ'.repeat(100))).toBe('あ'.repeat(85));
    expect(Buffer.byteLength(fitFileName(`x.${'あ'.repeat(100)}`))).toBeLessThanOrEqual(255);
  });

  it('never splits a character of several code points (a kana and its combining mark, an emoji)', () => {
    const nfd = 'か\u3099'; // が written as か + the combining voiced mark (macOS file names): 6 bytes
    const cut = fitFileName(`${nfd.repeat(50)}.csv`);
    expect(cut).toBe(`${nfd.repeat(41)}.csv`); // 246 + 4 bytes; a 42nd would be 256
    const emoji = '👨‍👩‍👧'; // 18 bytes, one character
    expect(fitFileName(`${emoji.repeat(20)}.csv`)).toBe(`${emoji.repeat(13)}.csv`);
  });
});
