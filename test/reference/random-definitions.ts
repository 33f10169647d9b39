import fc from 'fast-check';
import { vocabulary } from './random-data.js';

const dateValue = fc.oneof(
  fc.constantFrom('today', 'today-1d', 'today-30d', 'today-1m', 'today-3m', 'today-1y', 'today+1w', 'today-2y', 'today-13m'),
  fc.constantFrom('2023-02-28', '2024-02-29', '2024-03-31', '2024-06-15', '2024-12-31', '2025-01-01', '2024-06-15 12:00:00', '2024-11-30 23:59:59'),
);
const dateRange = fc.record({ from: dateValue, to: dateValue }, { requiredKeys: [] });
const numberRange = (lo: number, hi: number) =>
  fc.tuple(fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }), fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }))
    .filter(([a, b]) => (a !== undefined || b !== undefined) && (a === undefined || b === undefined || a <= b))
    .map(([min, max]) => ({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }));
const some = <T>(xs: readonly T[]) => fc.uniqueArray(fc.constantFrom(...xs), { minLength: 1, maxLength: 3 });

const textValue = fc.constantFrom(...vocabulary.names.filter((n) => n.trim() !== ''), ...vocabulary.prefectures, ...vocabulary.statuses, 'ヤマダ', 'yamada', '東京', 'example.jp', '00001', 'C3', '100%', 'a_b');
const textField = fc.record({
  kind: fc.constant('field'),
  field: fc.constantFrom('name', 'name_kana', 'prefecture', 'status', 'email_pc', 'remark_1', 'customer_id', 'attr:会員ランク', 'attr:無い属性'),
  op: fc.constantFrom('eq', 'ne', 'contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty'),
}).chain((leaf) => (leaf.op.startsWith('is_') ? fc.constant(leaf) : textValue.map((value) => ({ ...leaf, value }))));
// '' (and '  ') in a list or as a value: the "unselected" customers (segment-definition.md, field).
const listField = fc.record({ kind: fc.constant('field'), field: fc.constantFrom('prefecture', 'status', 'name', 'customer_id', 'attr:会員ランク', 'attr:無い属性'), op: fc.constantFrom('in', 'not_in'), values: fc.uniqueArray(fc.oneof({ arbitrary: textValue, weight: 4 }, fc.constantFrom('', '  ')), { minLength: 1, maxLength: 4 }) });
const emptyValueField = fc.record({ kind: fc.constant('field'), field: fc.constantFrom('prefecture', 'name', 'attr:会員ランク', 'attr:無い属性'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom('', '  ') });
const enumField = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.constant('gender'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom('female', 'male', '女性', 'unknown') }),
  fc.record({ kind: fc.constant('field'), field: fc.constant('mail_permission'), op: fc.constantFrom('in', 'not_in'), values: some(['pc', 'mobile', 'both', 'refused', '送信拒否']) }),
);
const numberField = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('points', 'score', 'bounce_count'), op: fc.constant('between') }).chain((l) => numberRange(-60, 3000).map((r) => ({ ...l, ...r }))),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('points', 'bounce_count'), op: fc.constantFrom('eq', 'ne'), value: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('field'), field: fc.constant('customer_id'), op: fc.constant('between') }).chain((l) => numberRange(0, 80).map((r) => ({ ...l, ...r }))),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('line_linked', 'withdrawn', 'is_smartphone'), op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('points', 'tags', 'birthday'), op: fc.constantFrom('is_empty', 'is_not_empty') }),
);
const dateField = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('birthday', 'registered_at', 'last_login_at'), op: fc.constant('between'), min: fc.option(dateValue, { nil: undefined }), max: fc.option(dateValue, { nil: undefined }) })
    .filter((l) => l.min !== undefined || l.max !== undefined),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('registered_at', 'birthday'), op: fc.constantFrom('eq', 'ne'), value: dateValue }),
);
// Loose text (spaces, hyphens, dashes, kana) and number / date ranges on attributes.
const looseValue = fc.constantFrom('やまだ はなこ', '山田花子', 'ヤマダハナコ', 'ﾔﾏﾀﾞ', 'やまだ', 'はなこ', '1000001', '100ー0001', '530－0001', 'ごーるど', 'ゴールド', 'ー', '-', 'hanako');
const looseField = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('name', 'name_kana', 'postal_code', 'attr:会員ランク', 'customer_id'), op: fc.constantFrom('eq', 'ne', 'contains', 'starts_with', 'ends_with'), value: looseValue, loose: fc.constant(true) }),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('name', 'postal_code', 'attr:会員ランク'), op: fc.constantFrom('in', 'not_in'), values: fc.uniqueArray(looseValue, { minLength: 1, maxLength: 3 }), loose: fc.boolean() }),
);
const attributeRange = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.constant('attr:購入回数'), op: fc.constant('between') }).chain((l) => numberRange(-3, 15).map((r) => ({ ...l, ...r }))),
  fc.record({ kind: fc.constant('field'), field: fc.constant('attr:購入回数'), op: fc.constant('between'), min: fc.constant(3.5) }),
  fc.record({ kind: fc.constant('field'), field: fc.constantFrom('attr:最終来店日', 'attr:無い属性'), op: fc.constant('between'), min: fc.option(dateValue, { nil: undefined }), max: fc.option(dateValue, { nil: undefined }) })
    .filter((l) => l.min !== undefined || l.max !== undefined),
);
const monthDay = fc.constantFrom('01-01', '02-28', '02-29', '03-01', '06-15', '12-20', '12-31', '01-10');
// The birthday coupon's relative forms: this / next / a month, or days around the as-of date (mixed with MM-DD too).
const relativeDay = fc.constantFrom('today', 'today+14d', 'today-3d', 'today+1m', 'today+2w', 'today+1y', 'today+364d', 'today+363d', 'today-1y');
const birthdayRelative = fc.oneof(
  fc.record({ kind: fc.constant('birthday'), month: fc.constantFrom('this', 'next', 1, 2, 12) }),
  fc.record({ kind: fc.constant('birthday'), from: relativeDay, to: relativeDay }),
  fc.record({ kind: fc.constant('birthday'), from: fc.oneof(relativeDay, monthDay), to: fc.oneof(relativeDay, monthDay) }),
);
const scopeParts = {
  window: fc.record({ from: dateValue, to: dateValue, on: fc.constantFrom('ordered', 'shipped') }, { requiredKeys: [] }),
  stores: some(vocabulary.stores),
  media: some(vocabulary.media),
  orderCodes: fc.record({ min: fc.constantFrom('A0003', 'A0010'), max: fc.constantFrom('A0012', 'A0019') }, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0),
  groups: fc.record({ 管理: some(['VIP', '通常']) }),
  shipWindow: dateRange,
  statuses: some(['完了', '発送済', 'キャンセル', 'cancelled', '未対応']),
};
/** lastOrder / firstOrder: one to three of the order filters ("media": [] only with "mediaEmpty": true). */
const orderFilter = fc.record({
  stores: some(vocabulary.stores),
  media: fc.oneof(some(vocabulary.media).map((media) => ({ media })), fc.constant({ media: [], mediaEmpty: true }), some(vocabulary.media).map((media) => ({ media, mediaEmpty: true }))),
  orderCodes: fc.record({ min: fc.constantFrom('A0003', 'A0010'), max: fc.constantFrom('A0012', 'A0019') }, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0),
  groups: fc.record({ 管理: some(['VIP', '通常']) }),
  statuses: some(['完了', '発送済', 'cancelled']),
  products: some(vocabulary.products),
  remarkContains: fc.constantFrom('のし', 'ノシ', 'gift', '包装'),
}, { requiredKeys: [] }).filter((f) => Object.keys(f).length > 0 && Object.keys(f).length <= 3)
  .map(({ media, ...rest }) => ({ ...rest, ...(media ?? {}) }));
