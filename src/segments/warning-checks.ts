/**
 * The checks of a definition's names against the data, one small function per kind of leaf (see
 * warnings.ts for what a warning is for), and the order they run in.
 */
import { sql } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { CompiledQuery, Engine } from '../engine/engine.js';
import type { FieldCondition, Leaf, MailCondition, PurchasesCondition, Segment, SubscriptionCondition } from '../model/segment.js';
import type { LocalDate } from '../model/dates.js';
import { foldText } from '../planner/compile-field.js';
import { looseFoldText } from '../model/loose-text.js';
import { compileMailSelectionCount } from '../planner/compile-segment.js';
import type { SchemaInfo } from '../planner/context.js';
import { checkEmptyRanges } from './empty-ranges.js';
import { suggest } from './suggest.js';
import { idsByNumber, idsOfNumbers, SAME_NUMBER } from './customer-row.js';
import { Checker, locate, MAX_WARNINGS, SAMPLE_ROWS, step, type Located, type Named, type SegmentWarning, type Site, type Source } from './warning-checker.js';

const purchasesSources = (column: string): Source => ({ table: 'purchases', column });

/** Mail ids: in the catalog or in the events (events are matched by id, catalog or not). */
async function checkMails(checker: Checker, leaves: ReadonlyArray<Located<MailCondition>>): Promise<void> {
  const named = leaves.flatMap(({ leaf, site }) => (leaf.mails ?? []).map((value, i) => ({ value, site: step(site, 'mails', i) })));
  for (const { leaf, site } of leaves) {
    if (leaf.mails?.length === 0) checker.add('no-mail-selected', step(site, 'mails'), 'the list of mails is empty: the condition matches no one');
  }
  await checker.checkNames(named, 'unknown-mail', (id) => `there is no mail "${id}" (not in the mails, no mail event names it): the condition finds no event of it`, {
    small: [{ table: 'mails', column: 'mail_id' }], large: [{ table: 'mail_events', column: 'mail_id' }],
    candidates: [{ table: 'mails', column: 'mail_id' }],
  });
  const stores = leaves.flatMap(({ leaf, site }) => (leaf.mailFilter?.stores ?? []).map((value, i) => ({ value, site: step(site, 'mailFilter', 'stores', i) })));
  await checker.checkNames(stores, 'unknown-store', (store) => `no mail has store "${store}"`, {
    small: [{ table: 'mails', column: 'store_id' }], candidates: [{ table: 'mails', column: 'store_id' }],
  });
  // One subkind the filter lists and no mail has (a typo beside a good one) is no longer a filter selecting nothing.
  if (checker.schema.missing?.has('mails.subkind')) return;
  const subkinds = leaves.flatMap(({ leaf, site }) => (leaf.mailFilter?.subkinds ?? []).map((value, i) => ({ value, site: step(site, 'mailFilter', 'subkinds', i) })));
  await checkFoldedValues(checker, subkinds, { table: 'mails', column: 'subkind' }, (subkind) => `no mail has subkind "${subkind}"`);
}

/**
 * Products and cancel reasons of subscription conditions that no subscription has (a typo under
 * `count: {max: 0}` selects everyone).
 */
async function checkSubscriptions(checker: Checker, leaves: ReadonlyArray<Located<SubscriptionCondition>>): Promise<void> {
  if (checker.schema.missing?.has('subscriptions')) return; // a database made before them, opened read-only
  const products = leaves.flatMap(({ leaf, site }) => (leaf.products ?? []).map((value, i) => ({ value, site: step(site, 'products', i) })));
  await checker.checkNames(products, 'unknown-product', (code) => `no subscription has product "${code}": the condition counts none of it`, {
    small: [{ table: 'subscriptions', column: 'product_code' }], candidates: [{ table: 'subscriptions', column: 'product_code' }],
  });
  const reasons = leaves.flatMap(({ leaf, site }) => (leaf.cancelReasons ?? []).map((value, i) => ({ value, site: step(site, 'cancelReasons', i) })));
  await checkFoldedValues(checker, reasons, { table: 'subscriptions', column: 'cancel_reason' }, (reason) => `no subscription has cancel reason "${reason}": the condition counts none of it`);
}

/** The most distinct values checkFoldedValues reads from a column. */
const FOLDED_VALUES_AT_MOST = 10_000;

/**
 * Values compared folded by their condition (a subscription's cancel reasons, a mail's subkinds)
 * that no row of `source` holds, folded alike. Such a column holds a short list (a form's choices);
 * one with more than FOLDED_VALUES_AT_MOST distinct values is not checked.
 */
