import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, runCli, snapshot, tempDir, writeCsv } from '../helpers/cli.js';

const CUSTOMERS_JA = [
  '会員番号,氏名,フリガナ,性別,生年月日,PCメールアドレス,送信許可,送信状態,DM配信,LINE連携,退会,登録日時,タグ,attr:会員ランク,備考1',
  '000123,山田 花子,ヤマダ ハナコ,女性,1980/02/29,hanako@example.jp,PC,正常,許可,○,×,2024/01/05 9:30,vip;newsletter,ゴールド,メモ',
  '000124,佐藤 太郎,サトウ タロウ,男性,1975-12-01,,携帯,アドレスエラー,拒否,いいえ,はい,2023-06-01 10:00:00,sample、vip,,',
  '000125,鈴木 一郎,スズキ イチロウ,不明,,,送信拒否,,テスト,0,1,2022/12/31,,シルバー,"複数行の\r\nメモ"',
].join('\r\n');

function purchasesCsv(lines: number, badAt?: number): string {
  const rows = ['order_id,customer_id,ordered_at,product_code,quantity,unit_price,status'];
  for (let i = 0; i < lines; i++) {
    const when = i === badAt ? '2024-13-45 10:00' : `2024-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:00`;
    rows.push(`O${Math.floor(i / 3)},${String(i % 50).padStart(5, '0')},${when},P${i % 7},${1 + (i % 3)},${100 * (1 + (i % 5))},${i % 17 === 0 ? 'キャンセル' : '完了'}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('kumiwake import', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'k.duckdb');
  });

  for (const encoding of ['utf-8', 'utf-8-bom', 'cp932'] as const) {
    it(`loads Japanese headers and value spellings from ${encoding}`, async () => {
      const file = writeCsv(join(dir, `customers-${encoding}.csv`), CUSTOMERS_JA, encoding);
      const dbFile = join(dir, `enc-${encoding}.duckdb`);
      const r = runCli(['import', 'customers', file, '--db', dbFile, '--json']);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ table: 'customers', rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, rejectsFile: null });
      const rows = await query<Record<string, unknown>>(dbFile, 'SELECT * FROM customers ORDER BY customer_id');
      expect(rows.map((c) => c.customer_id)).toEqual(['000123', '000124', '000125']);
      expect(rows[0]).toMatchObject({
        name: '山田 花子', name_kana: 'ヤマダ ハナコ', gender: 'female', mail_permission: 'pc', mail_status: 'normal',
        dm_permission: 'allowed', line_linked: true, withdrawn: false, tags: ['vip', 'newsletter'], remark_1: 'メモ',
      });
      expect(String(rows[0]!.birthday)).toContain('1980');
      expect((rows[0]!.registered_at as Date).toISOString()).toBe('2024-01-05T09:30:00.000Z');
      expect(rows[1]).toMatchObject({ gender: 'male', mail_permission: 'mobile', mail_status: 'address_error', dm_permission: 'refused', line_linked: false, withdrawn: true, tags: ['sample', 'vip'], email_pc: null });
      expect(rows[2]).toMatchObject({ gender: 'unknown', mail_permission: 'refused', mail_status: 'normal', dm_permission: 'test', birthday: null, remark_1: '複数行の\r\nメモ' });
      const attrs = await query(dbFile, `SELECT customer_id, "attr:会員ランク" AS rank FROM customers ORDER BY customer_id`);
      expect(attrs).toEqual([
        { customer_id: '000123', rank: 'ゴールド' },
        { customer_id: '000124', rank: null },
        { customer_id: '000125', rank: 'シルバー' },
      ]);
    });
  }

  it('refuses a file with one bad timestamp deep inside, naming its line, and changes nothing', async () => {
    const good = writeCsv(join(dir, 'p-good.csv'), purchasesCsv(300));
    expect(runCli(['import', 'purchases', good, '--db', db]).code).toBe(0);
    const before = await snapshot(db);
    const bad = writeCsv(join(dir, 'p-bad.csv'), purchasesCsv(20000, 15000));
    const r = runCli(['import', 'purchases', bad, '--db', db, '--mode', 'replace']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:15002: column ordered_at: cannot read "2024-13-45 10:00" as a timestamp`);
    expect(await snapshot(db)).toBe(before);
    const [record] = await query<{ outcome: string; error: string }>(db, 'SELECT outcome, error FROM imports ORDER BY import_id DESC LIMIT 1');
    expect(record).toMatchObject({ outcome: 'rejected' });
    expect(record!.error).toContain(':15002:');
  });

  it('names the line of a bad value in a CP932 file', () => {
    const file = writeCsv(join(dir, 'bad-cp932.csv'), '会員番号,氏名,生年月日\n1,山田,2000-01-01\n2,佐藤,2000-13-01\n', 'cp932');
    const r = runCli(['import', 'customers', file, '--db', join(dir, 'bad-cp932.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: column birthday: cannot read "2000-13-01" as a date`);
  });

  it('refuses an empty line_no cell as a bad row, naming its line (a key column the file gives)', () => {
    const file = writeCsv(join(dir, 'empty-line-no.csv'), 'order_id,line_no,customer_id,ordered_at,product_code\nO1,1,1,2024-01-01,P1\nO1,,1,2024-01-01,P2\n');
    const r = runCli(['import', 'purchases', file, '--db', join(dir, 'empty-line-no.duckdb')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}:3: column line_no: required value is missing`);
  });

  it('counts physical lines when quoted fields hold newlines', () => {
    const text = 'order_id,customer_id,ordered_at,product_code,remark\nO1,1,2024-01-01,P1,"two\nlines"\nO2,1,2024-01-01,P1,ok\nO3,1,yesterday,P1,x\n';
    const file = writeCsv(join(dir, 'p-multiline.csv'), text);
    const r = runCli(['import', 'purchases', file, '--db', join(dir, 'ml.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5: column ordered_at: cannot read "yesterday" as a timestamp`);
  });

  it('loads every file of a command or none', async () => {
    const dbFile = join(dir, 'multi.duckdb');
    const a = writeCsv(join(dir, 'multi-a.csv'), purchasesCsv(100));
    const b = writeCsv(join(dir, 'multi-b.csv'), purchasesCsv(100, 50).replace(/O(\d+),/g, 'X$1,'));
    const r = runCli(['import', 'purchases', a, b, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b}:52:`);
    expect(await query(dbFile, 'SELECT * FROM purchases')).toEqual([]);
  });

  it('sets aside up to --max-rejects bad rows in a rejects CSV', async () => {
    const dbFile = join(dir, 'rejects.duckdb');
    const text = 'customer_id,gender,birthday,points\n1,F,2000-01-01,10\n2,X,2000-01-01,10\n3,M,2000-02-30,10\n4,M,,1,000\n';
    const file = writeCsv(join(dir, 'c-rejects.csv'), text.replace('1,000', '"1,000"'));
    const refused = runCli(['import', 'customers', file, '--db', dbFile, '--max-rejects', '1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file}:3: column gender: cannot read "X" as one of female/male/unknown (2 bad rows in this file; --max-rejects 1 skips at most 1 in all)`);
    const unskipped = runCli(['import', 'customers', file, '--db', dbFile]);
    expect(unskipped.stderr).toContain('(2 bad rows in this file; --max-rejects N skips up to N bad rows into a rejects file)');
    // A number Excel wrote with an exponent is named as such.
    const exponent = writeCsv(join(dir, 'c-exponent.csv'), 'customer_id,points\n1,1.5E+3\n');
    expect(runCli(['import', 'customers', exponent, '--db', dbFile]).stderr)
      .toContain(`${exponent}:2: column points: cannot read "1.5E+3" as an integer (a whole number: fractions are not rounded): a number with an exponent (E) is not read, write it out in digits`);
    const r = runCli(['import', 'customers', file, '--db', dbFile, '--max-rejects', '2', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsRejected: 2 });
    expect(existsSync(out.rejectsFile)).toBe(true);
    const rejects = readFileSync(out.rejectsFile, 'utf8');
    expect(rejects).toContain(`${file},3,gender,X,"cannot read ""X"" as one of female/male/unknown"\r\n`);
    expect(rejects).toContain(`${file},4,birthday,2000-02-30,"cannot read ""2000-02-30"" as a date"\r\n`);
    // A row with two bad cells is one rejected row, both cells named.
    const twice = writeCsv(join(dir, 'c-twice.csv'), 'customer_id,gender,birthday,points\n7,X,2000-02-30,x\n8,F,2000-01-01,1\n');
    const both = JSON.parse(runCli(['import', 'customers', twice, '--db', join(dir, 'rejects-twice.duckdb'), '--max-rejects', '1', '--json']).stdout);
    expect(both).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
    expect(readFileSync(both.rejectsFile, 'utf8').split('\r\n').slice(1, -1).map((l) => l.split(',').slice(1, 4))).toEqual([
      ['2', 'gender', 'X'], ['2', 'birthday', '2000-02-30'], ['2', 'points', 'x'],
    ]);
    const rows = await query<{ customer_id: string; points: bigint }>(dbFile, 'SELECT customer_id, points FROM customers ORDER BY 1');
    expect(rows).toEqual([{ customer_id: '1', points: 10n }, { customer_id: '4', points: 1000n }]);
  });

  it('refuses unknown, duplicate and missing columns, naming file and column', () => {
    const dbFile = join(dir, 'headers.duckdb');
    const unknown = writeCsv(join(dir, 'h-unknown.csv'), 'customer_id,好きな色\n1,赤\n');
    let r = runCli(['import', 'customers', unknown, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${unknown}:1: column 好きな色: is not a column of customers`);
    const duplicate = writeCsv(join(dir, 'h-dup.csv'), 'customer_id,PCメールアドレス,email_pc\n1,a@x.jp,b@x.jp\n');
    r = runCli(['import', 'customers', duplicate, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('both map to email_pc');
    const missing = writeCsv(join(dir, 'h-missing.csv'), 'order_id,customer_id,product_code\nO1,1,P1\n');
    r = runCli(['import', 'purchases', missing, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing}:1: column ordered_at: required column is missing`);
    const empty = writeCsv(join(dir, 'h-empty.csv'), '');
    r = runCli(['import', 'customers', empty, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty}: the file is empty`);
  });

  it('renames and ignores columns with a mapping file', async () => {
    const dbFile = join(dir, 'mapping.duckdb');
    const file = writeCsv(join(dir, 'm.csv'), 'ID,Mail,Memo\n007,a@x.jp,skip me\n');
    const mapping = writeCsv(join(dir, 'm.json'), JSON.stringify({ columns: { ID: 'customer_id', Mail: 'email_pc', Memo: null } }));
    const r = runCli(['import', 'customers', file, '--db', dbFile, '--mapping', mapping]);
    expect(r.code).toBe(0);
    expect(await query(dbFile, 'SELECT customer_id, email_pc FROM customers')).toEqual([{ customer_id: '007', email_pc: 'a@x.jp' }]);
    const badMapping = writeCsv(join(dir, 'm-bad.json'), JSON.stringify({ columns: { ID: 'no_such_column' } }));
    const bad = runCli(['import', 'customers', file, '--db', dbFile, '--mapping', badMapping]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${badMapping}: columns."ID": "no_such_column" is not a column of customers`);
  });

  it('upserts by key keeping columns the file lacks, replaces, and appends', async () => {
    const dbFile = join(dir, 'modes.duckdb');
    const first = writeCsv(join(dir, 'mode-1.csv'), 'customer_id,name,email_pc\n1,A,a@x.jp\n2,B,b@x.jp\n');
    const second = writeCsv(join(dir, 'mode-2.csv'), 'customer_id,email_pc\n2,new@x.jp\n3,c@x.jp\n3,c2@x.jp\n');
    expect(runCli(['import', 'customers', first, '--db', dbFile]).code).toBe(0);
    expect(runCli(['import', 'customers', second, '--db', dbFile]).code).toBe(0);
    expect(await query(dbFile, 'SELECT customer_id, name, email_pc, mail_status FROM customers ORDER BY 1')).toEqual([
      { customer_id: '1', name: 'A', email_pc: 'a@x.jp', mail_status: 'normal' },
      { customer_id: '2', name: 'B', email_pc: 'new@x.jp', mail_status: 'normal' },
      { customer_id: '3', name: null, email_pc: 'c2@x.jp', mail_status: 'normal' },
    ]);
    expect(runCli(['import', 'customers', first, '--db', dbFile, '--mode', 'replace']).code).toBe(0);
    expect(await query(dbFile, 'SELECT customer_id FROM customers ORDER BY 1')).toEqual([{ customer_id: '1' }, { customer_id: '2' }]);
    expect(runCli(['import', 'customers', first, '--db', dbFile, '--mode', 'append']).code).toBe(0);
    expect(await query(dbFile, 'SELECT count(*)::INT AS n FROM customers')).toEqual([{ n: 4 }]);
  });

  it('numbers order lines, derives amounts and keeps a mail event once', async () => {
    const dbFile = join(dir, 'lines.duckdb');
    const file = writeCsv(join(dir, 'lines.csv'), 'order_id,customer_id,ordered_at,product_code,quantity,unit_price\nA,1,2024-01-01,P1,2,150\nB,1,2024-01-02,P2,,99\nA,1,2024-01-01,P3,1,10\n');
    expect(runCli(['import', 'purchases', file, '--db', dbFile]).code).toBe(0);
    const rows = await query(dbFile, 'SELECT order_id, line_no::INT AS line_no, product_code, quantity::INT AS quantity, amount::DOUBLE AS amount, counted FROM purchases ORDER BY 1, 2');
    expect(rows).toEqual([
      { order_id: 'A', line_no: 1, product_code: 'P1', quantity: 2, amount: 300, counted: true },
      { order_id: 'A', line_no: 2, product_code: 'P3', quantity: 1, amount: 10, counted: true },
      { order_id: 'B', line_no: 1, product_code: 'P2', quantity: 1, amount: 99, counted: true },
    ]);
    const events = writeCsv(join(dir, 'events.csv'), '会員番号,メールID,イベント,日時\n1,M1,開封,2024-01-01 10:00\n1,M1,開封,2024-01-01 10:00\n1,M1,QR読込,2024/01/02 8:00\n');
    const r = runCli(['import', 'mail-events', events, '--db', dbFile, '--json']);
    expect(r.code).toBe(0);
    expect(runCli(['import', 'mail-events', events, '--db', dbFile]).code).toBe(0);
    expect(await query(dbFile, 'SELECT event, count(*)::INT AS n FROM mail_events GROUP BY 1 ORDER BY 1')).toEqual([
      { event: 'open', n: 1 },
      { event: 'qr', n: 1 },
    ]);
  });

  it('reads a CP932 file whose first megabyte is plain ASCII', async () => {
    const dbFile = join(dir, 'late-cp932.duckdb');
    const ascii = Array.from({ length: 40000 }, (_, i) => `M${i},manual,Sale ${i},2024-01-01 10:00`).join('\n');
    const file = writeCsv(join(dir, 'late.csv'), `mail_id,kind,subject,sent_at\n${ascii}\nM-last,手動,セールのお知らせ,2024-01-02 10:00\n`, 'cp932');
    const r = runCli(['import', 'mails', file, '--db', dbFile, '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(await query(dbFile, `SELECT kind, subject FROM mails WHERE mail_id = 'M-last'`)).toEqual([{ kind: 'manual', subject: 'セールのお知らせ' }]);
  });

  it('refuses a memory limit DuckDB cannot read, naming the setting; an empty one means the default', () => {
    const file = writeCsv(join(dir, 'one-mail.csv'), 'mail_id,kind\nM1,manual\n');
    const bad = runCli(['import', 'mails', file, '--db', join(dir, 'limits.duckdb')], { KUMIWAKE_MEMORY_LIMIT: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/KUMIWAKE_MEMORY_LIMIT="lots" is not a memory size/);
    expect(bad.stderr).not.toMatch(/internal error/);
    const empty = runCli(['import', 'mails', file, '--db', join(dir, 'limits.duckdb')], { KUMIWAKE_MEMORY_LIMIT: '' });
    expect(empty.code, empty.stderr).toBe(0);
    // The export's own limit, set only around the writing, the same way.
    const out = join(dir, 'limits.csv');
    const exported = runCli(['export', '-q', 'all()', '--db', join(dir, 'limits.duckdb'), '--out', out], { KUMIWAKE_EXPORT_MEMORY_LIMIT: 'abc' });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/KUMIWAKE_EXPORT_MEMORY_LIMIT="abc" is not a memory size/);
    expect(existsSync(out)).toBe(false);
  });

  it('records every import with its counts', async () => {
    const rows = await query<{ table_name: string; outcome: string; rows_loaded: bigint | null }>(db, 'SELECT table_name, outcome, rows_loaded FROM imports ORDER BY import_id');
    expect(rows.map((r) => [r.table_name, r.outcome, r.rows_loaded])).toEqual([
      ['purchases', 'ok', 300n],
      ['purchases', 'rejected', null],
    ]);
  });

  it('says in a sentence when DuckDB runs out of memory, names the setting, and changes nothing', async () => {
    const dbFile = join(dir, 'oom.duckdb');
    const sample = new URL('../../data/sample/purchases.csv', import.meta.url).pathname;
    expect(runCli(['import', 'purchases', writeCsv(join(dir, 'few.csv'), purchasesCsv(30)), '--db', dbFile]).code).toBe(0);
    const before = await snapshot(dbFile);
    const r = runCli(['import', 'purchases', sample, '--db', dbFile, '--mode', 'replace'], { KUMIWAKE_MEMORY_LIMIT: '8MB' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toMatch(/out of memory: .* memory limit of 8MB .*KUMIWAKE_MEMORY_LIMIT/);
    expect(await snapshot(dbFile)).toBe(before);
  });
});

describe('kumiwake import stores exactly what the file says, and says what it stored', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  const json = (r: { code: number; stdout: string; stderr: string }) => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('reports customers stored, not lines loaded, for customers taken from a file of order lines', async () => {
    const dbFile = join(dir, 'stored.duckdb');
    const lines = writeCsv(join(dir, 'order-lines.csv'), 'Invoice,Customer,Country\n1,C1,Japan\n1,C1,Japan\n2,C2,France\n3,,Japan\n4,C1,Spain\n');
    const mapping = writeCsv(join(dir, 'lines-to-customers.json'), JSON.stringify({ columns: { Invoice: null, Customer: 'customer_id', Country: 'attr:country' }, skipIfEmpty: ['customer_id'] }));
    const out = json(runCli(['import', 'customers', lines, '--mapping', mapping, '--db', dbFile, '--json']));
    expect(out).toMatchObject({ rowsRead: 5, rowsSkipped: 1, rowsLoaded: 4, rowsStored: 2, unknownCustomers: null });
    const text = runCli(['import', 'customers', lines, '--mapping', mapping, '--db', dbFile]);
    expect(text.stdout).toContain('customers: 5 rows read from 1 file (utf-8); 2 customers stored (new or updated)');
    expect(await query(dbFile, `SELECT customer_id, "attr:country" AS country FROM customers ORDER BY 1`)).toEqual([
      { customer_id: 'C1', country: 'Spain' }, { customer_id: 'C2', country: 'France' },
    ]);
  });

  it('says how many customers of a purchases import are absent, and how to load them', () => {
    const dbFile = join(dir, 'unknown.duckdb');
    expect(runCli(['import', 'customers', writeCsv(join(dir, 'known.csv'), 'customer_id\nC1\n'), '--db', dbFile]).code).toBe(0);
    const lines = writeCsv(join(dir, 'unknown-lines.csv'), 'order_id,customer_id,ordered_at,product_code\nA,C1,2024-01-01,P\nB,C2,2024-01-01,P\nC,C3,2024-01-01,P\nD,C3,2024-01-01,P\n');
    expect(json(runCli(['import', 'purchases', lines, '--db', dbFile, '--json']))).toMatchObject({ rowsStored: 4, unknownCustomers: 2 });
    const r = runCli(['import', 'purchases', lines, '--db', dbFile]);
    expect(r.stdout).toMatch(/2 customers of these order lines are not in customers, so their order lines count for no one: load them with `kumiwake import customers FILE`/);
    const events = writeCsv(join(dir, 'unknown-events.csv'), 'customer_id,mail_id,event,occurred_at\nC1,M1,open,2024-01-01 10:00\nC9,M1,open,2024-01-01 10:00\n');
    expect(json(runCli(['import', 'mail-events', events, '--db', dbFile, '--json']))).toMatchObject({ rowsStored: 2, unknownCustomers: 1 });
    expect(json(runCli(['import', 'mail-events', events, '--db', dbFile, '--json']))).toMatchObject({ rowsStored: 0, unknownCustomers: 1 });
  });

  it('refuses a fraction in an integer column with file:line instead of rounding it', async () => {
    const dbFile = join(dir, 'fraction.duckdb');
    const file = writeCsv(join(dir, 'fraction.csv'), 'order_id,customer_id,ordered_at,product_code,quantity\nA,1,2024-01-01,P,2\nB,1,2024-01-01,P,2.5\n');
    const r = runCli(['import', 'purchases', file, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: column quantity: cannot read "2.5" as an integer`);
    const exact = writeCsv(join(dir, 'exact.csv'), 'order_id,customer_id,ordered_at,product_code,quantity,unit_price\nA,1,2024-01-01,P,2.0,1.5\nB,1,2024-01-01,P,"1,200",0.25\n');
    expect(runCli(['import', 'purchases', exact, '--db', dbFile]).code).toBe(0);
    expect(await query(dbFile, 'SELECT order_id, quantity::INT AS q, amount::DOUBLE AS amount FROM purchases ORDER BY 1')).toEqual([
      { order_id: 'A', q: 2, amount: 3 }, { order_id: 'B', q: 1200, amount: 300 },
    ]);
    const places = writeCsv(join(dir, 'places.csv'), 'order_id,customer_id,ordered_at,product_code,unit_price\nA,1,2024-01-01,P,0.00001\n');
    const refused = runCli(['import', 'purchases', places, '--db', dbFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${places}:2: column unit_price: cannot read "0.00001" as a number less than 100,000,000,000,000 in size, of at most 4 decimals`);
  });

  it('converts timestamps with a zone offset to the configured zone (--tz), and reads Japanese dates and full-width digits', async () => {
    const file = writeCsv(join(dir, 'zoned.csv'), [
      'order_id,customer_id,ordered_at,product_code,quantity',
      'A,1,2024-01-05T00:30:00-05:00,P,1', 'B,1,2024-01-05T00:30:00Z,P,1', 'C,1,2024-01-05 09:30:00 +0900,P,1',
      'D,1,2024年1月5日,P,２', 'E,1,２０２４/０１/０５ ９:３０,P,1', 'F,1,2024-01-05 09:30:00,P,1',
    ].join('\n'));
    const tokyo = join(dir, 'tokyo.duckdb');
    expect(runCli(['import', 'purchases', file, '--db', tokyo]).code).toBe(0);
    const times = (db: string) => query<{ order_id: string; t: string; q: number }>(db, 'SELECT order_id, ordered_at::VARCHAR AS t, quantity::INT AS q FROM purchases ORDER BY 1');
    expect(await times(tokyo)).toEqual([
      { order_id: 'A', t: '2024-01-05 14:30:00', q: 1 }, { order_id: 'B', t: '2024-01-05 09:30:00', q: 1 }, { order_id: 'C', t: '2024-01-05 09:30:00', q: 1 },
      { order_id: 'D', t: '2024-01-05 00:00:00', q: 2 }, { order_id: 'E', t: '2024-01-05 09:30:00', q: 1 }, { order_id: 'F', t: '2024-01-05 09:30:00', q: 1 },
    ]);
    const utc = join(dir, 'utc.duckdb');
    expect(runCli(['import', 'purchases', file, '--db', utc, '--tz', 'UTC']).code).toBe(0);
    expect((await times(utc)).map((r) => r.t).slice(0, 3)).toEqual(['2024-01-05 05:30:00', '2024-01-05 00:30:00', '2024-01-05 00:30:00']);
  });

  it('refuses --mode replace with a header-only file unless --allow-empty', async () => {
    const dbFile = join(dir, 'replace-empty.duckdb');
    expect(runCli(['import', 'customers', writeCsv(join(dir, 'two.csv'), 'customer_id\n1\n2\n'), '--db', dbFile]).code).toBe(0);
    const empty = writeCsv(join(dir, 'header-only.csv'), 'customer_id,name\n');
    const r = runCli(['import', 'customers', empty, '--db', dbFile, '--mode', 'replace']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty}: no row to load: --mode replace would leave customers empty. Add --allow-empty to empty it`);
    expect(await query(dbFile, 'SELECT count(*)::INT AS n FROM customers')).toEqual([{ n: 2 }]);
    expect(runCli(['import', 'customers', empty, '--db', dbFile, '--mode', 'replace', '--allow-empty']).code).toBe(0);
    expect(await query(dbFile, 'SELECT count(*)::INT AS n FROM customers')).toEqual([{ n: 0 }]);
  });

  it('keeps ids exactly as written: width and case make different customers', async () => {
    const dbFile = join(dir, 'ids.duckdb');
    const file = writeCsv(join(dir, 'ids.csv'), 'customer_id,name\nＡＢ１,wide\nAB1,upper\nab1,lower\n');
    expect(json(runCli(['import', 'customers', file, '--db', dbFile, '--json']))).toMatchObject({ rowsRead: 3, rowsStored: 3 });
    expect(await query(dbFile, 'SELECT customer_id, name FROM customers ORDER BY name')).toEqual([
      { customer_id: 'ab1', name: 'lower' }, { customer_id: 'AB1', name: 'upper' }, { customer_id: 'ＡＢ１', name: 'wide' },
    ]);
  });

  // Ids are exact on import, and so in definitions: `eq AB1` selects one of the three.
  it('selects one customer for customer_id eq AB1, as the import kept three', () => {
    const dbFile = join(dir, 'ids.duckdb');
    const definition = writeCsv(join(dir, 'id-eq.json'), JSON.stringify({ where: { kind: 'field', field: 'customer_id', op: 'eq', value: 'AB1' } }));
    const r = runCli(['count', definition, '--db', dbFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 1 });
    const wide = writeCsv(join(dir, 'id-in.json'), JSON.stringify({ where: { kind: 'field', field: 'customer_id', op: 'in', values: ['ＡＢ１', 'ab1'] } }));
    expect(JSON.parse(runCli(['count', wide, '--db', dbFile, '--json']).stdout)).toMatchObject({ count: 2 });
  });
});

describe('mapping files and delimiters', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('combines columns, feeds two columns from one, numbers rows within a group and sets constants', async () => {
    const dbFile = join(dir, 'derive.duckdb');
    const file = writeCsv(join(dir, 'shop-export.csv'), 'Shop,No,Member,Date,Item\nweb,1,007,2024-01-05,P1\nweb,1,007,2024-01-05,P2\nstore,1,008,2024-01-06,P1\n');
    const mapping = writeCsv(join(dir, 'derive.json'), `\uFEFF${JSON.stringify({
      columns: { Member: 'customer_id', Date: ['ordered_at', 'shipped_at'], Item: 'product_code', No: null },
      derive: { order_id: { concat: ['Shop', 'No'], sep: '-' }, line_no: { numberWithin: ['order_id'] }, media: { constant: 'csv-import' } },
    })}`);
    const r = runCli(['import', 'purchases', file, '--mapping', mapping, '--db', dbFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await query(dbFile, `SELECT order_id, line_no::INT AS line_no, customer_id, product_code, media, ordered_at = shipped_at AS same
      FROM purchases ORDER BY 1, 2`)).toEqual([
      { order_id: 'store-1', line_no: 1, customer_id: '008', product_code: 'P1', media: 'csv-import', same: true },
      { order_id: 'web-1', line_no: 1, customer_id: '007', product_code: 'P1', media: 'csv-import', same: true },
      { order_id: 'web-1', line_no: 2, customer_id: '007', product_code: 'P2', media: 'csv-import', same: true },
    ]);
  });

  it('says to use the canonical name when a rule names a raw header', () => {
    const file = writeCsv(join(dir, 'raw-rule.csv'), 'InvoiceNo,customer_id,ordered_at,product_code\nC1,1,2024-01-01,P\n');
    const mapping = writeCsv(join(dir, 'raw-rule.json'), JSON.stringify({
      columns: { InvoiceNo: 'order_id' }, rules: [{ when: { column: 'InvoiceNo', startsWith: 'C' }, set: { status: 'cancelled' } }],
    }));
    const r = runCli(['import', 'purchases', file, '--mapping', mapping, '--db', join(dir, 'raw-rule.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${mapping}: rules[0].when: "InvoiceNo" is a header of the file; rules and skipIfEmpty name canonical columns: use "order_id"`);
  });

  it('reads TSV and ; files with --delimiter, and hints at it when the header is one column holding tabs or semicolons', async () => {
    const dbFile = join(dir, 'delimiters.duckdb');
    const tsv = writeCsv(join(dir, 'customers.tsv'), 'customer_id\tname\taddress\n1\t山田\t"東京都, 千代田区"\n');
    const semi = writeCsv(join(dir, 'customers-semi.csv'), 'customer_id;name\n2;佐藤\n');
    let r = runCli(['import', 'customers', tsv, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${tsv}:1: the header is one column holding tabs: is the file separated by tabs? Read it with --delimiter tab`);
    r = runCli(['import', 'customers', semi, '--db', dbFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${semi}:1: the header is one column holding semicolons: is the file separated by semicolons? Read it with --delimiter ';'`);
    expect(runCli(['import', 'customers', tsv, '--db', dbFile, '--delimiter', 'tab']).code).toBe(0);
    expect(runCli(['import', 'customers', semi, '--db', dbFile, '--delimiter', ';']).code).toBe(0);
    expect(await query(dbFile, 'SELECT customer_id, name, address FROM customers ORDER BY 1')).toEqual([
      { customer_id: '1', name: '山田', address: '東京都, 千代田区' }, { customer_id: '2', name: '佐藤', address: null },
    ]);
    const uneven = writeCsv(join(dir, 'uneven.tsv'), 'customer_id\tname\n3\tx\ty\n');
    r = runCli(['import', 'customers', uneven, '--db', dbFile, '--delimiter', 'tab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${uneven}:2: expected 2 fields but found 3`);
  });
});
