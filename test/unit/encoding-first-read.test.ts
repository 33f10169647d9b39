import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { detectEncoding, encodingToTry, transcodeToUtf8, UTF8_SAMPLE_BYTES } from '../../src/import/encoding.js';
import { ImportError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

// A file larger than the sample whose start is UTF-8 is read by DuckDB as UTF-8 without reading
// it whole beforehand; when DuckDB refuses a byte of it, the whole file decides, as for any other
// file: a mixed file is refused naming its lines, a CP932 file (ASCII at its start) is read as CP932.

/** Customers C0.. with ASCII names, enough lines to pass the sample. */
const ASCII_LINES = Math.ceil(UTF8_SAMPLE_BYTES / 10);
const asciiLines = (from: number) => Array.from({ length: ASCII_LINES }, (_, i) => `C${from + i},Name ${i}`);

// One database for both parts: the second part's first import replaces the customers the first left.
let dir: string;
let db: DuckDBEngine;
beforeAll(async () => {
  dir = tempDir();
  db = await DuckDBEngine.open(join(dir, 'shop.duckdb'));
});
afterAll(() => db.close());

describe('a large file read as UTF-8 from its start', () => {
  const stored = async () => Number((await db.all<{ n: bigint }>('SELECT count(*) AS n FROM customers'))[0]!.n);

  it('loads a UTF-8 file, its Japanese intact', async () => {
    const path = join(dir, 'utf8.csv');
    writeFileSync(path, `customer_id,name\nJ1,山田\n${asciiLines(0).join('\n')}\nJ2,髙橋\n`);
    expect(encodingToTry(path)).toEqual({ encoding: 'utf-8', whole: false });
    const result = await importFiles(db, { table: customers, files: [path] });
    expect(result.encodings).toEqual(['utf-8']);
    const names = await db.all<{ name: string }>(`SELECT name FROM customers WHERE customer_id IN ('J1', 'J2') ORDER BY customer_id`);
    expect(names.map((r) => r.name)).toEqual(['山田', '髙橋']);
    expect(await stored()).toBe(ASCII_LINES + 2);
  });

  it('refuses a file whose start is UTF-8 and whose end is CP932, naming both lines, and changes nothing', async () => {
    const path = join(dir, 'mixed.csv');
    const head = Buffer.from(`customer_id,name\nM1,山田\n${asciiLines(100_000).join('\n')}\n`, 'utf8');
    writeFileSync(path, Buffer.concat([head, iconv.encode('M2,鈴木\n', 'cp932')]));
    expect(encodingToTry(path).whole).toBe(false);
    const before = await stored();
    const failure = await importFiles(db, { table: customers, files: [path], mode: 'replace' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportError);
    expect((failure as ImportError).code).toBe('encoding-mixed');
    expect((failure as ImportError).message).toContain(`line 2 is UTF-8 but line ${ASCII_LINES + 3} is not`);
    expect(await stored()).toBe(before);
    const [recorded] = await db.all<{ outcome: string; n: bigint }>(`SELECT outcome, count(*) OVER () AS n FROM imports WHERE files[1] = $path`, { path });
    expect(recorded?.outcome).not.toBe('ok');
    expect(Number(recorded?.n)).toBe(1);
  });

  it('reads a CP932 file whose start is ASCII as CP932', async () => {
    const path = join(dir, 'cp932.csv');
    writeFileSync(path, iconv.encode(`customer_id,name\n${asciiLines(200_000).join('\n')}\nK1,佐藤\n`, 'cp932'));
    expect(encodingToTry(path).whole).toBe(false);
    const result = await importFiles(db, { table: customers, files: [path], mode: 'replace' });
    expect(result.encodings).toEqual(['cp932']);
    const [name] = await db.all<{ name: string }>(`SELECT name FROM customers WHERE customer_id = 'K1'`);
    expect(name?.name).toBe('佐藤');
    expect(await stored()).toBe(ASCII_LINES + 1);
  });

  it('decides a file that is not UTF-8 at its start, or smaller than the sample, from the whole file at once', () => {
    const cp932 = join(dir, 'small.csv');
    writeFileSync(cp932, iconv.encode('customer_id,name\nS1,佐藤\n', 'cp932'));
    expect(encodingToTry(cp932)).toEqual({ encoding: 'cp932', whole: true });
    const early = join(dir, 'early.csv');
    writeFileSync(early, iconv.encode(`customer_id,name\nE1,佐藤\n${asciiLines(300_000).join('\n')}\n`, 'cp932'));
    expect(encodingToTry(early)).toEqual({ encoding: 'cp932', whole: true, decidedWhileDecoding: true });
  });
});

describe('a CP932 file of half-width katakana alone, which is UTF-8 too', () => {
  it('is read as UTF-8 with a warning naming --encoding cp932; one with a kanji or a byte-order mark is not warned of', async () => {
    const kana = join(dir, 'kana.csv');
    writeFileSync(kana, iconv.encode('customer_id,name_kana\nK1,ﾏｲ ﾄｳ\n', 'cp932'));
    const lookAlike = (path: string) => encodingToTry(path).kanaLookAlike === true;
    expect(lookAlike(kana)).toBe(true);
    const said: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (_: unknown, message: string) => said.push(message), error: () => {} };
    await importFiles(db, { table: customers, files: [kana], logger: logger as never });
    expect(said).toEqual([`${kana}: read as UTF-8, but its only characters beyond ASCII are also the bytes of CP932's half-width katakana (ﾏｲ reads as ϲ): if it comes from a Shift_JIS system, import it again with --encoding cp932`]);
    const kanji = join(dir, 'kanji.csv');
    writeFileSync(kanji, 'customer_id,name\nK2,佐藤\n');
    const marked = join(dir, 'marked.csv');
    writeFileSync(marked, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode('customer_id,name_kana\nK3,ﾏｲ\n', 'cp932')]));
    expect([lookAlike(kanji), lookAlike(marked), lookAlike(join(dir, 'small.csv'))]).toEqual([false, false, false]);
  });
});