async function checkFoldedValues(checker: Checker, named: readonly Named[], source: Source, say: (value: string) => string): Promise<void> {
  if (named.length === 0 || checker.full) return;
  const column = sql.ref(source.column);
  const dictionary = await checker.fact(`values of ${source.table}.${source.column}`, async () => (await checker.run<{ v: string }>(
    sql`SELECT DISTINCT ${column} AS v FROM ${sql.table(source.table)} WHERE ${column} IS NOT NULL LIMIT ${sql.lit(FOLDED_VALUES_AT_MOST + 1)}`)).map((r) => r.v));
  if (dictionary.length > FOLDED_VALUES_AT_MOST) return;
  const known = new Set(dictionary.map(foldText));
  for (const { value, site } of named) {
    if (!known.has(foldText(value))) checker.add('value-never-occurs', site, say(value), suggest(value, dictionary));
  }
}

/** A mail filter that selects no mail of the catalog matches no one. */
async function checkMailFilters(checker: Checker, leaves: ReadonlyArray<Located<MailCondition>>, context: WarningContext): Promise<void> {
  const { asOf } = context;
  const compile = context.compileMailSelectionCount ?? ((leaf: MailCondition) => compileMailSelectionCount(leaf, { dialect: checker.dialect, asOf, schema: checker.schema }));
  for (const { leaf, site } of leaves) {
    if (!leaf.mailFilter || checker.full) continue;
    const [selected] = await checker.db.query<{ n: unknown }>(compile(leaf));
    if (Number(selected?.n ?? 0) === 0) checker.add('no-mail-selected', step(site, 'mailFilter'), 'the mail filter selects no mail: the condition matches no one');
  }
}

/** Products, categories, stores, media and order groups of purchases conditions. */
async function checkPurchases(checker: Checker, leaves: ReadonlyArray<Located<PurchasesCondition>>): Promise<void> {
  const summaries = checker.schema.purchaseSummaries === true;
  const products: Named[] = [];
  const categories: Named[] = [];
  const stores: Named[] = [];
  const media: Named[] = [];
  const statuses: Named[] = [];
  for (const { leaf, site } of leaves) {
    for (const key of ['firstOrderProducts', 'lastOrderProducts'] as const) (leaf[key] ?? []).forEach((value, i) => products.push({ value, site: step(site, key, i) }));
    (leaf.products ?? []).forEach((row, r) => {
      row.products.forEach((value, i) => products.push({ value, site: step(site, 'products', r, 'products', i) }));
      row.categories.forEach((value, i) => categories.push({ value, site: step(site, 'products', r, 'categories', i) }));
    });
    (leaf.stores ?? []).forEach((value, i) => stores.push({ value, site: step(site, 'stores', i) }));
    (leaf.media ?? []).forEach((value, i) => media.push({ value, site: step(site, 'media', i) }));
    (leaf.statuses ?? []).forEach((value, i) => statuses.push({ value, site: step(site, 'statuses', i) }));
    for (const key of ['lastOrder', 'firstOrder'] as const) {
      const filter = leaf[key];
      filter?.stores?.forEach((value, i) => stores.push({ value, site: step(site, key, 'stores', i) }));
      filter?.media?.forEach((value, i) => media.push({ value, site: step(site, key, 'media', i) }));
      filter?.products?.forEach((value, i) => products.push({ value, site: step(site, key, 'products', i) }));
      filter?.statuses?.forEach((value, i) => statuses.push({ value, site: step(site, key, 'statuses', i) }));
    }
  }
  // A status no line has (a typo: 発送済み for 発送済) selects no line, and everyone under `not`.
  await checker.checkNames(statuses, 'value-never-occurs', (status) => `no order line has status "${status}": the condition selects no line`, {
    small: [], large: [purchasesSources('status')], candidates: [purchasesSources('status')],
  });
  await checker.checkNames(products, 'unknown-product', (code) => `there is no product "${code}" (not in the products, on no order line): no line matches it`, {
    small: [{ table: 'products', column: 'product_code' }, ...(summaries ? [{ table: 'customer_products', column: 'product_code' }] : [])],
    large: summaries ? [] : [purchasesSources('product_code')],
    candidates: [{ table: 'products', column: 'product_code' }, purchasesSources('product_code')],
  });
  await checker.checkNames(categories, 'unknown-category', (name) => `there is no category "${name}" (not in the products, on no order line): no line matches it`, {
    small: [{ table: 'products', column: 'category' }, ...(summaries ? [{ table: 'customer_categories', column: 'category' }] : [])],
    large: summaries ? [] : [purchasesSources('category')],
    candidates: [{ table: 'products', column: 'category' }, purchasesSources('category')],
  });
  await checker.checkNames(stores, 'unknown-store', (store) => `no order line has store "${store}": the condition selects no line`, {
    small: [], large: [purchasesSources('store_id')], candidates: [purchasesSources('store_id')],
  });
  await checker.checkNames(media, 'unknown-media', (name) => `no order line has media "${name}": the condition selects no line`, {
    small: [], large: [purchasesSources('media')], candidates: [purchasesSources('media')],
  });
  const groupNames = [...checker.schema.purchaseColumns].filter((c) => c.startsWith('group:')).map((c) => c.slice(6));
  const groupSets = leaves.flatMap(({ leaf, site }) => [
    { groups: leaf.groups, at: step(site, 'groups') },
    { groups: leaf.lastOrder?.groups, at: step(site, 'lastOrder', 'groups') },
    { groups: leaf.firstOrder?.groups, at: step(site, 'firstOrder', 'groups') },
  ]);
  for (const { groups, at } of groupSets) {
    for (const [name, values] of Object.entries(groups ?? {})) {
      const groupSite = step(at, name);
      if (!checker.schema.purchaseColumns.has(`group:${name}`)) {
        checker.add('unknown-order-group', groupSite, `there is no order group "${name}" (no purchases column group:${name}): the condition selects no line`, suggest(name, groupNames));
        continue;
      }
      await checker.checkNames(values.map((value, i) => ({ value, site: step(groupSite, i) })), 'value-never-occurs',
        (value) => `no order line has ${name} "${value}": the condition selects no line`,
        { small: [], large: [purchasesSources(`group:${name}`)], candidates: [purchasesSources(`group:${name}`)] });
    }
  }
}