const figureParts = {
  orderCount: fc.oneof(numberRange(0, 4), fc.constant({ min: 0, max: 0 }), fc.constant({ min: 1 })),
  sales: fc.oneof(numberRange(0, 8000), fc.constant({ max: 0 })),
  firstOrderedAt: dateRange,
  lastOrderedAt: dateRange,
  lastShippedAt: dateRange,
  firstOrderProducts: some(vocabulary.products),
  lastOrderProducts: some(vocabulary.products),
  lastOrder: orderFilter,
  firstOrder: orderFilter,
  products: fc.array(fc.record({
    products: fc.option(some(vocabulary.products), { nil: undefined }),
    categories: fc.option(some(vocabulary.categories), { nil: undefined }),
    remarkContains: fc.option(fc.constantFrom('のし', 'ﾉｼ', 'Gift', '包装'), { nil: undefined, freq: 3 }),
    count: fc.oneof(numberRange(0, 4), fc.constant({ min: 0, max: 0 })),
    unit: fc.option(fc.constantFrom('orders', 'quantity'), { nil: undefined }),
  }).filter((row) => row.products !== undefined || row.categories !== undefined || row.remarkContains !== undefined), { minLength: 1, maxLength: 3 }),
};
/** A few scope filters (often none) and one or two figures, so that each rule is exercised alone too. */
const purchases = fc.tuple(
  fc.subarray(Object.keys(scopeParts) as (keyof typeof scopeParts)[], { maxLength: 2 }),
  fc.subarray(Object.keys(figureParts) as (keyof typeof figureParts)[], { minLength: 1, maxLength: 2 }),
).chain(([scopes, figures]) => fc.record({
  kind: fc.constant('purchases'),
  ...Object.fromEntries(scopes.map((k) => [k, scopeParts[k]])),
  ...Object.fromEntries(figures.map((k) => [k, figureParts[k]])),
}));
const mail = fc.record({
  kind: fc.constant('mail'),
  event: fc.constantFrom('send', 'open', 'click', 'qr'),
  match: fc.option(fc.constantFrom('any', 'all'), { nil: undefined }),
  window: fc.option(dateRange, { nil: undefined }),
}).chain((leaf) => fc.oneof(
  // Up to 10 ids: a list over 8 is read by one IN scan, a shorter one a scan per id (compile-mail.ts).
  fc.uniqueArray(fc.constantFrom(...vocabulary.mails, 'NOPE', 'M4', 'M5', 'M6', 'S3', 'S4'), { minLength: 1, maxLength: 10 }).map((mails) => ({ ...leaf, mails })),
  fc.record({ kinds: fc.option(some(['manual', 'scheduled', 'scenario', 'auto', 'auto_scenario']), { nil: undefined }), subkinds: fc.option(some(['フォロー', '誕生日', 'ふぉろー']), { nil: undefined }), subjectContains: fc.option(fc.constantFrom('セール', 'ｾｰﾙ', '新'), { nil: undefined }), sent: fc.option(dateRange, { nil: undefined }), stores: fc.option(some(vocabulary.stores), { nil: undefined }) }, { requiredKeys: [] })
    .map((mailFilter) => ({ ...leaf, mailFilter })),
));