// A large file whose start is not UTF-8 is decided by the workers that decode it, chunk by chunk
// (4 MB), with the line rule detectEncoding runs on the whole file: the same answer, the same
// refusal, lines named across chunks.
describe('a large file decided as it is decoded', () => {
  /** Japanese lines in CP932, over three chunks. */
  const cp932Lines = (from: number, count: number) => iconv.encode(Array.from({ length: count }, (_, i) => `C${from + i},山田 ${i}\n`).join(''), 'cp932');
  const LINES = 1_000_000;
  const decidedBoth = async (path: string) => {
    const whole = (() => {
      try {
        return detectEncoding(path);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    const whileDecoding = await transcodeToUtf8(path, join(dir, 'copy.csv'), undefined, undefined, { decide: true }).then((r) => r.encoding, (e: Error) => e.message);
    return { whole, whileDecoding };
  };

  it('loads a CP932 file, deciding it once, and refuses one with a UTF-8 line three chunks in, naming both lines', async () => {
    const path = join(dir, 'cp932.csv');
    writeFileSync(path, Buffer.concat([Buffer.from('customer_id,name\n'), cp932Lines(0, LINES)]));
    expect(encodingToTry(path)).toEqual({ encoding: 'cp932', whole: true, decidedWhileDecoding: true });
    expect(await decidedBoth(path)).toEqual({ whole: 'cp932', whileDecoding: 'cp932' });
    const result = await importFiles(db, { table: customers, files: [path], mode: 'replace' });
    expect(result.encodings).toEqual(['cp932']);
    const [last] = await db.all<{ name: string }>(`SELECT name FROM customers WHERE customer_id = $id`, { id: `C${LINES - 1}` });
    expect(last?.name).toBe(`山田 ${LINES - 1}`);

    const mixed = join(dir, 'mixed.csv');
    writeFileSync(mixed, Buffer.concat([Buffer.from('customer_id,name\n'), cp932Lines(0, LINES), Buffer.from('U1,鈴木\n', 'utf8')]));
    const message = `line ${LINES + 2} is UTF-8 but line 2 is not`;
    const both = await decidedBoth(mixed);
    expect(both.whole).toContain(message);
    expect(both.whileDecoding).toBe(both.whole);
    const failure = await importFiles(db, { table: customers, files: [mixed], mode: 'replace' }).catch((e: unknown) => e);
    expect((failure as ImportError).code).toBe('encoding-mixed');
    expect((failure as ImportError).message).toContain(message);
    expect(Number((await db.all<{ n: bigint }>('SELECT count(*) AS n FROM customers'))[0]!.n)).toBe(LINES);
  });

  it('counts half-width katakana lines over every chunk, and refuses a UTF-8 byte-order mark before CP932 lines', async () => {
    // ﾅｵ in CP932 (C5 B5) is valid UTF-8: such lines decide only when they outnumber the others.
    const kana = (count: number) => iconv.encode('K,ﾅｵ\n'.repeat(count), 'cp932');
    const fewer = join(dir, 'kana-fewer.csv');
    writeFileSync(fewer, Buffer.concat([cp932Lines(0, 300_000), kana(600_000), cp932Lines(0, 400_000)]));
    expect(await decidedBoth(fewer)).toEqual({ whole: 'cp932', whileDecoding: 'cp932' });
    const more = join(dir, 'kana-more.csv');
    writeFileSync(more, Buffer.concat([cp932Lines(0, 300_000), kana(800_000)]));
    const both = await decidedBoth(more);
    expect(both.whole).toContain('line 300001 is UTF-8 but line 1 is not');
    expect(both.whileDecoding).toBe(both.whole);
    const bom = join(dir, 'bom.csv');
    writeFileSync(bom, Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from('customer_id,name\n'), cp932Lines(0, LINES)]));
    const refused = await decidedBoth(bom);
    expect(refused.whole).toContain('line 2 is not UTF-8, though the file starts with a UTF-8 byte-order mark');
    expect(refused.whileDecoding).toBe(refused.whole);
  });
});