/**
 * Statuses of the sales-statuses setting that no order line has: with a typo there (完了済 for
 * 完了) no order counts as a sale, and every lifetime figure is 0 without a word. Said at the
 * setting, as `(settings) sales-statuses[i]`.
 */
export async function checkSalesStatuses(checker: Checker): Promise<void> {
  const statuses = checker.schema.salesStatuses ?? [];
  await checker.checkNames(statuses.map((value, i) => ({ value, site: { path: `(settings) sales-statuses[${i}]` } })), 'value-never-occurs',
    (status) => `no order line has status "${status}", which the sales-statuses setting counts as sales: no order of it counts (kumiwake settings set sales-statuses)`,
    { small: [], large: [purchasesSources('status')], candidates: [purchasesSources('status')] });
}

/** Field values of the low-cardinality columns listed in customer_values, and attribute groups never imported. */
function checkFields(checker: Checker, leaves: ReadonlyArray<Located<FieldCondition>>): void {
  const attributes = [...checker.schema.customerColumns].filter((c) => c.startsWith('attr:'));
  for (const { leaf, site } of leaves) {
    const { field } = leaf;
    if (field.type === 'attr' && !checker.schema.customerColumns.has(field.name)) {
      checker.add('unknown-attribute', step(site, 'field'), `there is no attribute group "${field.name}" (never imported): every customer is unselected there`, suggest(field.name, attributes));
      continue;
    }
    if (!('compare' in leaf) || leaf.compare !== 'text') continue;
    if ('loose' in leaf && leaf.loose === true) checkLooseValues(checker, leaf, site);
    if (field.type === 'enum') continue;
    const dictionary = checker.schema.customerValues?.get(field.name);
    if (!dictionary) continue;
    const named = leaf.op === 'eq' || leaf.op === 'ne' ? [{ value: leaf.value, site: step(site, 'value') }]
      : leaf.op === 'in' || leaf.op === 'not_in' ? leaf.values.map((value, i) => ({ value, site: step(site, 'values', i) })) : [];
    const known = new Set(dictionary.map(foldText));
    for (const { value, site: at } of named) {
      // An empty value is "unselected", not a name.
      if (value.trim() === '' || known.has(foldText(value))) continue;
      checker.add('value-never-occurs', at, `no customer has ${field.name} "${value}"`, suggest(value, dictionary));
    }
  }
}

