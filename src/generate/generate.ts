import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, createReadStream, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../dialect/duckdb/sql-text.js';
import { asDiskFull, diskFullOf } from '../errors.js';
import * as v from './vocabulary.js';

export interface GenerateOptions {
  readonly customers: number;
  readonly outDir: string;
  readonly seed?: number;
  /** the last day of the generated history, YYYY-MM-DD */
  readonly until: string;
  /**
   * The order of the order lines and mail events in their files. `date` (default) is a cart's own:
   * lines by order date, each customer's spread over the whole file; `customer` groups them by
   * customer; `shuffled` is random. The rows are the same whatever the order.
   */
  readonly order?: FileOrder;
}

export const fileOrders = ['date', 'customer', 'shuffled'] as const;
export type FileOrder = (typeof fileOrders)[number];

export interface GeneratedFiles {
  readonly customers: string;
  readonly products: string;
  readonly purchases: string;
  readonly mails: string;
  readonly mailEvents: string;
  readonly subscriptions: string;
}

const list = (values: readonly string[]): string => `[${values.map(sqlString).join(', ')}]`;

/**
 * Writes a realistic Japanese shop in the input formats. Every random choice is a hash of the
 * seed and the row's identity, so the same options give the same files, however many threads
 * DuckDB uses. Encodings and headers vary on purpose, as real exports do: customers and mails
 * are CP932 with Japanese headers, products UTF-8 with a BOM and Japanese headers, purchases and
 * mail events UTF-8 with canonical headers.
 */