const scoreRange = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
/** RFM scores as ranges (any of r, f, m), or a named cell. */
const rfm = fc.oneof(
  fc.record({ kind: fc.constant('rfm'), r: scoreRange, f: scoreRange, m: scoreRange }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('rfm'), cell: fc.constantFrom('champions', 'loyal', 'potential_loyalist', 'new_customers', 'promising', 'need_attention', 'about_to_sleep', 'at_risk', 'cannot_lose_them', 'hibernating', 'lost') }),
);

/** Subscriptions: a few filters (often none) and a count, 0~0 included. */
const subscriptionParts = {
  status: some(['active', 'paused', 'cancelled', '継続', '解約']),
  products: some(vocabulary.products),
  deliveries: numberRange(0, 12),
  startedAt: dateRange,
  nextDeliveryAt: dateRange,
  cancelledAt: dateRange,
  cancelReasons: some(['飲みきれない', 'ﾉﾐｷﾚﾅｲ', 'price', '効果を感じない']),
  count: fc.oneof(numberRange(0, 3), fc.constant({ min: 0, max: 0 }), fc.constant({ min: 2 })),
};
const subscription = fc.subarray(Object.keys(subscriptionParts) as (keyof typeof subscriptionParts)[], { maxLength: 3 })
  .chain((keys) => fc.record({ kind: fc.constant('subscription'), ...Object.fromEntries(keys.map((k) => [k, subscriptionParts[k]])) }));