/**
 * `customer_id` values (eq, ne, in, not_in; compared exactly) no customer has: a member number
 * typed without its zeros (`1` for `00000001`) selects no one, or everyone under `ne`. The ids of
 * the same number are the suggestions, else the nearest of the first ids.
 */
async function checkCustomerIds(checker: Checker, leaves: ReadonlyArray<Located<FieldCondition>>): Promise<void> {
  const named: Named[] = [];
  for (const { leaf, site } of leaves) {
    if (leaf.field.name !== 'customer_id' || !('compare' in leaf) || leaf.compare !== 'text') continue;
    if (leaf.op === 'eq' || leaf.op === 'ne') named.push({ value: leaf.value, site: step(site, 'value') });
    if (leaf.op === 'in' || leaf.op === 'not_in') leaf.values.forEach((value, i) => named.push({ value, site: step(site, 'values', i) }));
  }
  const ids = named.filter((n) => n.value.trim() !== '');
  if (ids.length === 0 || checker.full) return;
  const source = { table: 'customers', column: 'customer_id' };
  const missing = await checker.missing([...new Set(ids.map((n) => n.value))], [source]);
  if (missing.size === 0) return;
  const candidates = await checker.candidates([source]);
  const warned = ids.filter((n) => missing.has(n.value)).slice(0, MAX_WARNINGS - checker.warnings.length);
  const numbers = [...new Set(warned.map((n) => foldText(n.value.trim())).filter((digits) => SAME_NUMBER.test(digits)).map(Number))];
  const sameNumber = numbers.length === 0 ? new Map<number, string[]>() : idsByNumber(await checker.run(idsOfNumbers(checker.dialect, numbers)));
  for (const { value, site } of warned) {
    const digits = foldText(value.trim());
    const same = SAME_NUMBER.test(digits) ? sameNumber.get(Number(digits)) ?? [] : [];
    checker.add('value-never-occurs', site, `no customer has customer_id "${value}" (ids compare exactly, as imported)`, same.length > 0 ? same : suggest(value, candidates));
  }
}

/**
 * A loose value of only spaces, hyphens, dashes and long sound marks (`-`, `ー`) folds to nothing:
 * `contains` then holds for every stored value, which a marketer typing "-" did not mean.
 */
function checkLooseValues(checker: Checker, leaf: Extract<FieldCondition, { loose?: boolean }>, site: Site): void {
  const named = 'values' in leaf ? leaf.values.map((value, i) => ({ value, site: step(site, 'values', i) })) : [{ value: leaf.value, site: step(site, 'value') }];
  const meaning = leaf.op === 'contains' || leaf.op === 'starts_with' || leaf.op === 'ends_with'
    ? 'it matches every customer with a value there' : 'it equals only a stored value that folds to nothing too';
  for (const { value, site: at } of named) {
    // An empty value is "unselected", not a loose value.
    if (value.trim() === '' || looseFoldText(value) !== '') continue;
    checker.add('loose-value-empty', at, `"${value}" is nothing but spaces, hyphens or long sound marks, which a loose comparison ignores: ${meaning}`);
  }
}

/** Tags, against the dictionary of tags (when the database lists them all). */
function checkTags(checker: Checker, leaves: ReadonlyArray<Located<Extract<Leaf, { kind: 'tags' }>>>): void {
  const dictionary = checker.schema.customerValues?.get('tags');
  if (!dictionary) return;
  const known = new Set(dictionary.map(foldText));
  for (const { leaf, site } of leaves) {
    leaf.tags.forEach((tag, i) => {
      if (!known.has(foldText(tag))) checker.add('unknown-tag', step(site, 'tags', i), `no customer carries the tag "${tag}"`, suggest(tag, dictionary));
    });
  }
}

/**
 * The customers table is empty, or order lines / mail events belong to customers it does not
 * hold (they count for no one): checked on the first SAMPLE_ROWS rows, only for the tables the
 * definition reads.
 */
