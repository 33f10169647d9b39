/**
 * The seeds' own labels read by the importer (data-model.md): SATORI's 配信許可 and 配信ステータス,
 * LTV-Lab's LINE配信設定, 手動シナリオ / 自動シナリオ / 曜日日時配信 and 自動メール種類; and what
 * `reachable line` and `mailFilter` make of them. Expected lists are written out by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWorkspace, type Workspace } from '../../src/index.js';

const CUSTOMERS = `会員番号,メールアドレス,配信許可,配信ステータス,LINE連携,LINE配信設定
a1,a1@example.jp,承認,未確認,はい,
a2,a2@example.jp,承認,アドレス不正,はい,配信する
a3,a3@example.jp,拒否,未確認,はい,送信拒否
a4,a4@example.jp,承認,エラー,はい,テスト配信対象
a5,a5@example.jp,承認,一時エラー,いいえ,許可
`;
const MAILS = `メールID,配信種別,自動メール種類,件名
M1,手動シナリオ,,春のお知らせ
M2,自動シナリオ,フォロー,ご購入ありがとうございます
M3,曜日日時配信,,週末セール
M4,自動シナリオ,誕生日,お誕生日おめでとう
`;
const EVENTS = `customer_id,mail_id,event,occurred_at
a1,M1,send,2025-01-01 10:00:00
a2,M2,send,2025-01-02 10:00:00
a3,M3,send,2025-01-03 10:00:00
a4,M4,send,2025-01-04 10:00:00
a5,M2,open,2025-01-05 10:00:00
`;

describe('the seeds\' labels', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kumiwake-labels-'));
    shop = await openWorkspace({ db: ':memory:' });
    for (const [table, name, text] of [['customers', 'c.csv', CUSTOMERS], ['mails', 'm.csv', MAILS], ['mail-events', 'e.csv', EVENTS]] as const) {
      writeFileSync(join(dir, name), text);
      await shop.import({ table, files: [join(dir, name)] });
    }
  });
  afterAll(() => shop.close());

  const ids = async (where: unknown) =>
    (await shop.members({ definition: { where } as never }, { asOf: '2025-03-31', limit: 100, columns: ['customer_id', 'mail_permission', 'mail_status', 'line_permission'] })).rows;

  it('maps 配信許可, 配信ステータス and LINE配信設定 to canonical values', async () => {
    expect(await ids(undefined)).toEqual([
      { customer_id: 'a1', mail_permission: 'both', mail_status: 'normal', line_permission: null },
      { customer_id: 'a2', mail_permission: 'both', mail_status: 'invalid', line_permission: 'allowed' },
      { customer_id: 'a3', mail_permission: 'refused', mail_status: 'normal', line_permission: 'refused' },
      { customer_id: 'a4', mail_permission: 'both', mail_status: 'address_error', line_permission: 'test' },
      { customer_id: 'a5', mail_permission: 'both', mail_status: 'temp_error', line_permission: 'allowed' },
    ]);
  });

  it('reaches by LINE only the linked customers whose setting is unset or allowed; by email only 承認 with a normal status', async () => {
    const id = async (where: unknown) => (await ids(where)).map((r) => r.customer_id);
    expect(await id({ kind: 'reachable', channel: 'line' })).toEqual(['a1', 'a2']);
    expect(await id({ kind: 'reachable', channel: 'email' })).toEqual(['a1']);
  });

  it('selects mails by kind (自動シナリオ is auto_scenario, apart from scenario) and by subkind, folded', async () => {
    const id = async (mailFilter: unknown) => (await ids({ kind: 'mail', event: 'send', mailFilter })).map((r) => r.customer_id);
    expect(await id({ kinds: ['scenario'] })).toEqual(['a1']);
    expect(await id({ kinds: ['auto_scenario'] })).toEqual(['a2', 'a4']);
    expect(await id({ kinds: ['scheduled'] })).toEqual(['a3']);
    expect(await id({ subkinds: ['ﾌｫﾛｰ'] })).toEqual(['a2']);
    expect(await id({ kinds: ['auto_scenario'], subkinds: ['誕生日'] })).toEqual(['a4']);
  });

  it('counts a database made before LINE配信設定, subscriptions and stores, opened read-only (no schema applied)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kumiwake-old-db-'));
    const db = join(dir, 'old.duckdb');
    writeFileSync(join(dir, 'c.csv'), 'customer_id,line_linked\nb1,true\nb2,false\n');
    const writer = await openWorkspace({ db });
    await writer.import({ table: 'customers', files: [join(dir, 'c.csv')] });
    await writer.close();
    // What a database of the previous version holds: no line_permission column, no new tables.
    const instance = await DuckDBInstance.create(db);
    const conn = await instance.connect();
    await conn.run('ALTER TABLE customers DROP COLUMN line_permission; ALTER TABLE mails DROP COLUMN subkind; DROP TABLE subscriptions; DROP TABLE stores; CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    const reader = await openWorkspace({ db, readOnly: true });
    try {
      const counted = await reader.count({ definition: { where: { kind: 'reachable', channel: 'line' } } }, { asOf: '2025-03-31' });
      expect([counted.count, counted.reachable.line]).toEqual([1, 1]);
      const count = async (where: unknown) => (await reader.count({ definition: { where } as never }, { asOf: '2025-03-31' })).count;
      expect(await count({ kind: 'subscription', count: { max: 0 } })).toBe(2);
      expect(await count({ kind: 'subscription', products: ['P1'] })).toBe(0);
      expect(await count({ kind: 'mail', event: 'send', mailFilter: { subkinds: ['フォロー'] }, match: 'all' })).toBe(0);
      expect((await reader.why('b1', { definition: { where: { kind: 'subscription' } } }, { asOf: '2025-03-31' })).nodes[0]).toMatchObject({ holds: false, figures: { count: 0 } });
      expect(await reader.tableSizes()).toMatchObject({ customers: 2, subscriptions: 0, stores: 0 });
    } finally {
      await reader.close();
    }
  });
});