/** Random leaves of every kind, with values from the random data's vocabulary and edge dates. */
export const leaf = fc.oneof(
  { arbitrary: textField, weight: 2 }, listField, emptyValueField, enumField, numberField, dateField,
  fc.record({ kind: fc.constant('birthday'), from: monthDay, to: monthDay }),
  birthdayRelative,
  looseField, attributeRange,
  { arbitrary: subscription, weight: 2 },
  fc.record({ kind: fc.constant('age'), min: fc.integer({ min: 10, max: 50 }), max: fc.integer({ min: 50, max: 90 }) }, { requiredKeys: ['kind'] }).filter((l) => 'min' in l || 'max' in l),
  fc.record({ kind: fc.constant('tenure') }).chain((l) => numberRange(0, 2500).map((r) => ({ ...l, ...r }))),
  fc.record({ kind: fc.constant('tags'), tags: some(vocabulary.tags), match: fc.option(fc.constantFrom('any', 'all'), { nil: undefined }) }),
  fc.record({ kind: fc.constant('reachable'), channel: fc.constantFrom('email', 'email_pc', 'email_mobile', 'line', 'dm') }),
  { arbitrary: purchases, weight: 6 },
  { arbitrary: mail, weight: 3 },
  fc.constant({ kind: 'segment', name: 'saved-vip' }),
  { arbitrary: rfm, weight: 2 },
);

const clean = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Definitions: leaves nested in all / any / not groups (empty groups included). */
export const definition = fc.letrec<{ condition: unknown }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
})).condition.chain((where) => fc.record({ version: fc.constant(1), includeDeleted: fc.boolean(), where: fc.constant(where) })).map(clean);

// Equalities of one field under one `any`, as a program writing a definition per id does: the
// planner joins 16 or more into one `in` (compile-condition.ts), which must select the same.
const equalities = fc.constantFrom(
  { field: 'prefecture' }, { field: 'customer_id' }, { field: 'attr:会員ランク' }, { field: 'attr:無い属性' },
  { field: 'name', loose: true }, { field: 'customer_id', loose: true }, { field: 'name', loose: false },
).chain(({ field, loose }) => {
  const value = fc.oneof({ arbitrary: loose === undefined ? textValue : looseValue, weight: 8 }, fc.constantFrom('', '  '));
  const one = fc.oneof(
    fc.record({ op: fc.constant('eq'), value }),
    fc.record({ op: fc.constant('in'), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
  ).map((test) => ({ kind: 'field', field, ...(loose === undefined ? {} : { loose }), ...test }));
  return fc.array(one, { minLength: 16, maxLength: 40 });
});
export const manyEqualities = fc.tuple(equalities, fc.array(leaf, { maxLength: 2 }), fc.boolean(), fc.boolean())
  .map(([joined, others, negated, includeDeleted]) => {
    const any = { any: [...joined, ...others] };
    return clean({ version: 1, includeDeleted, where: negated ? { not: any } : any });
  });