async function checkCustomers(checker: Checker, dialect: SqlDialect, firstPurchases: Site | undefined, firstMail: Site | undefined): Promise<void> {
  const anyCustomer = await checker.fact('customers', async () => {
    const [any] = await checker.run<{ n: unknown }>(sql`SELECT count(*) AS n FROM (SELECT 1 AS one FROM customers LIMIT 1) AS c`);
    return Number(any?.n ?? 0) > 0;
  });
  if (!anyCustomer) {
    checker.add('no-customers', { path: '(top level)' }, 'the customers table is empty: every segment counts 0 (import customers first)');
    return;
  }
  const counted = sql`${dialect.isNotFalse(sql.ref('counted'))} AND ${dialect.isDistinctFrom(sql.ref('status'), sql`${'cancelled'}`)}`;
  const checks: Array<{ site: Site | undefined; rows: Sql; what: string }> = [
    { site: firstPurchases, rows: sql`SELECT customer_id FROM purchases WHERE ${counted}`, what: 'order lines' },
    { site: firstMail, rows: sql`SELECT customer_id FROM mail_events`, what: 'mail events' },
  ];
  for (const { site, rows, what } of checks) {
    if (!site) continue;
    const { lines, checked, missing } = await checker.fact(`customers of ${what}`, async () => {
      // The sampled ids looked up with one IN list, not a correlated EXISTS (which ClickHouse has not).
      const sample = sql`(${rows} LIMIT ${sql.lit(SAMPLE_ROWS)}) AS l`;
      const [sampled] = await checker.run<{ lines: unknown }>(sql`SELECT count(*) AS lines FROM ${sample}`);
      const ids = (await checker.run<{ id: string }>(sql`SELECT DISTINCT customer_id AS id FROM ${sample}`)).map((r) => r.id);
      const [held] = ids.length === 0 ? [{ n: 0 }]
        : await checker.run<{ n: unknown }>(sql`SELECT count(DISTINCT customer_id) AS n FROM customers WHERE ${dialect.inSortedColumn(sql.ref('customer_id'), ids)}`);
      return { lines: Number(sampled?.lines ?? 0), checked: ids.length, missing: ids.length - Number(held?.n ?? 0) };
    });
    if (missing === 0) continue;
    const n = (x: number) => x.toLocaleString('en');
    const whose = lines < SAMPLE_ROWS
      ? `${n(missing)} of the ${n(checked)} customers of the ${what}`
      : `${n(missing)} of ${n(checked)} customers of the first ${n(SAMPLE_ROWS)} ${what} checked`;
    checker.add('customers-missing', site, `${whose} ${missing === 1 ? 'is' : 'are'} not in customers: their ${what} count for no one (guests, or ids written differently from the customers file)`);
  }
}

export interface WarningContext {
  readonly dialect: SqlDialect;
  readonly schema: SchemaInfo;
  /** the as-of date a mail filter's `sent` range is resolved at */
  readonly asOf: LocalDate;
  /** how many mails a mail filter selects, in the engine's SQL (default: the DuckDB planner's) */
  readonly compileMailSelectionCount?: (leaf: MailCondition) => CompiledQuery;
  /**
   * Answers about the data alone (customers there at all, a sample of lines whose customer is
   * missing), kept by a caller that checks many definitions of one state of the data and
   * empties it when the data change (the interactive counts' sets): not asked again per leaf.
   */
  readonly facts?: Map<string, unknown>;
}

/** Every leaf of a definition, saved segments' leaves included (what the checks read). */
export function leavesOf(segment: Segment): Leaf[] {
  const located: Array<Located<Leaf>> = [];
  locate(segment.where, 'where', undefined, located);
  return located.map((l) => l.leaf);
}

/** The warnings of a parsed definition against the data, in reading order of the kinds checked; at most MAX_WARNINGS. */
export async function segmentWarnings(db: Engine, segment: Segment, context: WarningContext): Promise<SegmentWarning[]> {
  const checker = new Checker(db, context.dialect, context.schema, context.facts);
  const located: Array<Located<Leaf>> = [];
  locate(segment.where, 'where', undefined, located);
  const of = <K extends Leaf['kind']>(kind: K) => located.filter((l): l is Located<Extract<Leaf, { kind: K }>> => l.leaf.kind === kind);
  const mails = of('mail');
  const purchases = of('purchases');
  await checkCustomers(checker, context.dialect, purchases[0]?.site, mails[0]?.site);
  checkFields(checker, of('field'));
  await checkCustomerIds(checker, of('field'));
  checkTags(checker, of('tags'));
  await checkPurchases(checker, purchases);
  // The shop's sales statuses decide every purchases figure of a leaf without `statuses`, and RFM.
  if (purchases.some(({ leaf }) => leaf.statuses === undefined) || of('rfm').length > 0) await checkSalesStatuses(checker);
  await checkMails(checker, mails);
  await checkMailFilters(checker, mails, context);
  await checkSubscriptions(checker, of('subscription'));
  checkEmptyRanges(checker, located, context.asOf);
  return checker.warnings.slice(0, MAX_WARNINGS);
}
