/**
 * The query language's names for the definition's properties (query-language.md): one table per
 * kind, read by both the parser and the printer, in the order of the JSON model (which is the
 * canonical order of the printed text). test/unit/query-grammar.test.ts walks the definition's
 * JSON Schema and fails on a kind or property missing here.
 */
export type ValueType =
  /** a text, number or true/false as written */
  | 'scalar'
  /** a list: one value, or `(a, b, …)` */
  | 'list'
  | 'bool'
  /** `from..to` (either end may be left out), or `>= from`, `<= to`, `= day` */
  | 'dates'
  /** `min..max` over texts or numbers */
  | 'bounds'
  /** a date range with `on ordered|shipped` after it */
  | 'window'
  /** `[lo, hi]` written `lo..hi` */
  | 'pair'
  /** `{ NAME: list, … }` */
  | 'groups'
  /** `{ … }` holding the mail filter's arguments */
  | 'mailFilter';

/**
 * What a place's values are. `number`: a count, an age, an amount, a score, where a bare number is
 * that number however it is written (`1e3` is 1000). `text`: a code, a name, a date, a tag, where
 * a number-like word keeps the characters typed (`1.10`, `1e3`, cursor.ts `bareNumber`). Text is
 * the default: a number place left unmarked gives the definition's "must be a number" fault, where
 * a text place read as a number would change the text without a word.
 */
export type Holds = 'number' | 'text';

export interface Arg {
  /** the name in the text */
  readonly name: string;
  /** the JSON property */
  readonly key: string;
  readonly type: ValueType;
  readonly aliases?: readonly string[];
  /** written `name ~ value` (a text the property contains) */
  readonly tilde?: boolean;
  /** the properties of the mail filter are written among the leaf's own */
  readonly inFilter?: boolean;
  /** a range whose ends are the leaf's own `from` / `to` (birthday's window) */
  readonly ends?: boolean;
  /** what its values are (text when left out) */
  readonly holds?: Holds;
}

const arg = (key: string, type: ValueType, extra: Partial<Arg> = {}): Arg => ({ name: key, key, type, ...extra });

export const holdsOf = (a: Arg): Holds => a.holds ?? 'text';

/** The arguments of a kind: at most one written without its name (first), then named ones. */
export interface ArgList {
  readonly positional?: Arg;
  readonly named: readonly Arg[];
}

export const ORDER_FILTER_ARGS: ArgList = {
  named: [
    arg('stores', 'list'), arg('media', 'list'), arg('mediaEmpty', 'bool'), arg('orderCodes', 'bounds'), arg('groups', 'groups'),
    arg('statuses', 'list'), arg('products', 'list'), arg('remarkContains', 'scalar', { aliases: ['remark'] }),
  ],
};

export const PRODUCT_ROW_ARGS: ArgList = {
  positional: arg('products', 'list'),
  named: [arg('products', 'list'), arg('categories', 'list', { aliases: ['category'] }), arg('unit', 'scalar'), arg('remarkContains', 'scalar', { aliases: ['remark'] })],
};

export const PURCHASE_SCOPE_ARGS: ArgList = {
  named: [
    arg('window', 'window'), arg('shipWindow', 'dates'), arg('statuses', 'list'), arg('stores', 'list'), arg('media', 'list'),
    arg('orderCodes', 'bounds'), arg('groups', 'groups'),
  ],
};

/** Figures of a purchases leaf, written in its `{ … }`: `NAME RANGE`, `NAME in (…)`, `NAME(…)`, `bought(…) RANGE`. */
export interface Figure {
  readonly name: string;
  readonly key: string;
  readonly form: 'numbers' | 'dates' | 'list' | 'orderFilter' | 'productRows';
  readonly aliases?: readonly string[];
}
export const PURCHASE_FIGURES: readonly Figure[] = [
  { name: 'orders', key: 'orderCount', form: 'numbers', aliases: ['orderCount', '購入回数'] },
  { name: 'sales', key: 'sales', form: 'numbers', aliases: ['購入金額'] },
  { name: 'firstOrderedAt', key: 'firstOrderedAt', form: 'dates', aliases: ['first_order', '初回購入日'] },
  { name: 'lastOrderedAt', key: 'lastOrderedAt', form: 'dates', aliases: ['last_order', '最終購入日'] },
  { name: 'lastShippedAt', key: 'lastShippedAt', form: 'dates', aliases: ['last_shipped'] },
  { name: 'firstOrderProducts', key: 'firstOrderProducts', form: 'list' },
  { name: 'lastOrderProducts', key: 'lastOrderProducts', form: 'list' },
  { name: 'lastOrder', key: 'lastOrder', form: 'orderFilter' },
  { name: 'firstOrder', key: 'firstOrder', form: 'orderFilter' },
  { name: 'bought', key: 'products', form: 'productRows' },
];

const MAIL_FILTER: readonly Arg[] = [
  arg('kinds', 'list', { inFilter: true }), arg('subkinds', 'list', { inFilter: true }),
  { name: 'subject', key: 'subjectContains', type: 'scalar', tilde: true, inFilter: true, aliases: ['subjectContains', '件名'] },
  arg('sent', 'dates', { inFilter: true }), arg('stores', 'list', { inFilter: true }),
];
export const MAIL_FILTER_ARGS: ArgList = { named: MAIL_FILTER.map((a) => ({ ...a, inFilter: false })) };

