/** Definitions for the dialect contract test (dialect-contract.test.ts). */

/** Values that must stay data: quotes, backslashes, NUL, LIKE wildcards, placeholders, SQL. */
export const HOSTILE: readonly string[] = [
  "O'Brien", 'say "hi"', 'back\\slash', 'C:\\dir\\', 'nul\u0000byte', '100%_off', '%', '_',
  "'); DROP TABLE customers; --", '$1 ? :v */ /*',
];

export { savedVip } from '../reference/shop.js';

export interface Case {
  readonly where: unknown;
  readonly includeDeleted?: boolean;
  /** why the reference evaluator is not asked (the case only has to run) */
  readonly unreferenced?: string;
}

const field = (name: string, op: string, operand: Record<string, unknown> = {}) => ({ where: { kind: 'field', field: name, op, ...operand } });
const purchases = (leaf: Record<string, unknown>) => ({ where: { kind: 'purchases', ...leaf } });

/** Every condition kind, every field operator family, every purchases and mail path. */
export const cases: readonly Case[] = [
  ...['eq', 'ne', 'contains', 'starts_with', 'ends_with'].map((op) => field('name', op, { value: 'ﾔﾏﾀﾞ' })),
  ...['in', 'not_in'].map((op) => field('prefecture', op, { values: ['東京都', 'ＴＯＫＹＯ'] })),
  { ...field('prefecture', 'eq', { value: '' }), unreferenced: 'the planner reads eq "" as blank, the reference evaluator as no one (reported)' },
  field('prefecture', 'is_empty'), field('name', 'is_not_empty'),
  field('customer_id', 'between', { min: 1, max: 80 }),
  field('gender', 'eq', { value: '女性' }), field('mail_permission', 'in', { values: ['pc', 'both'] }), field('mail_permission', 'not_in', { values: ['送信拒否'] }),
  field('points', 'eq', { value: 5 }), field('points', 'ne', { value: 5 }), field('points', 'in', { values: [1, 2] }), field('points', 'not_in', { values: [1, 2] }),
  field('points', 'between', { min: 0, max: 10 }), field('score', 'between', { max: -1 }), field('points', 'is_empty'),
  field('line_linked', 'eq', { value: true }), field('withdrawn', 'ne', { value: true }),
  field('birthday', 'eq', { value: '2000-02-29' }), field('birthday', 'ne', { value: 'today' }), field('birthday', 'in', { values: ['2024-02-29', 'today-1y'] }),
  field('birthday', 'not_in', { values: ['2024-02-29'] }), field('birthday', 'between', { min: '1980-01-01', max: '1999-12-31' }),
  field('registered_at', 'between', { min: 'today-1y' }), field('last_login_at', 'eq', { value: 'today' }),
  field('tags', 'is_empty'), field('tags', 'is_not_empty'),
  field('attr:会員ランク', 'eq', { value: 'ゴールド' }), field('attr:会員ランク', 'contains', { value: 'ｺﾞｰ' }), field('attr:会員ランク', 'is_empty'), field('attr:無い属性', 'eq', { value: 'x' }),
  { where: { kind: 'birthday', from: '03-01', to: '03-31' } }, { where: { kind: 'birthday', from: '12-20', to: '01-10' } },
  { where: { kind: 'birthday', from: '02-01', to: '02-29' } }, { where: { kind: 'birthday', from: '06-15', to: '06-20' } },
  { where: { kind: 'age', min: 20, max: 39 } }, { where: { kind: 'tenure', min: 365 } },
  { where: { kind: 'rfm', r: [4, 5], f: [1, 3] } }, { where: { kind: 'rfm', cell: 'champions' } }, { where: { not: { kind: 'rfm', m: [5, 5] } } },
  { where: { kind: 'subscription' } }, { where: { not: { kind: 'subscription', status: ['継続'], count: { max: 0 } } } },
  { where: { kind: 'subscription', status: ['active', '解約'], products: ['P1'], deliveries: { min: 2 }, startedAt: { from: '2024-01-01' },
    nextDeliveryAt: { from: 'today', to: 'today+7d' }, cancelledAt: { to: 'today' }, cancelReasons: ['飲みきれない'], count: { min: 1, max: 2 } } },
  { where: { kind: 'birthday', month: 'next' } }, { where: { kind: 'birthday', from: 'today', to: 'today+14d' } },
  field('name', 'eq', { value: '山田 花子', loose: true }), field('phone_mobile', 'contains', { value: '090-1234', loose: true }),
  field('attr:会員ランク', 'in', { values: ['ごーるど', ''], loose: true }),
  field('attr:会員ランク', 'between', { min: 1, max: 5 }), field('attr:会員ランク', 'between', { min: '2024-01-01', max: 'today' }),
  { where: { kind: 'mail', event: 'open', mailFilter: { kinds: ['auto_scenario'], subkinds: ['フォロー'] } } },
  { where: { kind: 'tags', tags: ['vip', 'ｻﾝﾌﾟﾙ'] } }, { where: { kind: 'tags', tags: ['VIP', 'newsletter'], match: 'all' } },
  purchases({ orderCount: { min: 2 }, sales: { min: 1000, max: 5000 }, firstOrderedAt: { from: '2024-01-01' }, lastOrderedAt: { to: 'today-90d' }, lastShippedAt: { from: 'today-30d' } }),
  purchases({ orderCount: { min: 0, max: 0 } }),
  purchases({ window: { from: 'today-90d' }, orderCount: { min: 1 } }), purchases({ window: { to: '2024-12-31' }, orderCount: { min: 0, max: 0 } }),
  purchases({ window: { from: '2024-01-01', to: '2024-12-31', on: 'shipped' }, orderCount: { min: 1, max: 3 }, sales: { min: 0 } }),
  purchases({ stores: ['100'], media: ['google'], orderCodes: { min: 'A0001', max: 'A0999' }, groups: { 管理: ['VIP'] }, orderCount: { min: 1 } }),
  purchases({ groups: { 無い: ['x'] }, orderCount: { min: 0, max: 0 } }),
  purchases({ products: [{ products: ['P1'], count: { min: 2 } }, { products: ['P2'], count: { min: 3 }, unit: 'quantity' }, { categories: ['化粧品'], count: { min: 1 } }] }),
  purchases({ products: [{ products: ['P1', 'P2'], count: { min: 0, max: 0 } }, { products: ['P3'], categories: ['サプリ'], count: { min: 1 } }] }),
  purchases({ products: [{ products: ['P1', 'P3'], count: { min: 2 } }] }),
  purchases({ window: { from: 'today-1y' }, products: [{ products: ['P1'], count: { min: 2 } }, { categories: ['化粧品'], count: { max: 1 }, unit: 'quantity' }] }),
  purchases({ window: { from: 'today-1y' }, products: [{ products: ['P1'], count: { min: 1 } }, { categories: ['化粧品'], count: { min: 0, max: 0 } }] }),
  purchases({ firstOrderProducts: ['P1', 'P2'] }), purchases({ stores: ['100'], lastOrderProducts: ['P2'] }),
  { where: { kind: 'mail', event: 'open', mails: ['M1', 'M2'] } },
  { where: { kind: 'mail', event: 'click', mails: ['M1', 'M2'], match: 'all', window: { from: 'today-3m' } } },
  { where: { kind: 'mail', event: 'send', mailFilter: { kinds: ['manual', 'scenario'], subjectContains: 'ｾｰﾙ', sent: { from: '2024-01-01' }, stores: ['100'] }, match: 'all' } },
  { where: { kind: 'mail', event: 'open', mailFilter: { subjectContains: 'セール' } } },
  ...['email', 'email_pc', 'email_mobile', 'line', 'dm'].map((channel) => ({ where: { kind: 'reachable', channel } })),
  { where: { kind: 'segment', name: 'saved-vip' } },
  { where: { all: [{ kind: 'segment', name: 'saved-vip' }, { not: { kind: 'segment', name: 'saved-vip' } }] } },
  { where: { all: [] } }, { where: { any: [] } }, { where: { not: { any: [] } } }, { includeDeleted: true, where: { all: [] } },
  { where: { any: [{ all: [{ kind: 'age', min: 30 }, { not: { kind: 'tags', tags: ['vip'] } }] }, { kind: 'reachable', channel: 'line' }] } },
];

