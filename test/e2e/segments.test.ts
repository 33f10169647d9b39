import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, importShop, query, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

/**
 * One rule of src/model/segment-definition.md per case, on test/fixtures/shop (5 customers, 004 deleted).
 * Expected members were worked out by hand from the fixture; see the comments.
 */
describe('kumiwake count on a known shop', () => {
  let dir: string;
  let db: string;
  let n = 0;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']]) {
      const r = runCli(['import', table!, join(SHOP, `${file}.csv`), '--db', db]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  const count = (where: unknown, extra: Record<string, unknown> = {}, asOf = AS_OF, dbFile = db) => {
    const file = join(dir, `def-${++n}.json`);
    writeFileSync(file, JSON.stringify({ version: 1, ...extra, ...(where === undefined ? {} : { where }) }));
    const r = runCli(['count', file, '--db', dbFile, '--as-of', asOf, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { count: number; reachable: { email: number; line: number; dm: number }; asOf: string };
  };
  const members = (where: unknown, extra: Record<string, unknown> = {}) => count(where, extra).count;

  it('counts every visible customer, with reachable counts, when there is no where', () => {
    expect(count(undefined)).toMatchObject({ count: 4, reachable: { email: 1, line: 1, dm: 1 }, asOf: AS_OF });
    expect(count(undefined, { includeDeleted: true }).count).toBe(5);
  });

  it('0~0 orders selects customers with only cancelled or uncounted lines and those without any line', () => {
    expect(members({ kind: 'purchases', orderCount: { min: 0, max: 0 } })).toBe(2); // 002, 005
    expect(members({ kind: 'purchases', orderCount: { min: 1 } })).toBe(2); // 001, 003
    expect(members({ not: { kind: 'purchases', orderCount: { min: 1 } } })).toBe(2);
  });

  it('product rows use the product master category when the line has none, and 0~0 includes non-buyers', () => {
    expect(members({ kind: 'purchases', products: [{ categories: ['化粧品'], count: { min: 1 } }] })).toBe(2); // 001 (O1 P1), 003 (O6 P1)
    expect(members({ kind: 'purchases', products: [{ categories: ['化粧品'], count: { min: 0, max: 0 } }] })).toBe(2); // 002, 005
    expect(members({ kind: 'purchases', products: [{ products: ['P2'], count: { min: 2 }, unit: 'quantity' }] })).toBe(1); // 001: quantity 2
    expect(members({ kind: 'purchases', products: [{ products: ['P1'], count: { min: 1 } }, { categories: ['サプリ'], count: { min: 1 } }] })).toBe(2);
  });

  it('breaks ties on ordered_at by the larger order_id', () => {
    // 003's orders O5 (P3) and O6 (P1) share ordered_at: O6 is the last, O5 the first.
    expect(members({ kind: 'purchases', lastOrderProducts: ['P1'] })).toBe(2); // 001 (O1), 003 (O6)
    expect(members({ kind: 'purchases', firstOrderProducts: ['P1'] })).toBe(0);
    expect(members({ kind: 'purchases', firstOrderProducts: ['P3'] })).toBe(2); // 001 (O2), 003 (O5)
    expect(members({ kind: 'purchases', lastShippedAt: { from: '2025-01-03' } })).toBe(2); // 001 (O1 shipped 03-31), 003 (O6 shipped 01-03)
    expect(members({ kind: 'purchases', lastShippedAt: { from: '2025-01-03 12:00:00' } })).toBe(1);
  });

  it('includes the whole day of a date-only "to"', () => {
    expect(members({ kind: 'purchases', window: { from: '2025-03-30', to: '2025-03-30' }, orderCount: { min: 1 } })).toBe(1); // O1 at 23:59:59
    expect(members({ kind: 'purchases', window: { to: '2025-03-29' }, sales: { min: 4000 } })).toBe(0);
    expect(members({ kind: 'purchases', window: { from: 'today-1d', to: 'today' }, sales: { min: 1500, max: 1500 } })).toBe(1);
  });

  it('clamps month steps to the end of the month (2025-03-31 minus 1m is 2025-02-28)', () => {
    // With 004 included: last orders 001 2025-03-30, 003 2024-12-31, 004 2025-03-01.
    expect(members({ kind: 'purchases', lastOrderedAt: { to: 'today-1m' } }, { includeDeleted: true })).toBe(1);
    expect(members({ kind: 'purchases', lastOrderedAt: { to: 'today-1m' } }, { includeDeleted: true })).toBe(1);
    expect(count({ kind: 'purchases', lastOrderedAt: { from: 'today-1m' } }, { includeDeleted: true }, '2025-03-31').count).toBe(2);
  });

  it('scopes figures by store, media, order code, and counts sales of counted lines only', () => {
    expect(members({ kind: 'purchases', stores: ['200'], orderCount: { min: 1 } })).toBe(1);
    expect(members({ kind: 'purchases', media: ['google'], sales: { min: 1500 } })).toBe(1);
    expect(members({ kind: 'purchases', orderCodes: { min: 'A0100' }, orderCount: { min: 1 } })).toBe(1);
    expect(members({ kind: 'purchases', sales: { min: 4500, max: 4500 } })).toBe(1); // 001: 1000 + 500 + 3000
    expect(members({ kind: 'purchases', sales: { max: 0 } })).toBe(2); // 002 (cancelled, uncounted), 005
  });

  it('compares text after NFKC and case folding, and treats a missing value as unequal', () => {
    expect(members({ kind: 'field', field: 'name', op: 'eq', value: 'ヤマダ ハナコ' })).toBe(1);
    expect(members({ kind: 'field', field: 'name', op: 'starts_with', value: 'ﾔﾏ' })).toBe(1);
    expect(members({ kind: 'field', field: 'email_pc', op: 'eq', value: 'A@X.JP' })).toBe(1);
    expect(members({ kind: 'field', field: 'prefecture', op: 'ne', value: '東京都' })).toBe(3); // 002, 003 (empty), 005
    expect(members({ not: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } })).toBe(3);
    expect(members({ kind: 'field', field: 'prefecture', op: 'not_in', values: ['東京都', '大阪府'] })).toBe(2);
    expect(members({ kind: 'field', field: 'prefecture', op: 'is_empty' })).toBe(1);
    expect(members({ kind: 'field', field: 'gender', op: 'eq', value: '女性' })).toBe(2);
    expect(members({ kind: 'field', field: 'customer_id', op: 'between', min: 1, max: 2 })).toBe(2);
  });

  it('evaluates birthday windows (year wrap, Feb 29), age and tenure at the as-of date', () => {
    expect(members({ kind: 'birthday', from: '02-28', to: '02-29' })).toBe(2);
    expect(members({ kind: 'birthday', from: '12-20', to: '01-10' })).toBe(1); // 005; 004 is deleted
    expect(members({ kind: 'age', min: 25, max: 35 })).toBe(2);
    expect(count({ kind: 'age', min: 25, max: 25 }, {}, '2025-02-28').count).toBe(0); // 002 born 02-29 is still 24
    expect(count({ kind: 'age', min: 25, max: 25 }, {}, '2025-03-01').count).toBe(1);
    expect(members({ kind: 'tenure', max: 30 })).toBe(1);
    expect(members({ kind: 'tags', tags: ['VIP'] })).toBe(2);
    expect(members({ kind: 'tags', tags: ['vip', 'newsletter'], match: 'all' })).toBe(1);
  });

  it('reads reachability from permission, status, bounces and withdrawal', () => {
    expect(members({ kind: 'reachable', channel: 'email' })).toBe(1);
    expect(members({ kind: 'reachable', channel: 'email_mobile' })).toBe(0);
    expect(members({ kind: 'reachable', channel: 'line' })).toBe(1);
    expect(members({ kind: 'reachable', channel: 'dm' })).toBe(1);
  });

  it('selects mail events by ids or by filter, any or all, inside windows, and excludes with not', () => {
    expect(members({ kind: 'mail', event: 'open', mails: ['M1', 'M2'], match: 'all' })).toBe(1);
    expect(members({ kind: 'mail', event: 'open', mails: ['M1', 'M2'] })).toBe(2);
    expect(members({ kind: 'mail', event: 'open', mails: ['M1', 'M2'], window: { from: '2025-01-01' } })).toBe(1);
    expect(members({ not: { kind: 'mail', event: 'open', mails: ['M1'] } })).toBe(2); // 003, 005
    expect(members({ kind: 'mail', event: 'open', mailFilter: { subjectContains: 'セール' }, match: 'all' })).toBe(1);
    expect(members({ kind: 'mail', event: 'open', mailFilter: { subjectContains: '存在しない' } })).toBe(0);
    expect(members({ not: { kind: 'mail', event: 'open', mailFilter: { subjectContains: '存在しない' } } })).toBe(4);
    expect(members({ kind: 'mail', event: 'open', mails: [] })).toBe(0);
    expect(members({ not: { kind: 'mail', event: 'open', mails: [], match: 'all' } })).toBe(4);
  });

  it('treats empty groups as the spec says and keeps not exact over empty tables', () => {
    expect(members({ all: [] })).toBe(4);
    expect(members({ any: [] })).toBe(0);
    expect(members({ not: { any: [] } })).toBe(4);
    const empty = join(dir, 'empty.duckdb');
    expect(runCli(['import', 'customers', join(SHOP, 'customers.csv'), '--db', empty]).code).toBe(0);
    expect(count({ not: { kind: 'mail', event: 'open', mails: ['M1'] } }, {}, AS_OF, empty).count).toBe(4);
    expect(count({ not: { kind: 'purchases', orderCount: { min: 1 } } }, {}, AS_OF, empty).count).toBe(4);
    expect(count({ kind: 'purchases', products: [{ categories: ['化粧品'], count: { max: 0 } }] }, {}, AS_OF, empty).count).toBe(4);
    expect(count({ kind: 'purchases', window: { from: 'today-30d' }, orderCount: { min: 0, max: 0 } }, {}, AS_OF, empty).count).toBe(4);
  });

  it('takes categories from a product master imported after the purchases', () => {
    const late = join(dir, 'late-master.duckdb');
    for (const [table, file] of [['customers', 'customers'], ['purchases', 'purchases']]) {
      expect(runCli(['import', table!, join(SHOP, `${file}.csv`), '--db', late]).code).toBe(0);
    }
    const bought = { kind: 'purchases', products: [{ categories: ['化粧品'], count: { min: 1 } }] };
    expect(count(bought, {}, AS_OF, late).count).toBe(0);
    expect(runCli(['import', 'products', join(SHOP, 'products.csv'), '--db', late]).code).toBe(0);
    expect(count(bought, {}, AS_OF, late).count).toBe(2);
  });

  it('takes a list of 200,000 values as one parameter', () => {
    const values = [...Array.from({ length: 200_000 }, (_, i) => `X${i}`), '001', '003'];
    expect(members({ kind: 'field', field: 'customer_id', op: 'in', values })).toBe(2);
    expect(members({ kind: 'field', field: 'customer_id', op: 'not_in', values })).toBe(2);
  });

  it('treats hostile values as data', async () => {
    expect(members({ kind: 'purchases', products: [{ products: ["x'); DROP TABLE customers; --"], count: { min: 1 } }] })).toBe(0);
    expect(members({ kind: 'field', field: "attr:x'; DROP TABLE customers; --", op: 'eq', value: "'; --" })).toBe(0);
    expect(members({ kind: 'tags', tags: ['"; DELETE FROM purchases; --'] })).toBe(0);
    expect(await query(db, 'SELECT count(*)::INT AS n FROM purchases')).toEqual([{ n: 9 }]);
  });

  it('saves, lists, shows and deletes segments, and refers to them', () => {
    const file = join(dir, 'buyers.json');
    writeFileSync(file, JSON.stringify({ version: 1, description: 'bought once or more', where: { kind: 'purchases', orderCount: { min: 1 } } }));
    expect(runCli(['segments', 'save', 'buyers', file, '--db', db]).code).toBe(0);
    const list = runCli(['segments', 'list', '--db', db, '--json']);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name)).toEqual(['buyers']);
    expect(JSON.parse(runCli(['segments', 'show', 'buyers', '--db', db, '--json']).stdout).definition.description).toBe('bought once or more');
    expect(members({ kind: 'segment', name: 'buyers' })).toBe(2);
    expect(members({ not: { kind: 'segment', name: 'buyers' } })).toBe(2);
    const saved = runCli(['count', '--segment', 'buyers', '--db', db, '--as-of', AS_OF, '--json']);
    expect(JSON.parse(saved.stdout).count).toBe(2);
    const user = join(dir, 'user.json');
    writeFileSync(user, JSON.stringify({ where: { all: [{ kind: 'segment', name: 'buyers' }, { kind: 'reachable', channel: 'email' }] } }));
    expect(runCli(['segments', 'save', 'mailable-buyers', user, '--db', db]).code).toBe(0);
    const refused = runCli(['segments', 'delete', 'buyers', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('segment "buyers" is used by "mailable-buyers"');
    expect(runCli(['segments', 'delete', 'mailable-buyers', '--db', db]).code).toBe(0);
    expect(runCli(['segments', 'delete', 'buyers', '--db', db]).code).toBe(0);
  });

  it('protects a segment named by a number that another refers to as a number (segment(2024))', () => {
    const file = join(dir, 'y2024.json');
    writeFileSync(file, JSON.stringify({ version: 1, where: { kind: 'reachable', channel: 'email' } }));
    expect(runCli(['segments', 'save', '2024', file, '--db', db]).code).toBe(0);
    expect(runCli(['segments', 'save', 'uses-2024', '-q', 'segment(2024)', '--db', db]).code).toBe(0);
    const refused = runCli(['segments', 'delete', '2024', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('segment "2024" is used by "uses-2024"');
    expect(runCli(['segments', 'rename', '2024', 'y2024', '--db', db]).code).toBe(0);
    const used = JSON.parse(runCli(['segments', 'show', 'uses-2024', '--db', db, '--json']).stdout);
    expect(used.definition.where).toEqual({ kind: 'segment', name: 'y2024' });
    expect(runCli(['count', '--segment', 'uses-2024', '--db', db, '--as-of', AS_OF]).code).toBe(0);
    for (const name of ['uses-2024', 'y2024']) expect(runCli(['segments', 'delete', name, '--db', db]).code).toBe(0);
  });

  it('refuses unknown segments and cycles, naming the JSON path', () => {
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify({ where: { any: [{ kind: 'segment', name: 'b' }] } }));
    let r = runCli(['segments', 'save', 'a', a, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('where.any[0].name: there is no saved segment "b"');
    const b = join(dir, 'b.json');
    writeFileSync(b, JSON.stringify({ where: { kind: 'age', min: 20 } }));
    expect(runCli(['segments', 'save', 'b', b, '--db', db]).code).toBe(0);
    expect(runCli(['segments', 'save', 'a', a, '--db', db]).code).toBe(0);
    writeFileSync(b, JSON.stringify({ where: { not: { kind: 'segment', name: 'a' } } }));
    r = runCli(['segments', 'save', 'b', b, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('where.not.name: segments refer to each other in a cycle: b → a → b');
  });

  it('reads a definition from standard input', () => {
    const r = spawnSync(process.execPath, [CLI, 'count', '-', '--db', db, '--as-of', AS_OF, '--json'], {
      input: JSON.stringify({ where: { kind: 'purchases', orderCount: { min: 1 } } }), encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).count).toBe(2);
  });

  it('reports every fault of a definition with its JSON path, before any SQL runs', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, where: { all: [
      { kind: 'field', field: 'colour', op: 'eq', value: 'red' },
      { kind: 'purchases', lastOrderedAt: { to: '2024-13-01' } },
      { kind: 'purchases', products: [{ products: ['P1'], count: { min: 3, max: 1 } }, { count: { min: 1 } }] },
      { kind: 'mail', event: 'opened', mails: ['M1'] },
      { kind: 'shopping' },
    ] } }));
    const r = runCli(['count', file, '--db', db, '--json']);
    expect(r.code).toBe(2);
    for (const fault of [
      'where.all[0].field: "colour" is not a customer field',
      'where.all[1].lastOrderedAt.to: "2024-13-01" is not a date',
      'where.all[2].products[0].count: min 3 is greater than max 1',
      'where.all[2].products[1]: a product row names products, categories, a remark text (remarkContains) or more than one of them',
      'where.all[3].event: unknown event "opened"',
      'where.all[4].kind: unknown condition kind "shopping"',
    ]) expect(r.stderr).toContain(fault);
    expect(JSON.parse(r.stdout).error.code).toBe('invalid-definition');
  });

  it('counts "unselected" inside a list: in ["", ...] includes customers without a value, not_in ["", ...] leaves them out', () => {
    // prefecture: 001 東京都, 002 大阪府, 003 empty, 005 北海道 (004 deleted)
    expect(members({ kind: 'field', field: 'prefecture', op: 'in', values: ['', '東京都'] })).toBe(2); // 001, 003
    expect(members({ kind: 'field', field: 'prefecture', op: 'not_in', values: ['', '東京都'] })).toBe(2); // 002, 005
    expect(members({ kind: 'field', field: 'attr:会員ランク', op: 'in', values: ['', 'プラチナ'] })).toBe(4); // never imported: unselected
  });

  it('warns of names the data does not hold, before the count, in --json, and fails with --strict', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ where: { all: [
      { kind: 'field', field: 'prefecture', op: 'eq', value: '東京' },
      { not: { kind: 'mail', event: 'open', mails: ['M1', 'M3'] } },
    ] } }));
    const json = runCli(['count', file, '--db', db, '--as-of', AS_OF, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ count: 0, warnings: [
      { code: 'value-never-occurs', path: 'where.all[0].value', message: 'no customer has prefecture "東京"', suggestions: ['東京都'] },
      { code: 'unknown-mail', path: 'where.all[1].not.mails[1]', suggestions: ['M1', 'M2'] },
    ] });
    const human = runCli(['count', file, '--db', db, '--as-of', AS_OF]);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n').slice(0, 3)).toEqual([
      'warning: where.all[0].value: no customer has prefecture "東京" (did you mean "東京都"?)',
      'warning: where.all[1].not.mails[1]: there is no mail "M3" (not in the mails, no mail event names it): the condition finds no event of it (did you mean "M1", "M2"?)',
      expect.stringMatching(/^0 customers as of 2025-03-31/),
    ]);
    const strict = runCli(['count', file, '--db', db, '--as-of', AS_OF, '--strict', '--json']);
    expect(strict.code).toBe(2);
    expect(JSON.parse(strict.stdout).error.code).toBe('strict-warnings');
    expect(strict.stderr).toContain('where.all[1].not.mails[1]: there is no mail "M3"');
    const out = join(dir, 'typo.csv');
    expect(runCli(['export', file, '--db', db, '--as-of', AS_OF, '--out', out, '--strict']).code).toBe(2);
    expect(existsSync(out)).toBe(false);
    // An export without --strict writes the list and says the same, as text and in --json.
    const exported = runCli(['export', file, '--db', db, '--as-of', AS_OF, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.split('\n').slice(0, 3)).toEqual([...human.stdout.split('\n').slice(0, 2), expect.stringMatching(/^0 customers as of 2025-03-31 written to /)]);
    const exportedJson = runCli(['export', file, '--db', db, '--as-of', AS_OF, '--out', out, '--json']);
    expect(JSON.parse(exportedJson.stdout).warnings).toEqual(JSON.parse(json.stdout).warnings);
    expect(runCli(['count', file, '--db', db, '--as-of', AS_OF, '--strict']).code).toBe(2);
  });

  it('warns when order lines belong to customers not in customers, and when there are no customers', () => {
    // O8 is customer 999's, who is not in customers.
    const r = count({ kind: 'purchases', orderCount: { min: 1 } }) as unknown as { warnings: Array<{ code: string; message: string }> };
    expect(r.warnings.map((w) => w.code)).toEqual(['customers-missing']);
    expect(r.warnings[0]!.message).toMatch(/^1 of the 4 customers of the order lines is not in customers/);
    const none = join(dir, 'no-customers.duckdb');
    expect(runCli(['import', 'products', join(SHOP, 'products.csv'), '--db', none]).code).toBe(0);
    expect((count({ kind: 'age', min: 20 }, {}, AS_OF, none) as unknown as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code)).toEqual(['no-customers']);
  });

  it('explains the SQL with bound parameters, never pasted values', () => {
    const file = join(dir, 'explain.json');
    writeFileSync(file, JSON.stringify({ where: { kind: 'purchases', products: [{ products: ["x'); DROP TABLE customers; --"], count: { min: 1 } }] } }));
    const r = runCli(['explain', file, '--db', db, '--json', '--as-of', AS_OF]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sql).toMatch(/FROM customers AS c/);
    expect(out.sql).not.toContain('DROP TABLE');
    expect(JSON.stringify(out.parameters)).toContain('DROP TABLE');
  });
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_IN_TEXT = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';

