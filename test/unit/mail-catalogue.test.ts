/**
 * `kumiwake mails list` (issue 14, item 10): the mail catalogue by subject and send days, newest
 * first, with each mail's customers sent, opened and clicked, counted here from the rows written.
 * And `segments rename OLD NEW`: references follow, wherever they sit in a definition.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { tempDir } from '../helpers/cli.js';

const MAILS = [
  ['M1', 'manual', '春のセール', '2026-03-01 10:00:00'],
  ['M2', 'scenario', 'ｾｰﾙ終了のお知らせ', '2026-03-20 09:30:00'],
  ['M3', 'auto', 'お誕生日おめでとう', '2026-04-01 00:00:00'],
  ['SALE9', 'manual', '新商品', '2026-04-15 12:00:00'], // its id holds "sale", its subject does not
  ['M5', 'manual', '件名なしの日時', ''],
] as const;
// [customer, mail, event]: C1 was sent M1 twice (one customer), C3 opened M1 without a send.
const EVENTS = [
  ['C1', 'M1', 'send'], ['C1', 'M1', 'send'], ['C2', 'M1', 'send'], ['C1', 'M1', 'open'], ['C3', 'M1', 'open'], ['C1', 'M1', 'click'],
  ['C1', 'M2', 'send'], ['C2', 'M2', 'bounce'], ['C2', 'SALE9', 'send'], ['C3', 'SALE9', 'send'], ['C4', 'SALE9', 'send'], ['C4', 'SALE9', 'click'],
] as const;

const customersWith = (mail: string, event: string) => new Set(EVENTS.filter(([, m, e]) => m === mail && e === event).map(([c]) => c)).size;
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

let shop: Workspace;
beforeAll(async () => {
  const dir = tempDir('kumiwake-mails-');
  const csv = (name: string, header: string, rows: readonly (readonly string[])[]) => {
    writeFileSync(join(dir, name), [header, ...rows.map((r) => r.join(','))].join('\n'));
    return join(dir, name);
  };
  shop = await openWorkspace({ db: join(dir, 'shop.duckdb') });
  await shop.import({ table: 'customers', files: [csv('customers.csv', 'customer_id,name', ['C1', 'C2', 'C3', 'C4'].map((c) => [c, c]))] });
  await shop.import({ table: 'mails', files: [csv('mails.csv', 'mail_id,kind,subject,sent_at', MAILS)] });
  await shop.import({ table: 'mail-events', files: [csv('events.csv', 'customer_id,mail_id,event,occurred_at', EVENTS.map((e, i) => [...e, `2026-05-01 10:${String(i).padStart(2, '0')}`]))] });
});
afterAll(async () => {
  await shop.close();
});

describe('the mail catalogue', () => {
  it('lists every mail newest first (a mail without a send time last) with its customers sent, opened and clicked', async () => {
    const mails = await shop.mails({ counts: true, limit: 1000 });
    const newestFirst = [...MAILS].sort((a, b) => (a[3] === '' ? 1 : b[3] === '' ? -1 : b[3].localeCompare(a[3])));
    expect(mails.map((m) => [m.mailId, m.sends, m.opens, m.clicks])).toEqual(
      newestFirst.map(([id]) => [id, customersWith(id, 'send'), customersWith(id, 'open'), customersWith(id, 'click')]),
    );
    expect(mails[0]).toMatchObject({ mailId: 'SALE9', subject: '新商品', kind: 'manual', sentAt: '2026-04-15 12:00:00' });
  });

  it('keeps the mails whose subject holds the text (NFKC, any case), not those whose id does', async () => {
    for (const text of ['セール', 'sale', 'ｾｰﾙ', '誕生日']) {
      const expected = MAILS.filter(([, , subject]) => fold(subject).includes(fold(text))).map(([id]) => id).sort();
      expect((await shop.mails({ subject: text, counts: true })).map((m) => m.mailId).sort(), text).toEqual(expected);
    }
  });

  it('keeps the mails sent in a range of days, relative days resolved at the as-of date', async () => {
    const sentIn = (from: string, to: string) => MAILS.filter(([, , , at]) => at !== '' && at.slice(0, 10) >= from && at.slice(0, 10) <= to).map(([id]) => id).sort();
    const ids = async (sent: { from?: string; to?: string }, asOf?: string) => (await shop.mails({ sent, asOf })).map((m) => m.mailId).sort();
    expect(await ids({ from: '2026-03-01', to: '2026-03-31' })).toEqual(sentIn('2026-03-01', '2026-03-31'));
    expect(await ids({ from: '2026-04-01', to: '2026-04-01' })).toEqual(['M3']); // a day includes its midnight
    expect(await ids({ from: 'today-30d' }, '2026-04-20')).toEqual(sentIn('2026-03-21', '9999-12-31'));
    expect(await ids({ to: 'today-1m' }, '2026-04-20')).toEqual(sentIn('0001-01-01', '2026-03-20'));
    await expect(shop.mails({ sent: { from: '2026-04-01', to: '2026-03-01' } })).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(shop.mails({ sent: { from: 'yesterday' } })).rejects.toThrow(/sent\.from: "yesterday" is not a date/);
    await expect(shop.mails({ sent: { from: '2026-04-01 10:00:00' } })).rejects.toThrow(/a send range is of days/);
  });
});

describe('segments rename', () => {
  it('rewrites references at any depth in other saved segments; their counts do not change', async () => {
    await shop.segments.save('sent-m1', { version: 1, where: { kind: 'mail', event: 'send', mails: ['M1'] } });
    const nested = { version: 1, where: { any: [{ not: { kind: 'segment', name: 'sent-m1' } }, { all: [{ kind: 'segment', name: 'sent-m1' }] }] } };
    await shop.segments.save('nested', nested);
    const before = (await shop.count({ segment: 'nested' }, { asOf: '2026-06-01' })).count;
    expect(before).toBe(4); // (not sent) or (sent): everyone
    await shop.segments.rename('sent-m1', 'got-spring-sale');
    expect(JSON.stringify((await shop.segments.show('nested')).definition)).toBe(JSON.stringify(nested).replaceAll('"sent-m1"', '"got-spring-sale"'));
    expect((await shop.count({ segment: 'nested' }, { asOf: '2026-06-01' })).count).toBe(before);
    expect((await shop.count({ segment: 'got-spring-sale' }, { asOf: '2026-06-01' })).count).toBe(customersWith('M1', 'send'));
    await expect(shop.segments.show('sent-m1')).rejects.toMatchObject({ code: expect.any(String) });
  });
});