/** Empty lists, those the validator accepts and those it refuses (the planner must cope with both). */
export const emptyLists: readonly Case[] = [
  field('prefecture', 'in', { values: [] }), field('prefecture', 'not_in', { values: [] }), field('points', 'in', { values: [] }),
  field('birthday', 'in', { values: [] }), field('birthday', 'not_in', { values: [] }),
  { where: { kind: 'tags', tags: [] } }, { where: { kind: 'tags', tags: [], match: 'all' } },
  { where: { kind: 'mail', event: 'open', mails: [] } }, { where: { kind: 'mail', event: 'open', mails: [], match: 'all' } },
  purchases({ stores: [], media: [], groups: { 管理: [] }, orderCount: { min: 1 } }),
  purchases({ firstOrderProducts: [] }), purchases({ lastOrderProducts: [] }),
  purchases({ products: [{ products: [], count: { min: 1 } }] }), purchases({ products: [{ categories: [], count: { min: 0, max: 0 } }] }),
];

/** Each place a text value reaches the SQL; `negated` when the customer holding the value is not selected. */
export function placements(v: string): Array<{ what: string; where: unknown; negated?: boolean }> {
  const one = (what: string, where: unknown, negated = false) => ({ what, where, negated });
  return [
    ...['eq', 'contains', 'starts_with', 'ends_with'].map((op) => one(`name ${op}`, { kind: 'field', field: 'name', op, value: v })),
    one('name ne', { kind: 'field', field: 'name', op: 'ne', value: v }, true),
    one('name in', { kind: 'field', field: 'name', op: 'in', values: [v, 'nobody'] }),
    one('name not_in', { kind: 'field', field: 'name', op: 'not_in', values: [v] }, true),
    one('attribute eq', { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: v }),
    one('attribute contains', { kind: 'field', field: 'attr:会員ランク', op: 'contains', value: v }),
    one('tags any', { kind: 'tags', tags: [v] }), one('tags all', { kind: 'tags', tags: [v, v.toUpperCase()], match: 'all' }),
    one('product row', { kind: 'purchases', products: [{ products: [v], count: { min: 1 } }] }),
    one('product row quantity', { kind: 'purchases', products: [{ products: [v, 'P9'], count: { min: 1 }, unit: 'quantity' }] }),
    one('category row', { kind: 'purchases', products: [{ categories: [v], count: { min: 1, max: 1 } }] }),
    one('stores', { kind: 'purchases', stores: [v], orderCount: { min: 1 } }),
    one('media', { kind: 'purchases', media: [v], sales: { min: 1 } }),
    one('groups', { kind: 'purchases', groups: { 管理: [v] }, orderCount: { min: 1 } }),
    one('order codes', { kind: 'purchases', orderCodes: { min: v, max: v }, orderCount: { min: 1 } }),
    one('first order products', { kind: 'purchases', firstOrderProducts: [v] }),
    one('last order products', { kind: 'purchases', window: { from: '2024-01-01' }, lastOrderProducts: [v] }),
    one('statuses', { kind: 'purchases', statuses: [v], orderCount: { min: 1 } }),
    one('remark row', { kind: 'purchases', products: [{ remarkContains: v, count: { min: 1 } }] }),
    one('last order filter', { kind: 'purchases', lastOrder: { stores: [v], media: [v], orderCodes: { min: v }, groups: { 管理: [v] }, statuses: [v], products: [v], remarkContains: v } }),
    one('mail ids', { kind: 'mail', event: 'open', mails: [v] }),
    one('mail ids, all', { kind: 'mail', event: 'open', mails: [v], match: 'all' }),
    one('mail subject', { kind: 'mail', event: 'open', mailFilter: { subjectContains: v } }),
    one('mail stores', { kind: 'mail', event: 'open', mailFilter: { stores: [v] }, match: 'all' }),
    one('saved segment name', { kind: 'segment', name: v }),
    one('name eq, loose', { kind: 'field', field: 'name', op: 'eq', value: v, loose: true }),
    one('attribute contains, loose', { kind: 'field', field: 'attr:会員ランク', op: 'contains', value: v, loose: true }),
    one('mail subkinds', { kind: 'mail', event: 'open', mailFilter: { subkinds: [v] } }),
    one('subscription products and reasons', { kind: 'subscription', products: [v], cancelReasons: [v] }),
    one('no subscription of the product', { kind: 'subscription', products: [v], count: { max: 0 } }, true),
  ];
}