/** Issue 13, item 6: a save never loses a definition, and times read the same everywhere. */
describe('saves that keep history', () => {
  const dir = tempDir();
  const db = importShop(dir);
  const file = (name: string, definition: unknown) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(definition));
    return path;
  };
  const v1 = file('v1', { description: 'bought once or more', where: { kind: 'purchases', orderCount: { min: 1 } } });
  const v2 = file('v2', { where: { kind: 'reachable', channel: 'email' } });
  type Version = { name: string; version: number; definition: { where: unknown }; savedAt: string; replacedAt: string | null; current: boolean };
  const history = (name: string) => JSON.parse(runCli(['segments', 'history', name, '--db', db, '--json']).stdout) as Version[];

  it('refuses to replace a saved segment without --force, keeps the version it replaces, and writes ISO 8601 times', () => {
    let r = runCli(['segments', 'save', 'buyers', v1, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^saved segment "buyers" \\(version 1, ${ISO_IN_TEXT}\\)\\n$`));
    r = runCli(['segments', 'save', 'buyers', v1, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^segment "buyers" already holds this definition \(version 1, saved .*\); nothing changed\n$/);

    r = runCli(['segments', 'save', 'buyers', v2, '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^kumiwake: there is already a saved segment "buyers" \\(version 1, saved ${ISO_IN_TEXT}\\); add --force to replace it \\(that version stays in kumiwake segments history buyers\\)\\n$`));
    expect(JSON.parse(r.stdout).error.code).toBe('segment-exists');
    expect(JSON.parse(runCli(['segments', 'show', 'buyers', '--db', db, '--json']).stdout).definition.where).toEqual({ kind: 'purchases', orderCount: { min: 1 } });

    r = runCli(['segments', 'save', 'buyers', v2, '--db', db, '--force', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const saved = JSON.parse(r.stdout) as { version: number; savedAt: string };
    expect(saved).toMatchObject({ name: 'buyers', version: 2 });
    expect(saved.savedAt).toMatch(ISO);
    expect(runCli(['count', '--segment', 'buyers', '--db', db, '--as-of', AS_OF, '--json']).stdout).toContain('"count":1');

    const versions = history('buyers');
    expect(versions.map((v) => [v.version, v.current, v.definition.where])).toEqual([
      [1, false, { kind: 'purchases', orderCount: { min: 1 } }],
      [2, true, { kind: 'reachable', channel: 'email' }],
    ]);
    expect(versions[0]!.savedAt).toMatch(ISO);
    expect(versions[0]!.replacedAt).toBe(versions[1]!.savedAt);
    expect(versions[1]!.replacedAt).toBeNull();
    const text = runCli(['segments', 'history', 'buyers', '--db', db]).stdout.split('\n');
    expect(text[0]).toMatch(new RegExp(`^version 1  saved ${ISO_IN_TEXT}  replaced ${ISO_IN_TEXT}$`));
    expect(text[1]).toBe('  {"description":"bought once or more","where":{"kind":"purchases","orderCount":{"min":1}}}');
    expect(text[2]).toMatch(new RegExp(`^version 2  saved ${ISO_IN_TEXT}  current$`));

    const list = runCli(['segments', 'list', '--db', db]).stdout;
    expect(list).toMatch(new RegExp(`^buyers\\t${ISO_IN_TEXT}\\t\\n$`));
    expect(JSON.parse(runCli(['segments', 'list', '--db', db, '--json']).stdout)[0].savedAt).toMatch(ISO);
  }, 300_000);

  it('moves the versions with a rename (references in earlier versions follow), and a delete removes them', async () => {
    const user = (min: number) => file(`user-${min}`, { where: { all: [{ kind: 'segment', name: 'buyers' }, { kind: 'age', min }] } });
    expect(runCli(['segments', 'save', 'older-buyers', user(20), '--db', db]).code).toBe(0);
    expect(runCli(['segments', 'save', 'older-buyers', user(30), '--db', db, '--force']).code).toBe(0);
    expect(runCli(['segments', 'rename', 'buyers', 'repeaters', '--db', db]).code).toBe(0);
    expect(history('repeaters').map((v) => v.version)).toEqual([1, 2]);
    const missing = runCli(['segments', 'history', 'buyers', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no saved segment "buyers"');
    expect(history('older-buyers').map((v) => JSON.stringify(v.definition))).toEqual([
      expect.stringContaining('"name":"repeaters"'), expect.stringContaining('"name":"repeaters"'),
    ]);
    expect(runCli(['segments', 'delete', 'older-buyers', '--db', db]).code).toBe(0);
    expect(runCli(['segments', 'delete', 'repeaters', '--db', db]).code).toBe(0);
    expect(await query(db, 'SELECT count(*)::INT AS n FROM segment_versions')).toEqual([{ n: 0 }]);
    // A name saved again after a delete starts a new history.
    expect(runCli(['segments', 'save', 'repeaters', v1, '--db', db]).stdout).toContain('(version 1,');
  }, 300_000);
});

/** Issue 13, item 6: pino JSON on stderr for programs; plain warning lines for a person. */
describe('quiet, readable terminals', () => {
  const dir = tempDir();
  const customers = join(SHOP, 'customers.csv');
  const isJsonLog = (line: string) => line.startsWith('{"level"');

  it('writes JSON logs with --log-format json and when stderr is not a terminal, nothing but warnings with --log-format pretty', () => {
    const db = join(dir, 'logs.duckdb');
    let r = runCli(['import', 'customers', customers, '--db', db, '--log-format', 'pretty']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    r = runCli(['import', 'customers', customers, '--db', db]);
    expect(r.stderr.split('\n').filter(Boolean).every(isJsonLog), r.stderr).toBe(true);
    expect(r.stderr).toContain('"msg":"import finished"');
    r = runCli(['import', 'customers', customers, '--db', db, '--log-format', 'json']);
    expect(r.stderr).toContain('"msg":"import finished"');
    r = runCli(['import', 'customers', customers, '--db', db, '--log-format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid values');
  });

  it('prints a warning as a plain line', () => {
    const db = join(dir, 'warn.duckdb');
    expect(runCli(['import', 'customers', writeCsv(join(dir, 'c.csv'), 'customer_id,name\nC1,a\u0001b\n'), '--db', db]).code).toBe(0);
    const everyone = join(dir, 'everyone.json');
    writeFileSync(everyone, '{}');
    const r = runCli(['export', everyone, '--db', db, '--out', join(dir, 'out.xlsx'), '--log-format', 'pretty']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`kumiwake: warning: characters Excel files cannot hold were removed (file: ${join(dir, 'out.xlsx')}, characters: 1)\n`);
  });

  it('gives a terminal readable lines by default, and JSON at debug level', () => {
    const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
    if (!hasScript) return;
    const db = join(dir, 'tty.duckdb');
    // script(1) runs the command on a pseudo-terminal: stdout and stderr both are one.
    const onTerminal = (env: string) => spawnSync('script', ['-qec', `${env} ${process.execPath} ${CLI} import customers ${customers} --db ${db}`, '/dev/null'], { encoding: 'utf8' });
    let r = onTerminal('');
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^customers: /);
    expect(r.stdout).not.toContain('{"level"');
    r = onTerminal('KUMIWAKE_LOG_LEVEL=debug');
    expect(r.stdout).toContain('"msg":"import finished"');
  });
});
