import type { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { refreshCustomerValues } from '../../src/engine/duckdb/import/customer-values.js';
import { refreshKeptCustomerColumns } from '../../src/engine/duckdb/import/customer-columns.js';
import type { CustomerRow, Dataset, MailEventRow, MailRow, ProductRow, PurchaseRow } from './model.js';
import type { SubscriptionRow } from './subscription.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const vocabulary = {
  names: ['山田 花子', 'ヤマダ ハナコ', 'ﾔﾏﾀﾞ ﾊﾅｺ', 'Yamada Hanako', 'YAMADA HANAKO', '佐藤 太郎', 'Ｓａｔｏ', "O'Brien; DROP TABLE customers; --", '  '],
  prefectures: ['東京都', '大阪府', '北海道', 'ＴＯＫＹＯ', 'tokyo'],
  statuses: ['一般ユーザー', '優良ユーザー', 'VIP', 'vip'],
  ranks: ['ゴールド', 'シルバー', 'ｺﾞｰﾙﾄﾞ'],
  tags: ['vip', 'VIP', 'newsletter', 'ｻﾝﾌﾟﾙ', 'サンプル', "x'); --"],
  products: ['P1', 'P2', 'P3', 'P4', 'P5', "x'); DROP TABLE purchases; --", 'P7'],
  categories: ['化粧品', 'スキンケア', 'サプリ'],
  stores: ['100', '200'],
  media: ['google', 'line', 'mail'],
  mails: ['M1', 'M2', 'M3', 'S1', 'S2'],
  subjects: ['【セール】春', 'セール', '新商品', 'ｾｰﾙ情報', null],
  cancelReasons: ['飲みきれない', '効果を感じない', 'ﾉﾐｷﾚﾅｲ', 'Price'],
  counts: ['12', '１２', ' 7 ', '3.5', '-2', 'abc', '', '0', '1,000', '100'],
  visits: ['2024-06-15', '2024/06/15', '2025-01-01 10:00:00', '２０２４－１２－３１', '2024-02-30', 'きのう', '', '2025/03/31', '2023-12-31 23:59:59'],
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export interface DatasetShape {
  customers: number;
  orders: number;
  events: number;
  emptyPurchases?: boolean;
  emptyEvents?: boolean;
  emptyProducts?: boolean;
}

/** Random shop data with the edge cases the spec cares about: missing values, ties, cancellations, Feb 29. */
export function randomDataset(seed: number, shape: DatasetShape): Dataset {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(p: number, v: () => T): T | null => (r() < p ? v() : null);
  const day = (fromYear: number, years: number) => {
    if (r() < 0.05) return `${pick([2020, 2024])}-02-29`;
    const t = new Date(Date.UTC(fromYear, 0, 1) + Math.floor(r() * years * 365) * 86400000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  };
  const time = (fromYear: number, years: number) => `${day(fromYear, years)} ${pad(Math.floor(r() * 24))}:${pad(pick([0, 0, 30, 59]))}:00`;

  const customers: CustomerRow[] = [];
  const attributes = new Map<string, Map<string, string>>();
  for (let i = 0; i < shape.customers; i++) {
    // Now and then an id that is no integer to a member-number range, though a cast would read it
    // (`7.0`, `1_030`, `53e1`), or one beyond 64 bits: the range never matches them.
    const odd = i % 23 === 7 ? [`${i}.0`, `1_0${i}`, `${i}e1`, `184467440737095516${i}`][Math.floor(i / 23) % 4] : undefined;
    const id = r() < 0.1 ? `C${i}` : odd ?? pad(i, 5);
    customers.push({
      customer_id: id,
      name: maybe(0.9, () => pick(vocabulary.names)),
      name_kana: maybe(0.5, () => pick(['ヤマダ', 'ﾔﾏﾀﾞ', 'サトウ'])),
      gender: maybe(0.9, () => pick(['female', 'male', 'unknown'])),
      birthday: maybe(0.85, () => day(1950, 60)),
      email_pc: maybe(0.6, () => pick([`u${i}@example.jp`, `U${i}@EXAMPLE.JP`, ' ', '\u3000', '\u00a0\u3000'])),
      email_mobile: maybe(0.4, () => `m${i}@mobile.example.jp`),
      mail_permission: maybe(0.9, () => pick(['pc', 'mobile', 'both', 'refused'])),
      mail_status: maybe(0.8, () => pick(['normal', 'normal', 'normal', 'address_error', 'spam'])),
      bounce_count: maybe(0.7, () => Math.floor(r() * 5)),
      dm_permission: maybe(0.8, () => pick(['allowed', 'allowed', 'refused', 'test'])),
      line_linked: maybe(0.8, () => r() < 0.4),
      line_status: maybe(0.3, () => pick(['normal', 'address_error'])),
      postal_code: maybe(0.8, () => pick(['100-0001', '530-0001', ' ', '\u3000'])),
      address: maybe(0.8, () => pick(['千代田区1-1', '北区2-2'])),
      prefecture: maybe(0.9, () => pick(vocabulary.prefectures)),
      status: maybe(0.8, () => pick(vocabulary.statuses)),
      registered_at: maybe(0.9, () => time(2019, 7)),
      last_login_at: maybe(0.7, () => time(2023, 3)),
      withdrawn: maybe(0.9, () => r() < 0.1),
      deleted: maybe(0.9, () => r() < 0.1),
      points: maybe(0.8, () => Math.floor(r() * 3000)),
      score: maybe(0.5, () => Math.floor(r() * 200) - 50),
      is_smartphone: maybe(0.7, () => r() < 0.5),
      remark_1: maybe(0.3, () => pick(['要確認', 'memo 100%', 'a_b'])),
      tags: maybe(0.7, () => Array.from({ length: Math.floor(r() * 3) }, () => pick(vocabulary.tags))),
      // LINE配信設定 without drawing more numbers, so every seed keeps its data.
      line_permission: [null, 'allowed', 'refused', null, 'test', 'allowed'][i % 6] ?? null,
    });
    if (r() < 0.6) attributes.set(id, new Map([['会員ランク', pick(vocabulary.ranks)]]));
    // Number and date custom items (SATORI), some not numbers or dates, without drawing more numbers.
    const items = attributes.get(id) ?? new Map<string, string>();
    items.set('購入回数', vocabulary.counts[i % vocabulary.counts.length]!);
    items.set('最終来店日', vocabulary.visits[i % vocabulary.visits.length]!);
    attributes.set(id, items);
  }

  const products: ProductRow[] = shape.emptyProducts ? [] : vocabulary.products.slice(0, 6).map((code) => ({ product_code: code, category: maybe(0.8, () => pick(vocabulary.categories)) }));
  const purchases: PurchaseRow[] = [];
  if (!shape.emptyPurchases) {
    for (let o = 0; o < shape.orders; o++) {
      // A quarter of the orders tie with the customer's previous order on ordered_at.
      const previous = purchases.at(-1);
      const tie = previous !== undefined && r() < 0.25;
      const customer = tie ? previous.customer_id : r() < 0.05 ? `GUEST${o}` : pick(customers).customer_id;
      const orderedAt = tie ? previous.ordered_at : time(2022, 3.5);
      const orderId = `O${pad(Math.floor(r() * 1000), 3)}`;
      if (purchases.some((p) => p.order_id === orderId)) continue;
      const cancelled = r() < 0.1;
      const lines = 1 + Math.floor(r() * 3);
      for (let l = 1; l <= lines; l++) {
        purchases.push({
          order_id: orderId, line_no: l, customer_id: customer,
          store_id: maybe(0.9, () => pick(vocabulary.stores)),
          ordered_at: orderedAt,
          shipped_at: maybe(0.7, () => time(2022, 3.5)),
          product_code: pick(vocabulary.products),
          category: maybe(0.4, () => pick(vocabulary.categories)),
          quantity: maybe(0.9, () => 1 + Math.floor(r() * 3)),
          amount: maybe(0.95, () => 100 * Math.floor(r() * 50)),
          order_code: maybe(0.8, () => `A${pad(Math.floor(r() * 20), 4)}`),
          media: maybe(0.8, () => pick(vocabulary.media)),
          // Statuses, media and remarks vary without drawing more numbers, so every seed keeps its data.
          status: cancelled ? 'cancelled' : maybe(0.5, () => (o % 3 === 0 ? '発送済' : '完了')),
          counted: r() < 0.05 ? false : maybe(0.9, () => true),
          remark: [null, 'のし', 'ギフト ﾉｼ付き', null, 'GIFT包装'][(o + l) % 5] ?? null,
          groups: { 管理: maybe(0.7, () => pick(['VIP', '通常'])) },
        });
      }
    }
  }
  const mails: MailRow[] = vocabulary.mails.slice(0, 4).map((id) => ({
    mail_id: id, kind: maybe(0.9, () => pick(['manual', 'scheduled', 'scenario', 'auto'])), subject: pick(vocabulary.subjects),
    sent_at: maybe(0.9, () => time(2024, 1.5)), store_id: maybe(0.8, () => pick(vocabulary.stores)),
  })).map((m, i) => ({
    // 自動シナリオ and LTV-Lab's 自動メール種類, without drawing more numbers.
    ...m, kind: m.kind === 'scenario' && i % 2 === 1 ? 'auto_scenario' : m.kind, subkind: [null, 'フォロー', 'ﾌｫﾛｰ', '誕生日'][i % 4] ?? null,
  }));
  const events: MailEventRow[] = [];
  if (!shape.emptyEvents) {
    for (let e = 0; e < shape.events; e++) {
      events.push({ customer_id: pick(customers).customer_id, mail_id: pick(vocabulary.mails), event: pick(['send', 'send', 'open', 'click', 'qr', 'bounce']), occurred_at: time(2024, 1.5) });
    }
  }
  return { customers, attributes, purchases, products, mails, events, subscriptions: shape.emptyPurchases ? [] : randomSubscriptions(seed, customers) };
}

/** Subscriptions from a generator of their own, so the other tables keep their data for each seed. */
function randomSubscriptions(seed: number, customers: readonly CustomerRow[]): SubscriptionRow[] {
  const r = prng(seed + 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(p: number, v: () => T): T | null => (r() < p ? v() : null);
  const time = () => `${2023 + Math.floor(r() * 3)}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))} ${pick(['00:00:00', '10:30:00'])}`;
  const out: SubscriptionRow[] = [];
  for (let i = 0; i < customers.length * 0.6; i++) {
    const status = maybe(0.95, () => pick(['active', 'active', 'paused', 'cancelled']));
    out.push({
      subscription_id: `T${pad(i, 4)}`, customer_id: r() < 0.05 ? `GUEST${i}` : pick(customers).customer_id,
      product_code: maybe(0.9, () => pick(vocabulary.products)), status,
      started_at: maybe(0.9, time), next_delivery_at: status === 'cancelled' ? null : maybe(0.8, time),
      cancelled_at: status === 'cancelled' ? maybe(0.9, time) : null,
      cancel_reason: status === 'cancelled' ? maybe(0.8, () => pick(vocabulary.cancelReasons)) : null,
      cycle: maybe(0.7, () => pick(['1ヶ月ごと', '2ヶ月ごと', '30日'])), deliveries: maybe(0.9, () => Math.floor(r() * 12)),
      store_id: maybe(0.8, () => pick(vocabulary.stores)),
    });
  }
  return out;
}

const customerColumns = ['customer_id', 'name', 'name_kana', 'gender', 'birthday', 'email_pc', 'email_mobile', 'mail_permission', 'mail_status', 'bounce_count',
  'dm_permission', 'line_linked', 'line_status', 'postal_code', 'address', 'prefecture', 'status', 'registered_at', 'last_login_at', 'withdrawn', 'deleted',
  'points', 'score', 'is_smartphone', 'remark_1', 'line_permission'];

/** Writes a dataset into the (schema-only) database, as an import would leave it. */
/** Loads a dataset; `dictionary: false` leaves customer_values empty, so text conditions fold row by row. */
export async function loadDataset(db: DuckDBEngine, data: Dataset, options: { dictionary?: boolean } = {}): Promise<void> {
  await db.run(`ALTER TABLE customers ADD COLUMN "attr:会員ランク" VARCHAR`);
  await db.run(`ALTER TABLE customers ADD COLUMN "attr:購入回数" VARCHAR`);
  await db.run(`ALTER TABLE customers ADD COLUMN "attr:最終来店日" VARCHAR`);
  await db.run(`ALTER TABLE purchases ADD COLUMN "group:管理" VARCHAR`);
  for (const c of data.customers) {
    const values = customerColumns.map((k) => (c[k] === undefined ? null : c[k])) as (string | number | boolean | null)[];
    const rank = data.attributes.get(c.customer_id)?.get('会員ランク');
    const n = customerColumns.length;
    const items = data.attributes.get(c.customer_id);
    await db.run(`INSERT INTO customers (${customerColumns.join(', ')}, tags, "attr:会員ランク", "attr:購入回数", "attr:最終来店日") VALUES (${customerColumns.map((_, i) => `$${i + 1}`).join(', ')},
        from_json($${n + 1}, '["VARCHAR"]'), $${n + 2}, $${n + 3}, $${n + 4})`,
      [...values, c.tags === null ? null : JSON.stringify(c.tags), rank ?? null, items?.get('購入回数') || null, items?.get('最終来店日') || null]);
  }
  for (const p of data.products) await db.run('INSERT INTO products (product_code, category) VALUES ($1, $2)', [p.product_code, p.category]);
  for (const p of data.purchases) {
    await db.run(`INSERT INTO purchases (order_id, line_no, customer_id, store_id, ordered_at, shipped_at, product_code, category, quantity, amount, order_code, media, status, counted, "group:管理", remark)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [p.order_id, p.line_no, p.customer_id, p.store_id, p.ordered_at, p.shipped_at, p.product_code, p.category, p.quantity, p.amount, p.order_code, p.media, p.status, p.counted, p.groups['管理'] ?? null, p.remark ?? null]);
  }
  for (const m of data.mails) await db.run('INSERT INTO mails (mail_id, kind, subject, sent_at, store_id, subkind) VALUES ($1, $2, $3, $4, $5, $6)', [m.mail_id, m.kind, m.subject, m.sent_at, m.store_id, m.subkind ?? null]);
  for (const e of data.events) await db.run('INSERT INTO mail_events (customer_id, mail_id, event, occurred_at) VALUES ($1, $2, $3, $4)', [e.customer_id, e.mail_id, e.event, e.occurred_at]);
  for (const s of data.subscriptions ?? []) {
    await db.run(`INSERT INTO subscriptions (subscription_id, customer_id, product_code, status, started_at, next_delivery_at, cancelled_at, cancel_reason, cycle, deliveries, store_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [s.subscription_id, s.customer_id, s.product_code, s.status, s.started_at, s.next_delivery_at, s.cancelled_at, s.cancel_reason, s.cycle, s.deliveries, s.store_id]);
  }
  await refreshDerivedTables(db, 'products');
  await refreshDerivedTables(db, 'purchases');
  if (options.dictionary !== false) await refreshCustomerValues(db);
  // What a customers import keeps: the reachable flags and lookups the counts read.
  await refreshKeptCustomerColumns(db);
}
