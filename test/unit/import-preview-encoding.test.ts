import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { previewImport } from '../../src/api/import-preview.js';
import { tempDir } from '../helpers/cli.js';

// A file of mixed encodings is previewed, not refused, so that the page can ask for an encoding:
// its header is shown in the encoding of its own line.
describe('the preview of a file of mixed encodings', () => {
  const dir = tempDir();
  it('says undecided, names the lines, and shows a Shift_JIS header as such', async () => {
    const path = join(dir, 'kana.csv');
    // Three katakana lines valid as UTF-8 (ﾅｵ, ﾄｳ, ﾅｵ) against two that are not (the header, ﾀﾞｲ).
    writeFileSync(path, iconv.encode('会員番号,氏名\n402,ﾅｵ\n403,ﾄｳ\n404,ﾀﾞｲ\n405,ﾅｵ\n', 'cp932'));
    const preview = await previewImport(path, 'customers');
    expect(preview.encoding).toBe('undecided');
    expect(preview.fault).toMatch(/kana\.csv:2: mixed encodings: line 2 is UTF-8 but line 1 is not/);
    expect(preview.columns.map((c) => [c.header, c.column])).toEqual([['会員番号', 'customer_id'], ['氏名', 'name']]);
    expect(preview.unknown).toEqual([]);
  });
  it('shows a UTF-8 header of a mixed file as UTF-8', async () => {
    const path = join(dir, 'utf8-head.csv');
    writeFileSync(path, Buffer.concat([Buffer.from('会員番号,氏名\n1,山田\n'), iconv.encode('2,佐藤\n', 'cp932')]));
    const preview = await previewImport(path, 'customers');
    expect(preview.encoding).toBe('undecided');
    expect(preview.columns.map((c) => c.column)).toEqual(['customer_id', 'name']);
  });
});