export async function generateSampleData(options: GenerateOptions): Promise<GeneratedFiles> {
  const n = Math.floor(options.customers);
  const seed = Math.floor(options.seed ?? 42);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.until)) throw new Error('INTERNAL ERROR: until must be YYYY-MM-DD');
  const out = resolve(options.outDir);
  mkdirSync(out, { recursive: true });
  // Sorting 20M lines or 30M events by date needs room to spill: the working tables live in a
  // scratch database file (removed at the end), with a temp folder beside it.
  const spill = join(out, '.generate-tmp');
  rmSync(spill, { recursive: true, force: true });
  mkdirSync(spill, { recursive: true });
  const instance = await DuckDBInstance.create(join(spill, 'generate.duckdb'), { memory_limit: '2GB', temp_directory: join(spill, 'spill') });
  const conn = await instance.connect();
  const run = async (sql: string) => {
    try {
      return await conn.run(sql);
    } catch (e) {
      // A full disk is named as such, with the file it stopped in (3x needs about 11 GB).
      throw (e instanceof Error && diskFullOf(e.message)) || e;
    }
  };
  const guests = Math.max(1, Math.floor(n / 200));
  const productCount = Math.max(50, Math.min(2000, Math.floor(n / 500)));
  const mailCount = n >= 10_000 ? 100 : 30;
  const until = sqlString(options.until);
  const order = options.order ?? 'date';
  if (!fileOrders.includes(order)) throw new Error(`INTERNAL ERROR: unknown file order ${String(order)}`);
  // A random order that is the same for the same seed: a hash of the row's identity.
  const lineOrder = { date: 'o.ordered_at, o.j, o.k, l', customer: 'o.j, o.k, l', shuffled: `hash(o.j, o.k, l, ${seed})` }[order];
  const eventOrder = { date: 'occurred_at, m, j, o', customer: 'j, m, o', shuffled: `hash(j, m, o, ${seed})` }[order];
  const weightedPrefectures = v.prefectures.flatMap(([name, w]) => Array<string>(w).fill(name));
  try {
    await run(`CREATE MACRO u(k, salt) AS (hash(k, salt, ${seed}) % 1000000007) / 1000000007.0`);
    await run(`CREATE MACRO pick(l, k, salt) AS l[1 + floor(u(k, salt) * len(l))::BIGINT]`);
    await run(`CREATE MACRO until_ts() AS CAST(${until} AS TIMESTAMP) + INTERVAL 1 DAY - INTERVAL 1 SECOND`);

    await run(`CREATE TABLE people AS SELECT j,
        lpad(j::VARCHAR, 8, '0') AS customer_id,
        CASE WHEN u(j, 'g') < 0.6 THEN 'female' WHEN u(j, 'g') < 0.95 THEN 'male' ELSE 'unknown' END AS gender,
        u(j, 'buyer') < 0.7 AS buyer,
        least(200, floor(pow(u(j, 'orders') * 0.999 + 0.001, -1.3)))::INT AS orders
      FROM range(1, ${n + guests + 1}) t(j)`);

    const customersFile = join(out, 'customers.csv');
    await copy(run, `SELECT
        customer_id AS "会員番号",
        pick(['100', '100', '200'], j, 'store') AS "登録店舗",
        s[1] || ' ' || g[1] AS "氏名",
        s[2] || ' ' || g[2] AS "フリガナ",
        CASE gender WHEN 'female' THEN '女性' WHEN 'male' THEN '男性' ELSE '不明' END AS "性別",
        CASE WHEN u(j, 'nobirth') < 0.08 THEN NULL
             ELSE strftime(DATE '1950-01-01' + floor(u(j, 'birth') * 20800)::INT, '%Y/%m/%d') END AS "生年月日",
        CASE WHEN u(j, 'pc') < 0.7 THEN 'user' || j || '@example.jp' END AS "PCメールアドレス",
        CASE WHEN u(j, 'mob') < 0.4 THEN 'm' || j || '@mobile.example.jp' END AS "携帯メールアドレス",
        CASE WHEN u(j, 'sp') < 0.8 THEN '1' ELSE '0' END AS "スマホ区分",
        CASE WHEN u(j, 'tel') < 0.85 THEN '090' || lpad((hash(j, 'tel', ${seed}) % 100000000)::VARCHAR, 8, '0') END AS "携帯電話番号",
        CASE WHEN u(j, 'addr') < 0.9 THEN lpad((hash(j, 'zip', ${seed}) % 1000)::VARCHAR, 3, '0') || '-' || lpad((hash(j, 'zip2', ${seed}) % 10000)::VARCHAR, 4, '0') END AS "郵便番号",
        pref AS "都道府県",
        CASE WHEN u(j, 'addr') < 0.9 THEN pref || pick(${list(v.cities)}, j, 'city') || (1 + hash(j, 'ban', ${seed}) % 9) || '-' || (1 + hash(j, 'go', ${seed}) % 20) END AS "住所",
        CASE WHEN u(j, 'perm') < 0.4 THEN '両方' WHEN u(j, 'perm') < 0.65 THEN 'PC' WHEN u(j, 'perm') < 0.8 THEN '携帯' ELSE '送信拒否' END AS "送信許可",
        CASE WHEN u(j, 'mst') < 0.9 THEN '正常' WHEN u(j, 'mst') < 0.94 THEN 'アドレスエラー' WHEN u(j, 'mst') < 0.96 THEN '無効'
             WHEN u(j, 'mst') < 0.97 THEN 'スパム' ELSE '一時エラー' END AS "送信状態",
        CASE WHEN u(j, 'bounce') < 0.8 THEN 0 ELSE floor(u(j, 'b2') * 6)::INT END AS "不達回数",
        CASE WHEN u(j, 'dm') < 0.7 THEN '許可' WHEN u(j, 'dm') < 0.97 THEN '拒否' ELSE 'テスト' END AS "DM配信",
        CASE WHEN u(j, 'line') < 0.3 THEN 'はい' ELSE 'いいえ' END AS "LINE連携",
        CASE WHEN u(j, 'line') < 0.3 AND u(j, 'lst') < 0.05 THEN 'アドレスエラー' END AS "LINE配信状態",
        pick(${list(v.statuses)}, j, 'status') AS "顧客ステータス",
        CASE WHEN orders >= 2 AND buyer THEN 'リピーター' ELSE '新規' END AS "顧客区分",
        pick(${list(v.routes)}, j, 'route') AS "登録経路",
        strftime(until_ts() - INTERVAL (floor(u(j, 'reg') * 2200 * 1440)::INT) MINUTE, '%Y/%m/%d %-H:%M') AS "登録日時",
        CASE WHEN u(j, 'wd') < 0.03 THEN '1' ELSE '0' END AS "退会",
        CASE WHEN u(j, 'del') < 0.01 THEN '1' ELSE '0' END AS "削除",
        floor(pow(u(j, 'pt'), 3) * 5000)::INT AS "保有ポイント",
        CASE WHEN u(j, 'fav') < 0.2 THEN 'お気に入り登録あり' END AS "備考1",
        CASE WHEN u(j, 'tag') < 0.5 THEN pick(${list(v.tags)}, j, 't1') || pick([';', '、'], j, 'sep') || pick(${list(v.tags)}, j, 't2') END AS "タグ",
        CASE WHEN u(j, 'rank') < 0.1 THEN 'ゴールド' WHEN u(j, 'rank') < 0.3 THEN 'シルバー' WHEN u(j, 'rank') < 0.6 THEN 'ブロンズ' END AS "attr:会員ランク"
      FROM (SELECT *, pick(${list(weightedPrefectures)}, j, 'pref') AS pref,
              pick([${v.surnames.map(([a, b]) => `[${sqlString(a)}, ${sqlString(b)}]`).join(', ')}], j, 'sn') AS s,
              CASE WHEN gender = 'male' THEN pick([${v.maleGiven.map(([a, b]) => `[${sqlString(a)}, ${sqlString(b)}]`).join(', ')}], j, 'gn')
                   ELSE pick([${v.femaleGiven.map(([a, b]) => `[${sqlString(a)}, ${sqlString(b)}]`).join(', ')}], j, 'gn') END AS g
            FROM people WHERE j <= ${n}) ORDER BY j`, customersFile, 'cp932');

    await run(`CREATE TABLE products AS SELECT p,
        'P' || lpad(p::VARCHAR, 5, '0') AS product_code,
        pick(${list(v.productWords)}, p, 'w') || pick(${list(v.productNouns)}, p, 'n') || ' ' || (50 + hash(p, 'ml', ${seed}) % 450) || 'ml' AS product_name,
        pick(${list(v.categories)}, p, 'cat') AS category,
        (500 + floor(pow(u(p, 'price'), 2) * 95) * 100)::INT AS price
      FROM range(1, ${productCount + 1}) t(p)`);
    const productsFile = join(out, 'products.csv');
    await copy(run, `SELECT product_code AS "商品コード", product_name AS "商品名", category AS "商品カテゴリ", price AS "価格" FROM products ORDER BY p`, productsFile, 'utf-8-bom');

    await run(`CREATE TABLE orders AS SELECT j, customer_id, k,
        'O' || (j * 1000 + k) AS order_id,
        until_ts() - INTERVAL (floor(u(j * 1000 + k, 'when') * 1095 * 1440)::INT) MINUTE AS ordered_at,
        1 + floor(u(j * 1000 + k, 'lines') * 4)::INT AS lines,
        u(j * 1000 + k, 'cancel') < 0.03 AS cancelled
      FROM people, range(orders) r(k) WHERE buyer OR j > ${n}`);
    const purchasesFile = join(out, 'purchases.csv');
    await copy(run, `SELECT o.order_id, l + 1 AS line_no, o.customer_id,
        pick(['100', '100', '200'], o.j, 'store') AS store_id,
        strftime(o.ordered_at, '%Y-%m-%d %H:%M:%S') AS ordered_at,
        CASE WHEN NOT o.cancelled AND o.ordered_at < until_ts() - INTERVAL 3 DAY
             THEN strftime(o.ordered_at + INTERVAL (1 + floor(u(o.j * 1000 + o.k, 'ship') * 3)::INT) DAY, '%Y-%m-%d %H:%M:%S') END AS shipped_at,
        pr.product_code,
        CASE WHEN u(o.j * 1000 + o.k + l, 'nocat') < 0.3 THEN NULL ELSE pr.category END AS category,
        q AS quantity, pr.price * q AS amount, pr.price AS unit_price,
        'A' || lpad((hash(o.j, o.k, 'code') % 2000)::VARCHAR, 4, '0') AS order_code,
        pick(${list(v.media)}, o.j * 1000 + o.k, 'media') AS media,
        CASE WHEN o.cancelled THEN 'キャンセル' ELSE '完了' END AS status,
        CASE WHEN u(o.j * 1000 + o.k + l, 'uncounted') < 0.01 THEN 'false' ELSE 'true' END AS counted,
        CASE WHEN u(o.j, 'vip') < 0.05 THEN 'VIP' ELSE '通常' END AS "group:管理ステイタス"
      FROM orders o, range(o.lines) r(l),
        LATERAL (SELECT 1 + floor(pow(u(o.j * 1000 + o.k + l, 'prod'), 2) * ${productCount})::INT AS p, 1 + floor(pow(u(o.j * 1000 + o.k + l, 'qty'), 3) * 3)::INT AS q) pick_line
        JOIN products pr ON pr.p = pick_line.p
      ORDER BY ${lineOrder}`, purchasesFile, 'utf-8');

    await run(`CREATE TABLE mails AS SELECT m,
        CASE WHEN u(m, 'kind') < 0.2 THEN 'S' ELSE 'M' END || lpad(m::VARCHAR, 4, '0') AS mail_id,
        CASE WHEN u(m, 'kind') < 0.2 THEN 'シナリオ' WHEN u(m, 'kind') < 0.3 THEN '自動' WHEN u(m, 'kind') < 0.6 THEN '曜日日時' ELSE '手動' END AS kind,
        pick(${list(v.subjects)}, m, 'subject') AS subject,
        until_ts() - INTERVAL (floor((${mailCount} - m) * 730.0 / ${mailCount})::INT) DAY - INTERVAL 14 HOUR AS sent_at,
        pick(['100', '100', '200'], m, 'store') AS store_id
      FROM range(1, ${mailCount + 1}) t(m)`);
    const mailsFile = join(out, 'mails.csv');
    await copy(run, `SELECT mail_id AS "メールID", kind AS "配信種別", subject AS "件名", strftime(sent_at, '%Y/%m/%d %H:%M') AS "送信日時", store_id AS "店舗" FROM mails ORDER BY m`, mailsFile, 'cp932');

    const mailEventsFile = join(out, 'mail_events.csv');
    await run(`CREATE TABLE sends AS
        SELECT p.j, p.customer_id, m.m, m.mail_id, m.sent_at, hash(p.j, m.m) AS h FROM people p, mails m
        WHERE p.j <= ${n} AND u(p.j * 1000 + m.m, 'sent') < 0.2`);
    await copy(run, `SELECT customer_id, mail_id, event, strftime(occurred_at, '%Y-%m-%d %H:%M:%S') AS occurred_at FROM (
        SELECT j, m, 0 AS o, customer_id, mail_id, 'send' AS event, sent_at AS occurred_at FROM sends
        UNION ALL SELECT j, m, 1, customer_id, mail_id, 'bounce', sent_at + INTERVAL 1 MINUTE FROM sends WHERE u(h, 'bounce') < 0.01
        UNION ALL SELECT j, m, 2, customer_id, mail_id, 'open', sent_at + INTERVAL (1 + floor(u(h, 'ot') * 4000)::INT) MINUTE FROM sends WHERE u(h, 'bounce') >= 0.01 AND u(h, 'open') < 0.25
        UNION ALL SELECT j, m, 3, customer_id, mail_id, 'click', sent_at + INTERVAL (4001 + floor(u(h, 'ct') * 1000)::INT) MINUTE FROM sends WHERE u(h, 'bounce') >= 0.01 AND u(h, 'open') < 0.25 AND u(h, 'click') < 0.3
        UNION ALL SELECT j, m, 4, customer_id, mail_id, 'qr', sent_at + INTERVAL (1 + floor(u(h, 'qt') * 9000)::INT) MINUTE FROM sends WHERE u(h, 'qr') < 0.02
      ) ORDER BY ${eventOrder}`, mailEventsFile, 'utf-8');

    // Subscriptions (定期受注): about one customer in eight has one or two, with ecforce's headers and words.
    const subscriptionsFile = join(out, 'subscriptions.csv');
    await copy(run, `SELECT 'T' || lpad((j * 10 + k)::VARCHAR, 9, '0') AS "定期受注番号", customer_id AS "会員番号",
        'P' || lpad((1 + floor(pow(u(h, 'sprod'), 2) * ${productCount})::INT)::VARCHAR, 5, '0') AS "商品コード",
        status AS "定期ステータス", strftime(started, '%Y/%m/%d') AS "開始日",
        CASE WHEN status <> '解約' THEN strftime(until_ts() + INTERVAL (1 + floor(u(h, 'next') * 60)::INT) DAY, '%Y/%m/%d') END AS "次回お届け予定日",
        CASE WHEN status = '解約' THEN strftime(least(until_ts(), started + INTERVAL (30 + floor(u(h, 'len') * 400)::INT) DAY), '%Y/%m/%d') END AS "解約日",
        CASE WHEN status = '解約' THEN pick(${list(v.cancelReasons)}, h, 'reason') END AS "解約理由",
        pick(['1ヶ月ごと', '1ヶ月ごと', '2ヶ月ごと', '3ヶ月ごと'], h, 'cycle') AS "お届け周期",
        1 + floor(u(h, 'deliveries') * 12)::INT AS "お届け回数",
        pick(['100', '100', '200'], j, 'store') AS "店舗"
      FROM (SELECT j, customer_id, k, hash(j, k, 'sub') AS h,
              CASE WHEN u(j * 10 + k, 'sst') < 0.6 THEN '継続' WHEN u(j * 10 + k, 'sst') < 0.75 THEN '休止' ELSE '解約' END AS status,
              CAST(until_ts() - INTERVAL (30 + floor(u(j * 10 + k, 'start') * 700)::INT) DAY AS DATE) AS started
            FROM people, range(1 + (u(j, 'subs2') < 0.2)::INT) r(k) WHERE j <= ${n} AND u(j, 'sub') < 0.12)
      ORDER BY j, k`, subscriptionsFile, 'utf-8');

    return { customers: customersFile, products: productsFile, purchases: purchasesFile, mails: mailsFile, mailEvents: mailEventsFile, subscriptions: subscriptionsFile };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}

type FileEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

/**
 * Writes a query to CSV with DuckDB, then re-encodes it when asked; the file appears whole, and a
 * failure leaves none of its temporary files (the 3x order lines' reached 6.4 GB).
 */
async function copy(run: (sql: string) => Promise<unknown>, query: string, target: string, encoding: FileEncoding): Promise<void> {
  const utf8 = `${target}.utf8.tmp`;
  const staged = `${target}.tmp`;
  try {
    await run(`COPY (${query}) TO ${sqlString(utf8)} (FORMAT csv, HEADER true)`);
    if (encoding === 'utf-8') {
      renameSync(utf8, target);
      return;
    }
    if (encoding === 'utf-8-bom') {
      writeFileSync(staged, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(utf8)]));
    } else {
      await pipeline(createReadStream(utf8), iconv.decodeStream('utf-8'), iconv.encodeStream('cp932'), createWriteStream(staged));
    }
    rmSync(utf8);
    renameSync(staged, target);
  } catch (e) {
    rmSync(utf8, { force: true });
    rmSync(staged, { force: true });
    throw asDiskFull(e, staged); // DuckDB's own failures are named by run
  }
}