/** A mail leaf is written with the verb of its event: `opened(M120, M121)`. */
export const MAIL_VERBS: ReadonlyMap<string, string> = new Map([['sent', 'send'], ['opened', 'open'], ['clicked', 'click'], ['scanned', 'qr']]);

/** Kinds written `KIND(arguments)` (`purchases` and `subscription` take a `{ … }` or a count after it). */
export const KIND_ARGS: Readonly<Record<string, ArgList>> = {
  birthday: { positional: arg('from..to', 'dates', { ends: true }), named: [arg('month', 'scalar', { holds: 'number' })] },
  tags: { positional: arg('tags', 'list'), named: [arg('tags', 'list'), arg('match', 'scalar')] },
  purchases: PURCHASE_SCOPE_ARGS,
  mail: {
    positional: arg('mails', 'list'),
    named: [arg('mails', 'list'), ...MAIL_FILTER, arg('mailFilter', 'mailFilter'), arg('match', 'scalar'), arg('window', 'dates')],
  },
  reachable: { positional: arg('channel', 'scalar'), named: [arg('channel', 'scalar')] },
  segment: { positional: arg('name', 'scalar'), named: [arg('name', 'scalar')] },
  rfm: { named: [arg('r', 'pair', { holds: 'number' }), arg('f', 'pair', { holds: 'number' }), arg('m', 'pair', { holds: 'number' }), arg('cell', 'scalar')] },
  subscription: {
    named: [
      arg('status', 'list'), arg('products', 'list'), arg('deliveries', 'bounds', { holds: 'number' }), arg('startedAt', 'dates'), arg('nextDeliveryAt', 'dates'),
      arg('cancelledAt', 'dates'), arg('cancelReasons', 'list'),
    ],
  },
};

/** Kinds written `KIND RANGE`: `age 20..29`, `tenure <= 30`. */
export const RANGE_KINDS: ReadonlySet<string> = new Set(['age', 'tenure']);

/** Field operators: the text of each (the first is printed). */
export const FIELD_OPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['eq', ['=']], ['ne', ['!=']], ['in', ['in']], ['not_in', ['not in']], ['contains', ['contains', '~']],
  ['starts_with', ['starts_with']], ['ends_with', ['ends_with']], ['is_empty', ['is empty']], ['is_not_empty', ['is not empty']],
  ['between', ['>=', '<=', '..']],
]);

/** Words a bare text may not be (they would read as the language's own). */
export const RESERVED: ReadonlySet<string> = new Set(['and', 'or', 'true', 'false', 'on', 'loose']);

/** Words a bare field name may not be besides those: they start another condition. */
export const RESERVED_AT_START: ReadonlySet<string> = new Set([...RESERVED, 'not', 'all', 'any', 'age', 'tenure']);

/** The JSON properties of a field leaf and the operator each operand goes with. */
export const FIELD_OPERANDS: Readonly<Record<string, readonly string[]>> = {
  eq: ['value'], ne: ['value'], contains: ['value'], starts_with: ['value'], ends_with: ['value'], in: ['values'], not_in: ['values'], between: ['min', 'max'],
};

const NESTED: Partial<Record<ValueType, readonly string[]>> = { dates: ['from', 'to'], bounds: ['min', 'max'], window: ['from', 'to', 'on'] };

function argPaths(list: ArgList, prefix = ''): string[] {
  const paths: string[] = [];
  for (const a of [...(list.positional ? [list.positional] : []), ...list.named]) {
    if (a.ends) { paths.push(`${prefix}from`, `${prefix}to`); continue; }
    const key = `${prefix}${a.inFilter ? 'mailFilter.' : ''}${a.key}`;
    if (a.inFilter) paths.push(`${prefix}mailFilter`);
    paths.push(key);
    if (a.type === 'mailFilter') paths.push(...argPaths(MAIL_FILTER_ARGS, `${key}.`));
    for (const sub of NESTED[a.type] ?? []) paths.push(`${key}.${sub}`);
  }
  return paths;
}

/**
 * Every JSON property path (`window.on`, `products.count.min`) the language writes, per kind:
 * what the grammar test compares with the definition's JSON Schema.
 */
export function grammarPaths(): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  const add = (kind: string, paths: readonly string[]) => kinds.set(kind, new Set(['kind', ...paths]));
  add('field', ['field', 'op', ...new Set(Object.values(FIELD_OPERANDS).flat()), 'loose']);
  for (const kind of RANGE_KINDS) add(kind, ['min', 'max']);
  for (const [kind, list] of Object.entries(KIND_ARGS)) add(kind, argPaths(list));
  kinds.get('mail')!.add('event');
  kinds.get('subscription')!.add('count').add('count.min').add('count.max');
  const purchases = kinds.get('purchases')!;
  for (const figure of PURCHASE_FIGURES) {
    purchases.add(figure.key);
    const nested = figure.form === 'numbers' ? ['min', 'max'] : figure.form === 'dates' ? ['from', 'to']
      : figure.form === 'orderFilter' ? argPaths(ORDER_FILTER_ARGS) : figure.form === 'productRows' ? [...argPaths(PRODUCT_ROW_ARGS), 'count', 'count.min', 'count.max'] : [];
    for (const sub of nested) purchases.add(`${figure.key}.${sub}`);
  }
  return kinds;
}