export interface Golden {
  readonly name: string;
  readonly entry: 'compileCount' | 'compileMembers' | 'compileMemberFlags' | 'compileMailSelectionCount';
  /**
   * `numbered`: summaries, with customer numbers on customers, mail_events and customer_summary
   * (DuckDB only); `numbered, stored mail sets`: also the sets of each mail's answers (mail_event_sets)
   */
  readonly schema: 'row by row' | 'summaries and value dictionary' | 'numbered' | 'numbered, stored mail sets';
  readonly definition: unknown;
}

/** Representative definitions whose SQL is stored under __golden__/<dialect>/<name>.sql. */
export const golden: readonly Golden[] = [
  { name: 'text-operators', entry: 'compileMembers', schema: 'row by row', definition: { where: { any: [
    { kind: 'field', field: 'name', op: 'contains', value: "50%_off\\'" }, { kind: 'field', field: 'name', op: 'starts_with', value: 'ﾔﾏﾀﾞ' },
    { kind: 'field', field: 'name', op: 'ends_with', value: '子' }, { kind: 'field', field: 'name', op: 'ne', value: 'Ｓａｔｏ' },
    { kind: 'field', field: 'prefecture', op: 'is_empty' }, { kind: 'field', field: 'customer_id', op: 'between', min: 100, max: 200 },
  ] } } },
  { name: 'value-dictionary', entry: 'compileMembers', schema: 'summaries and value dictionary', definition: { where: { all: [
    { kind: 'field', field: 'prefecture', op: 'in', values: ['tokyo', '東京都'] }, { kind: 'field', field: 'name', op: 'contains', value: 'ﾔﾏﾀﾞ' },
    { kind: 'tags', tags: ['vip', 'サンプル'], match: 'all' },
  ] } } },
  { name: 'long-list', entry: 'compileMembers', schema: 'row by row', definition: { where: { all: [
    { kind: 'field', field: 'customer_id', op: 'in', values: Array.from({ length: 70 }, (_, i) => `C${i}`) },
    { kind: 'field', field: 'points', op: 'not_in', values: Array.from({ length: 70 }, (_, i) => i * 10) },
  ] } } },
  { name: 'numbers-booleans-enums', entry: 'compileMembers', schema: 'row by row', definition: { where: { all: [
    { kind: 'field', field: 'points', op: 'between', min: 100 }, { kind: 'field', field: 'line_linked', op: 'eq', value: true },
    { kind: 'field', field: 'gender', op: 'eq', value: '女性' }, { kind: 'field', field: 'mail_permission', op: 'not_in', values: ['送信拒否'] },
  ] } } },
  { name: 'dates', entry: 'compileMembers', schema: 'row by row', definition: { where: { any: [
    { kind: 'birthday', from: '12-20', to: '01-10' }, { kind: 'birthday', from: '02-01', to: '02-29' }, { kind: 'age', min: 20, max: 29 },
    { kind: 'tenure', max: 30 }, { kind: 'field', field: 'registered_at', op: 'between', min: 'today-1m', max: 'today' },
    { kind: 'field', field: 'birthday', op: 'in', values: ['2000-02-29', 'today'] },
  ] } } },
  { name: 'tags-and-attributes', entry: 'compileMembers', schema: 'row by row', definition: { where: { all: [
    { kind: 'tags', tags: ['VIP', 'ｻﾝﾌﾟﾙ'] }, { not: { kind: 'field', field: 'tags', op: 'is_empty' } },
    { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールド' }, { kind: 'field', field: 'attr:無い属性', op: 'is_not_empty' },
  ] } } },
  { name: 'purchases-lifetime', entry: 'compileCount', schema: 'summaries and value dictionary', definition: { where: { all: [
    { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 }, lastOrderedAt: { to: 'today-90d' } },
    { kind: 'purchases', products: [{ products: ['P00001'], count: { min: 1 } }, { categories: ['化粧品'], count: { min: 2 } }, { products: ['P00002'], count: { min: 0, max: 0 } }] },
    { kind: 'purchases', window: { from: 'today-90d' }, orderCount: { min: 1 } },
  ] } } },
  { name: 'purchases-scoped', entry: 'compileMembers', schema: 'summaries and value dictionary', definition: { where: { all: [
    { kind: 'purchases', window: { from: 'today-1y', on: 'shipped' }, stores: ['100'], media: ['line'], orderCodes: { min: 'A0001' }, groups: { 管理: ['VIP'] },
      orderCount: { min: 2 }, firstOrderProducts: ['P1'], products: [{ products: ['P1', 'P2'], count: { min: 2 } }, { categories: ['サプリ'], count: { max: 3 }, unit: 'quantity' }] },
    { kind: 'purchases', window: { to: '2024-12-31' }, products: [{ products: ['P3'], count: { min: 1 } }, { products: ['P4'], count: { min: 0, max: 0 } }] },
  ] } } },
  { name: 'mail', entry: 'compileMembers', schema: 'row by row', definition: { where: { any: [
    { kind: 'mail', event: 'open', mails: ['M1', 'M2'], window: { from: 'today-30d' } },
    { kind: 'mail', event: 'click', mailFilter: { kinds: ['manual'], subjectContains: 'ｾｰﾙ', sent: { from: '2025-01-01' }, stores: ['100'] }, match: 'all' },
    { not: { kind: 'mail', event: 'send', mails: ['M3'], match: 'all' } },
  ] } } },
  { name: 'mail-selection-count', entry: 'compileMailSelectionCount', schema: 'row by row', definition: { where:
    { kind: 'mail', event: 'open', mailFilter: { kinds: ['scenario', 'auto'], subjectContains: '新商品', sent: { to: 'today-1d' } } } } },
  // The forms a database made by imports is counted with: joins by customer number, and a "not"
  // mail leaf as one bitstring of the leaf's customers (compile-mail.ts).
  { name: 'numbered', entry: 'compileCount', schema: 'numbered', definition: { where: { all: [
    { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 } },
    { kind: 'purchases', window: { from: 'today-365d' }, orderCount: { min: 0, max: 0 } },
    { kind: 'mail', event: 'open', mails: ['M1', 'M2'] },
    { not: { kind: 'mail', event: 'click', mails: ['M3', 'M4'] } },
  ] } } },
  // Lifetime "not" mail leaves from the stored sets of their mails' customers (not sends, which
  // have none); a present leaf joins the events.
  { name: 'numbered-mail-sets', entry: 'compileCount', schema: 'numbered, stored mail sets', definition: { where: { all: [
    { kind: 'mail', event: 'open', mails: ['M1', 'M2'] },
    { not: { kind: 'mail', event: 'click', mailFilter: { kinds: ['scenario'] } } },
    { not: { kind: 'mail', event: 'send', mails: ['M3'] } },
  ] } } },
  { name: 'reachable-flags-segment', entry: 'compileMemberFlags', schema: 'row by row', definition: { includeDeleted: true, where: { all: [
    { kind: 'reachable', channel: 'email' }, { not: { kind: 'reachable', channel: 'dm' } }, { kind: 'segment', name: 'saved-vip' }, { any: [] },
  ] } } },
];
