import { readFileSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importShop, query, runCli, snapshot, tempDir } from '../helpers/cli.js';

/**
 * Broken and hostile CSVs: each loads correctly or is refused with FILE:LINE and a reason, the
 * database unchanged, never an internal error or a stack trace.
 */
describe('hostile files', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = importShop(dir);
  });

  const file = (name: string, bytes: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const refused = async (path: string, message: RegExp, table = 'customers') => {
    const before = await snapshot(db);
    const r = runCli(['import', table, path, '--db', db]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await snapshot(db)).toBe(before);
  };
  const customer = async (id: string) => (await query<{ name: string }>(db, `SELECT name FROM customers WHERE customer_id = '${id}'`))[0]?.name;

  it('loads UTF-8 and CP932 files ending with a DOS end-of-file mark (Ctrl-Z), which stay as they were', async () => {
    const text = '会員番号,氏名\r\n901,山田 花子\r\n902,佐藤 ｶﾅ\r\n';
    const utf8 = file('ctrl-z-utf8.csv', Buffer.concat([Buffer.from(text), Buffer.of(0x1a)]));
    const cp932 = file('ctrl-z-cp932.csv', Buffer.concat([iconv.encode(text.replace(/90/g, '91'), 'cp932'), Buffer.of(0x1a)]));
    for (const path of [utf8, cp932]) {
      const r = runCli(['import', 'customers', path, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });
      expect(readFileSync(path).at(-1)).toBe(0x1a);
    }
    expect(await customer('902')).toBe('佐藤 ｶﾅ');
    expect(await customer('912')).toBe('佐藤 ｶﾅ');
    // ASCII for the first megabyte (taken for UTF-8), CP932 after it: read again as CP932.
    const ascii = Array.from({ length: 80_000 }, (_, i) => `${100_000 + i},name ${i}\r\n`).join('');
    const late = file('ctrl-z-late-cp932.csv', Buffer.concat([Buffer.from(`customer_id,name\r\n${ascii}`), iconv.encode('921,髙橋 ﾀﾛｳ\r\n', 'cp932'), Buffer.of(0x1a)]));
    const r = runCli(['import', 'customers', late, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 80_001, rowsLoaded: 80_001 });
    expect(await customer('921')).toBe('髙橋 ﾀﾛｳ');
  });

  it('refuses an unbalanced quote, naming the line where the field opens', async () => {
    await refused(file('unbalanced.csv', 'customer_id,name\n101,ok\n102,"never closed\n103,x\n'), /unbalanced\.csv:3: a quoted field opens here and is never closed/);
  });

  it('names doubled carriage returns (\\r\\r\\n line ends) for what they are, not as a line longer than 32 MB', () => {
    const path = join(dir, 'doubled-cr.csv');
    writeFileSync(path, Buffer.from('customer_id,name\r\r\nC1,a\r\r\nC2,b\r\r\n'));
    const r = runCli(['import', 'customers', path, '--db', join(dir, 'doubled-cr.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:1: the line ends with "\\r\\r\\n"`);
    expect(r.stderr).not.toMatch(/32 MB/);
  });

  it('loads quoted line breaks, a 10 MB field and NUL bytes as data', async () => {
    const r = runCli(['import', 'customers', file('odd.csv', `customer_id,name,address\n201,"two\nlines",a\n202,${'x'.repeat(10_000_000)},b\n203,"nul\u0000inside",c\n`), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 3, rowsLoaded: 3 });
    expect(await customer('201')).toBe('two\nlines');
    expect((await customer('202'))?.length).toBe(10_000_000);
    expect(await customer('203')).toBe('nul\u0000inside');
  });

  it('drops a byte-order mark in the middle of the file (files joined end to end) from the id it would hide in', async () => {
    const r = runCli(['import', 'customers', file('bom-mid.csv', '\uFEFFcustomer_id,name\n301,a\n\uFEFF302,b\n'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(await customer('302')).toBe('b');
  });

  it('reads a quoted first cell after a byte-order mark (Excel "CSV UTF-8" files joined end to end) without its quotes', async () => {
    const excel = (rows: string) => `\uFEFF"customer_id","name"\r\n${rows}`;
    const path = file('excel-joined.csv', `${excel('"321","a"\r\n')}${excel('"322","b,c"\r\n')}\uFEFF"323","say ""hi"""\r\n`);
    // into an empty table (the direct load), then again into a table holding rows (the stage)
    for (const target of [join(dir, 'excel-joined.duckdb'), db]) {
      const r = runCli(['import', 'customers', path, '--db', target, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsSkipped: 1 });
      const names = await query<{ customer_id: string; name: string }>(target, `SELECT customer_id, name FROM customers WHERE customer_id IN ('321', '322', '323') OR customer_id LIKE '%customer_id%' ORDER BY 1`);
      expect(names.map((n) => [n.customer_id, n.name])).toEqual([['321', 'a'], ['322', 'b,c'], ['323', 'say "hi"']]);
    }
  });

  it('refuses a file whose lines end in CR alone (old Mac programs) by saying so, and loads a trailing unnamed column ignored by a mapping', async () => {
    const cr = runCli(['import', 'customers', file('cr-only.csv', 'customer_id,name\r331,a\r332,b\r'), '--db', db]);
    expect(cr.code).toBe(2);
    expect(cr.stderr).toContain('cr-only.csv:1: the lines end in CR alone (as old Mac programs save CSV), which is not read as a line end');
    const mapping = file('unnamed.json', '{"columns": {"": null}}');
    const trailing = runCli(['import', 'customers', file('trailing.csv', 'customer_id,name,\r\n333,c,\r\n334,d,\r\n'), '--db', db, '--mapping', mapping, '--json']);
    expect(trailing.code, trailing.stderr).toBe(0);
    expect(JSON.parse(trailing.stdout)).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });
    expect(await customer('334')).toBe('d');
  });

  it('skips lines of nothing but separators (the rows Excel saves below a table) instead of refusing them', async () => {
    const r = runCli(['import', 'customers', file('excel-rows.csv', 'customer_id,name,prefecture\r\n341,e,東京都\r\n,,\r\n , ,　\r\n,,\r\n'), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 4, rowsLoaded: 1, rowsSkipped: 3 });
    expect(await customer('341')).toBe('e');
  });

  it('skips the header of a second file joined end to end instead of storing it as a customer or refusing its words as dates', async () => {
    const r = runCli(['import', 'customers', file('joined.csv', 'customer_id,name\n311,a\n\uFEFFcustomer_id,name\n312,b\ncustomer_id,name\n'), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsSkipped: 2 });
    expect(await customer('customer_id')).toBeUndefined();
    expect(await customer('312')).toBe('b');
    // into an empty table (loaded straight from the reader, then found and staged), one header again
    const fresh = join(dir, 'joined-fresh.duckdb');
    const first = runCli(['import', 'customers', file('joined-once.csv', 'customer_id,name\n311,a\ncustomer_id,name\n312,b\n'), '--db', fresh, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsSkipped: 1 });
    expect((await query<{ n: bigint }>(fresh, `SELECT count(*) AS n FROM customers WHERE customer_id = 'customer_id'`))[0]?.n).toBe(0n);
    const lines = 'order_id,line_no,customer_id,ordered_at,product_code,amount\n';
    const purchases = runCli(['import', 'purchases', file('joined-lines.csv', `${lines}J1,1,311,2025-01-01,P1,100\n${lines}J2,1,312,2025-01-02,P1,200\n`), '--db', db, '--json']);
    expect(purchases.code, purchases.stderr).toBe(0);
    expect(JSON.parse(purchases.stdout)).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsSkipped: 1 });
  });

  it('says what a path named as a file is when it is none', async () => {
    await refused(join(dir, 'absent.csv'), /absent\.csv: no such file\n/);
    await refused(dir, /: a folder, not a file: name the CSV files in it\n/);
    await refused('/dev/null', /^kumiwake: \/dev\/null: not a regular file \(a device or a pipe\)/);
    await refused(join(dir, `${'a'.repeat(300)}.csv`), /: cannot open the file: the name is too long \(ENAMETOOLONG\)\n/);
  });

  it('refuses mixed encodings, naming the lines', async () => {
    const bytes = Buffer.concat([Buffer.from('customer_id,name\n401,山田\n402,'), Buffer.from([0x8e, 0x52, 0x93, 0x63]), Buffer.from('\n')]);
    await refused(file('mixed.csv', bytes), /mixed\.csv:3: mixed encodings: line 2 is UTF-8 but line 3 is not/);
  });

  it('reads a CP932 file as CP932 when a line of its half-width katakana happens to be valid UTF-8', async () => {
    // ﾅｵ (C5 B5) is also UTF-8's ŵ: a line of it alone made a CP932 file "mixed" before.
    expect(runCli(['import', 'customers', file('kana-pairs.csv', iconv.encode('customer_id,name\n411,ﾀﾅｶ ｲﾁﾛｳ\n412,ﾅｵ\n', 'cp932')), '--db', db]).code).toBe(0);
    expect(await customer('412')).toBe('ﾅｵ');
  });

  it('decides the encoding from the whole file: a UTF-8 file with one bad byte past the first megabyte is refused at that line, not re-read as CP932', async () => {
    const names = Array.from({ length: 40_000 }, (_, i) => `${600_000 + i},山田 花子 ${i}\n`).join('');
    const bytes = Buffer.concat([Buffer.from(`customer_id,name\n${names}`), Buffer.from('640000,髙橋 '), Buffer.of(0xff), Buffer.from('\n640001,最後\n')]);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    await refused(file('late-bad-byte.csv', bytes), /late-bad-byte\.csv:40002: mixed encodings: line 2 is UTF-8 but line 40002 is not/);
    // With a byte-order mark the file says it is UTF-8: the bad line is named.
    await refused(file('bom-bad-byte.csv', Buffer.concat([Buffer.from('\uFEFFcustomer_id,name\n650000,ok\n650001,'), Buffer.of(0x8e, 0x52), Buffer.from('\n')])),
      /bom-bad-byte\.csv:3: line 3 is not UTF-8, though the file starts with a UTF-8 byte-order mark/);
  });

  it('refuses bytes that are not CP932 with file:line and column instead of storing U+FFFD; --max-rejects sets the row aside', async () => {
    const bytes = Buffer.concat([iconv.encode('会員番号,氏名,住所\r\n660000,山田,東京\r\n660001,', 'cp932'), Buffer.of(0x85, 0x40), iconv.encode(',大阪\r\n660002,佐藤,京都\r\n', 'cp932')]);
    const path = file('bad-cp932.csv', bytes);
    await refused(path, /bad-cp932\.csv:3: column 氏名: holds bytes that are not CP932/);
    const r = runCli(['import', 'customers', path, '--db', db, '--max-rejects', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1, rowsStored: 2 });
    expect(readFileSync(JSON.parse(r.stdout).rejectsFile, 'utf8')).toContain(`${path},3,氏名,`);
    expect(await customer('660002')).toBe('佐藤');
    expect(await customer('660001')).toBeUndefined();
  });

  it('refuses 10,000 columns, an empty file and random bytes; loads a header alone as no rows', async () => {
    const header = ['customer_id', ...Array.from({ length: 9_999 }, (_, i) => `attr:c${i}`)].join(',');
    await refused(file('wide.csv', `${header}\n1${',v'.repeat(9_999)}\n`), /wide\.csv:1: the header has 10,000 columns; at most 300/);
    await refused(file('empty.csv', ''), /empty\.csv: the file is empty/);
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 20_000 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
    await refused(file('random.csv', random), /random\.csv(:\d+)?: /);
    const before = await snapshot(db);
    const r = runCli(['import', 'customers', file('header-only.csv', 'customer_id,name\n'), '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 0, rowsLoaded: 0 });
    expect(await snapshot(db)).toBe(before);
  });

  it('says in a sentence that an import ran out of memory, names the setting to raise, and changes nothing', async () => {
    const smallDb = join(dir, 'small-memory.duckdb');
    expect(runCli(['import', 'customers', file('one.csv', 'customer_id,name\n001,花子\n'), '--db', smallDb]).code).toBe(0);
    const names = Array.from({ length: 299 }, (_, i) => `attr:m${i}`);
    const rows = Array.from({ length: 30_000 }, (_, r) => `M${r},${names.map((_, i) => `v${(r + i) % 7}`).join(',')}`);
    const r = runCli(['import', 'customers', file('wide-small-memory.csv', `customer_id,${names.join(',')}\n${rows.join('\n')}\n`), '--db', smallDb], { KUMIWAKE_MEMORY_LIMIT: '60MB' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/out of memory: the work needed more than DuckDB's memory limit of 60MB .*Nothing was changed\. Raise the limit with KUMIWAKE_MEMORY_LIMIT/);
    expect(r.stderr).not.toMatch(/internal error/);
    const [stored] = await query<{ n: bigint }>(smallDb, 'SELECT count(*) AS n FROM customers');
    expect(Number(stored!.n)).toBe(1);
  });

  it('upserts 300 columns of 30,000 rows at the default memory limit, keeping what the file lacks; refuses 301 columns at line 1', async () => {
    // Two threads, or a MERGE, ran out of DuckDB's 400 MB on this file (a block per column per
    // appending thread; MERGE also hashes the file's rows). A database of its own: the others'
    // snapshots would not hold 9,000,000 cells.
    const wideDb = join(dir, 'wide.duckdb');
    expect(runCli(['import', 'customers', file('rank.csv', 'customer_id,name,attr:rank\n001,花子,gold\n'), '--db', wideDb]).code).toBe(0);
    const names = Array.from({ length: 299 }, (_, i) => `attr:w${i}`);
    const values = ['gold', 'silver', '会員', 'bronze', 'x1'];
    const ids = ['001', ...Array.from({ length: 29_999 }, (_, r) => `W${r}`)];
    const rows = ids.map((id, r) => `${id},${names.map((_, i) => values[(r + i) % 5]).join(',')}`);
    const wide = file('wide-300.csv', `customer_id,${names.join(',')}\n${rows.join('\n')}\n`);
    const r = runCli(['import', 'customers', wide, '--db', wideDb, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 30_000, rowsLoaded: 30_000, rowsStored: 30_000 });
    const [stored] = await query<{ n: bigint; last: string }>(wideDb, `SELECT count(*) AS n, max("attr:w298") FILTER (WHERE customer_id = 'W29998') AS last FROM customers`);
    expect(Number(stored!.n)).toBe(30_000);
    expect(stored!.last).toBe(values[(29_999 + 298) % 5]);
    // The updated customer keeps the columns the file lacks (a catalog column and an attr: column).
    const [updated] = await query(wideDb, `SELECT name, "attr:rank" AS rank, "attr:w1" AS w1 FROM customers WHERE customer_id = '001'`);
    expect(updated).toEqual({ name: '花子', rank: 'gold', w1: values[1] });
    // Into an empty table (the direct path, one thread).
    const fresh = runCli(['import', 'customers', wide, '--db', join(dir, 'wide-fresh.duckdb'), '--json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ rowsLoaded: 30_000, rowsStored: 30_000 });
    await refused(file('wide-301.csv', `customer_id,${names.join(',')},attr:one_more\n1${',v'.repeat(300)}\n`), /wide-301\.csv:1: the header has 301 columns; at most 300/);
  });

  it('refuses a row with too many fields and a bad value deep in a purchases file, whole', async () => {
    await refused(file('extra.csv', 'customer_id,name\n501,a\n502,b,c\n'), /extra\.csv:3: expected 2 fields but found 3/);
    const lines = ['order_id,customer_id,ordered_at,product_code'];
    for (let i = 0; i < 5_000; i++) lines.push(`Z${i},001,2025-01-01 10:00,P1`);
    lines.push('Zbad,001,2025-13-45 10:00,P1');
    await refused(file('deep.csv', `${lines.join('\n')}\n`), /deep\.csv:5002: column ordered_at: cannot read "2025-13-45 10:00" as a timestamp/, 'purchases');
  });
});
