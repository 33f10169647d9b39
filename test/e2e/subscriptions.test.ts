/**
 * Subscriptions (ecforce 定期受注) through the CLI: `kumiwake import subscriptions` reads a CP932
 * file with Japanese headers and words (継続 / 休止 / 解約), and `kumiwake count` counts the
 * `subscription` condition. Every expected count is worked out by hand from the rows below.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { query, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const AS_OF = '2026-06-30';

// s1 active 2 deliveries, next 07-03; s2 cancelled 飲みきれない; s3 paused; s4 active 12, next 08-01;
// s5 cancelled ﾉﾐｷﾚﾅｲ (folds to ノミキレナイ, not 飲みきれない); s6 belongs to no customer.
const SUBSCRIPTIONS = `定期受注番号,会員番号,商品コード,定期ステータス,開始日,次回お届け予定日,解約日,解約理由,お届け周期,お届け回数,店舗
s1,c1,P1,継続,2026/01/10,2026/07/03,,,1ヶ月ごと,2,100
s2,c1,P2,解約,2025/05/01,,2026/06/20,飲みきれない,2ヶ月ごと,5,100
s3,c2,P1,休止,2025/11/01,2026/09/01,,,1ヶ月ごと,7,200
s4,c3,P1,継続中,2025/06/01,2026/08/01,,,1ヶ月ごと,12,100
s5,c3,P3,解約済,2024/01/01,,2025/12/31,ﾉﾐｷﾚﾅｲ,1ヶ月ごと,3,200
s6,x9,P1,継続,2026/01/01,2026/07/01,,,1ヶ月ごと,1,100
`;

describe('kumiwake import subscriptions and the subscription condition', () => {
  let db: string;
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    writeCsv(join(dir, 'customers.csv'), 'customer_id,name\nc1,A\nc2,B\nc3,C\nc4,D\n');
    expect(runCli(['import', 'customers', join(dir, 'customers.csv'), '--db', db]).code).toBe(0);
  });

  it('reads Japanese headers and status words, and says which customers are unknown', async () => {
    const file = writeCsv(join(dir, 'subscriptions.csv'), SUBSCRIPTIONS, 'cp932');
    const r = runCli(['import', 'subscriptions', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('6 subscriptions stored');
    expect(r.stdout + r.stderr).toMatch(/1 customer/);
    const rows = await query<{ subscription_id: string; status: string; next: string | null; deliveries: bigint }>(db,
      `SELECT subscription_id, status, strftime(next_delivery_at, '%Y-%m-%d') AS next, deliveries FROM subscriptions ORDER BY subscription_id`);
    expect(rows.map((s) => [s.subscription_id, s.status, s.next, Number(s.deliveries)])).toEqual([
      ['s1', 'active', '2026-07-03', 2], ['s2', 'cancelled', null, 5], ['s3', 'paused', '2026-09-01', 7],
      ['s4', 'active', '2026-08-01', 12], ['s5', 'cancelled', null, 3], ['s6', 'active', '2026-07-01', 1],
    ]);
  });

  it('counts customers by their subscriptions, 0~0 included (the CLI once, then the library)', async () => {
    const file = join(dir, 'def.json');
    writeFileSync(file, JSON.stringify({ where: { kind: 'subscription', status: ['継続'] } }));
    const r = runCli(['count', file, '--db', db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    // Active (継続 and 継続中): c1 (s1), c3 (s4).
    expect(JSON.parse(r.stdout).count).toBe(2);
    const shop = await openWorkspace({ db, readOnly: true });
    const count = async (where: unknown) => (await shop.count({ definition: { where } as never }, { asOf: AS_OF })).count;
    try {
      await counts(count);
      const { warnings } = await shop.count({ definition: { where: { kind: 'subscription', products: ['P9'], count: { max: 0 } } } }, { asOf: AS_OF });
      expect(warnings.map((w) => [w.code, w.path])).toEqual([['unknown-product', 'where.products[0]']]);
      // A misspelt reason (切 for き) under `not` would select everyone silently; the stored
      // reasons are compared folded, as the condition compares (ノミキレナイ is s5's ﾉﾐｷﾚﾅｲ).
      const reasons = await shop.count({ definition: { where: { not: { kind: 'subscription', cancelReasons: ['飲み切れない', '飲みきれない', 'ノミキレナイ'] } } } }, { asOf: AS_OF });
      expect(reasons.warnings.map((w) => [w.code, w.path, w.message])).toEqual([
        ['value-never-occurs', 'where.not.cancelReasons[0]', 'no subscription has cancel reason "飲み切れない": the condition counts none of it'],
      ]);
      expect(reasons.warnings[0]!.suggestions).toContain('飲みきれない');
    } finally {
      await shop.close();
    }
  });

  async function counts(count: (where: unknown) => Promise<number>): Promise<void> {
    // Any subscription: c1, c2, c3. None at all: c4.
    expect(await count({ kind: 'subscription' })).toBe(3);
    expect(await count({ kind: 'subscription', count: { max: 0 } })).toBe(1);
    // No active one: c2, c4.
    expect(await count({ kind: 'subscription', status: ['active'], count: { min: 0, max: 0 } })).toBe(2);
    // Next delivery within a week of 06-30: s1 (07-03) only.
    expect(await count({ kind: 'subscription', nextDeliveryAt: { from: 'today', to: 'today+7d' } })).toBe(1);
    // Cancelled in the last 30 days for 飲みきれない: s2 (c1); s5 is older and ﾉﾐｷﾚﾅｲ is another word.
    expect(await count({ kind: 'subscription', status: ['解約'], cancelledAt: { from: 'today-30d' }, cancelReasons: ['飲みきれない'] })).toBe(1);
    // Two subscriptions or more: c1, c3; five deliveries or more of P1: s3 (c2), s4 (c3).
    expect(await count({ kind: 'subscription', count: { min: 2 } })).toBe(2);
    expect(await count({ kind: 'subscription', products: ['P1'], deliveries: { min: 5 } })).toBe(2);
    // A product no subscription has: every customer has 0 of it, and the count says so.
    expect(await count({ kind: 'subscription', products: ['P9'], count: { max: 0 } })).toBe(4);
  }

  it('refuses an unknown status with its path', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ where: { kind: 'subscription', status: ['継続', 'ended'] } }));
    const r = runCli(['count', file, '--db', db, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('where.status[1]');
  });
});
