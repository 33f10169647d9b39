/**
 * Warnings: what a definition names that the data does not hold. A definition that names a mail,
 * product, category, store, media, order group, attribute group, tag or value that never occurs
 * is valid and counts (the condition simply matches no line, event or customer), but a typo should
 * not pass as "nobody": the count says so, with the JSON path of the value and the nearest names
 * the data does hold. `strict` turns warnings into a fault (segment-definition.md, "Warnings").
 *
 * Every check is one small function over the parsed `Segment`; lookups are bounded: the names of
 * one kind are looked up with one IN query per small table (catalogs, dictionaries, summaries),
 * at most MAX_PROBES of them one by one in a large table (order lines, mail events), and
 * suggestions come from at most MAX_CANDIDATES values of the first SCAN_ROWS rows.
 */
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { CompiledQuery, Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { at, readablePath } from '../model/faults.js';
import type { Condition, FieldCondition, Leaf, MailCondition, PurchasesCondition, Segment, SubscriptionCondition } from '../model/segment.js';
import type { LocalDate } from '../model/dates.js';
import { foldText } from '../planner/compile-field.js';
import { compileMailSelectionCount } from '../planner/compile-segment.js';
import type { SchemaInfo } from '../planner/context.js';

/** Stable codes of warnings (segment-definition.md, "Warnings"). */
export const WARNING_CODES = [
  'unknown-mail', 'unknown-product', 'unknown-category', 'unknown-store', 'unknown-media', 'unknown-order-group',
  'unknown-attribute', 'unknown-tag', 'value-never-occurs', 'no-mail-selected', 'no-customers', 'customers-missing',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface SegmentWarning {
  readonly code: WarningCode;
  /** JSON path of the value in the definition (of the `segment` reference for a saved segment's own) */
  readonly path: string;
  readonly message: string;
  /** the nearest names the data holds (NFKC, case-folded edit distance), at most 3 */
  readonly suggestions: readonly string[];
}

export const MAX_WARNINGS = 100;
const MAX_SUGGESTIONS = 3;
const MAX_CANDIDATES = 10_000;
const SCAN_ROWS = 100_000;
const MAX_PROBES = 20;
/** Order lines / events whose customers are looked up in customers. */
const SAMPLE_ROWS = 1_000;

/** Where a value sits: its path, and for a value inside a saved segment, that segment and its own path. */
interface Site {
  readonly path: string;
  readonly inSaved?: { readonly name: string; readonly path: string };
}
interface Named { readonly value: string; readonly site: Site }
interface Located<L extends Leaf> { readonly leaf: L; readonly site: Site }

/** Every leaf with its path, saved segments' leaves included (reported at the reference). */
function locate(condition: Condition, path: string, outer: Site | undefined, out: Array<Located<Leaf>>): void {
  const site = (p: string): Site => (outer ? { path: outer.path, inSaved: { name: outer.inSaved!.name, path: p } } : { path: p });
  switch (condition.kind) {
    case 'all':
    case 'any':
      condition.conditions.forEach((c, i) => locate(c, at(at(path, condition.kind), i), outer, out));
      return;
    case 'not':
      locate(condition.condition, at(path, 'not'), outer, out);
      return;
    case 'segment': {
      // A saved segment's own values are reported at the outermost reference, naming the chain.
      const name = outer?.inSaved ? `${outer.inSaved.name} → ${condition.name}` : condition.name;
      locate(condition.definition.where, 'where', { path: outer?.path ?? at(path, 'name'), inSaved: { name, path: '' } }, out);
      return;
    }
    default:
      out.push({ leaf: condition, site: site(path) });
  }
}

/** A site one step further into the leaf. */
const step = (site: Site, ...keys: Array<string | number>): Site => {
  const deeper = (p: string) => keys.reduce<string>((q, k) => at(q, k), p);
  return site.inSaved ? { path: site.path, inSaved: { ...site.inSaved, path: deeper(site.inSaved.path) } } : { path: deeper(site.path) };
};

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const chars = (s: string) => Array.from(s);
const digits = (s: string) => chars(s).filter((c) => c >= '0' && c <= '9');

/**
 * The nearest candidates to a name, compared folded (NFKC, case): at most 3, within an edit
 * distance of a third of the name's length (at least 1). Between equally near ones, the one whose
 * digits are nearer comes first (a code with the right number and another prefix: M0030 → S0030).
 */
export function suggest(name: string, candidates: Iterable<string>): string[] {
  const folded = chars(foldText(name));
  const limit = Math.max(1, Math.round(folded.length / 3));
  const scored: Array<{ value: string; distance: number; digitDistance: number; rawDistance: number }> = [];
  for (const value of new Set(candidates)) {
    if (value === name) continue;
    const other = chars(foldText(value));
    if (Math.abs(other.length - folded.length) > limit) continue;
    const distance = levenshtein(folded, other);
    if (distance > limit) continue;
    scored.push({ value, distance, digitDistance: levenshtein(digits(name), digits(value)), rawDistance: levenshtein(chars(name), chars(value)) });
  }
  scored.sort((a, b) => a.distance - b.distance || a.digitDistance - b.digitDistance || a.rawDistance - b.rawDistance
    || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  // One spelling per folded name (`vip`, not also `VIP`): the one written nearest to the name.
  const seen = new Set<string>();
  return scored.filter((s) => !seen.has(foldText(s.value)) && seen.add(foldText(s.value))).slice(0, MAX_SUGGESTIONS).map((s) => s.value);
}

/** A column of a table to look names up in. */
interface Source { readonly table: string; readonly column: string }

class Checker {
  readonly warnings: SegmentWarning[] = [];
  private readonly kysely: Kysely<Record<string, never>>;

  constructor(readonly db: Engine, readonly dialect: SqlDialect, readonly schema: SchemaInfo, private readonly facts?: Map<string, unknown>) {
    this.kysely = new Kysely<Record<string, never>>({ dialect: dialect.kysely });
  }

  /** An answer about the data alone (not the definition), asked once per state of the data when the caller keeps `facts`. */
  async fact<T>(key: string, ask: () => Promise<T>): Promise<T> {
    if (this.facts?.has(key)) return this.facts.get(key) as T;
    const answer = await ask();
    this.facts?.set(key, answer);
    return answer;
  }

  get full(): boolean {
    return this.warnings.length >= MAX_WARNINGS;
  }

  add(code: WarningCode, site: Site, message: string, suggestions: readonly string[] = []): void {
    if (this.full) return;
    const text = site.inSaved ? `saved segment "${site.inSaved.name}", ${readablePath(site.inSaved.path)}: ${message}` : message;
    if (this.warnings.some((w) => w.code === code && w.path === site.path && w.message === text)) return;
    this.warnings.push({ code, path: site.path, message: text, suggestions: [...suggestions] });
  }

  async run<T>(statement: RawBuilder<unknown>): Promise<T[]> {
    return this.db.query<T>(statement.compile(this.kysely));
  }

  private column(source: Source): Sql {
    return sql`${sql.id(source.column)}`;
  }

  /**
   * The values none of the sources holds (compared exactly): one IN query per small source, then
   * at most MAX_PROBES values probed one by one in the large ones (the others count as found).
   */
  async missing(values: readonly string[], small: readonly Source[], large: readonly Source[] = []): Promise<Set<string>> {
    let left = new Set(values);
    for (const source of small) {
      if (left.size === 0) break;
      const rows = await this.run<{ v: string }>(sql`SELECT DISTINCT ${this.column(source)} AS v FROM ${sql.table(source.table)}
        WHERE ${this.dialect.inList(this.column(source), [...left])}`);
      for (const { v } of rows) left.delete(v);
    }
    if (large.length === 0 || left.size === 0) return left;
    const probed = [...left].slice(0, MAX_PROBES);
    left = new Set(probed);
    for (const value of probed) {
      for (const source of large) {
        const [hit] = await this.run<{ hit: number }>(sql`SELECT 1 AS hit FROM ${sql.table(source.table)} WHERE ${this.column(source)} = ${value} LIMIT 1`);
        if (hit) {
          left.delete(value);
          break;
        }
      }
    }
    return left;
  }

  /** Up to MAX_CANDIDATES distinct values of the first SCAN_ROWS rows of each source. */
  async candidates(sources: readonly Source[]): Promise<string[]> {
    const found: string[] = [];
    for (const source of sources) {
      const c = this.column(source);
      const rows = await this.run<{ v: string }>(sql`SELECT DISTINCT v FROM (SELECT ${c} AS v FROM ${sql.table(source.table)} WHERE ${c} IS NOT NULL
        LIMIT ${sql.lit(SCAN_ROWS)}) AS scanned LIMIT ${sql.lit(MAX_CANDIDATES)}`);
      found.push(...rows.map((r) => r.v));
    }
    return found;
  }

  /** One warning per site of a name the sources do not hold, with suggestions from them. */
  async checkNames(
    named: readonly Named[], code: WarningCode, say: (value: string) => string,
    sources: { small: readonly Source[]; large?: readonly Source[]; candidates: readonly Source[] },
  ): Promise<void> {
    if (named.length === 0 || this.full) return;
    const missing = await this.missing([...new Set(named.map((n) => n.value))], sources.small, sources.large);
    if (missing.size === 0) return;
    const candidates = await this.candidates(sources.candidates);
    for (const { value, site } of named) {
      if (this.full) break;
      if (missing.has(value)) this.add(code, site, say(value), suggest(value, candidates));
    }
  }
}

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
}

/** Products of subscription conditions that no subscription has (a typo under `count: {max: 0}` selects everyone). */
async function checkSubscriptions(checker: Checker, leaves: ReadonlyArray<Located<SubscriptionCondition>>): Promise<void> {
  if (checker.schema.missing?.has('subscriptions')) return; // a database made before them, opened read-only
  const products = leaves.flatMap(({ leaf, site }) => (leaf.products ?? []).map((value, i) => ({ value, site: step(site, 'products', i) })));
  await checker.checkNames(products, 'unknown-product', (code) => `no subscription has product "${code}": the condition counts none of it`, {
    small: [{ table: 'subscriptions', column: 'product_code' }], candidates: [{ table: 'subscriptions', column: 'product_code' }],
  });
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

/** Field values of the low-cardinality columns listed in customer_values, and attribute groups never imported. */
function checkFields(checker: Checker, leaves: ReadonlyArray<Located<FieldCondition>>): void {
  const attributes = [...checker.schema.customerColumns].filter((c) => c.startsWith('attr:'));
  for (const { leaf, site } of leaves) {
    const { field } = leaf;
    if (field.type === 'attr' && !checker.schema.customerColumns.has(field.name)) {
      checker.add('unknown-attribute', step(site, 'field'), `there is no attribute group "${field.name}" (never imported): every customer is unselected there`, suggest(field.name, attributes));
      continue;
    }
    if (!('compare' in leaf) || leaf.compare !== 'text' || field.type === 'enum') continue;
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
        : await checker.run<{ n: unknown }>(sql`SELECT count(DISTINCT customer_id) AS n FROM customers WHERE ${dialect.inList(sql.ref('customer_id'), ids)}`);
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
  checkTags(checker, of('tags'));
  await checkPurchases(checker, purchases);
  await checkMails(checker, mails);
  await checkMailFilters(checker, mails, context);
  await checkSubscriptions(checker, of('subscription'));
  return checker.warnings.slice(0, MAX_WARNINGS);
}

/** A warning as one line: `PATH: message (did you mean "S0030"?)`. */
export function warningLine(w: SegmentWarning): string {
  const hint = w.suggestions.length > 0 ? ` (did you mean ${w.suggestions.map((s) => `"${s}"`).join(', ')}?)` : '';
  return `${readablePath(w.path)}: ${w.message}${hint}`;
}

/** `--strict` / a job's `"strict": true`: warnings are a fault (exit 2) listing them with their paths. */
export class StrictWarningsError extends KumiwakeError {
  constructor(readonly warnings: readonly SegmentWarning[]) {
    super('strict-warnings', `the segment names what the data does not hold (strict):\n${warnings.map(warningLine).join('\n')}`, 2);
    this.name = 'StrictWarningsError';
  }
}

export function assertNoWarnings(warnings: readonly SegmentWarning[], strict: boolean | undefined): void {
  if (strict && warnings.length > 0) throw new StrictWarningsError(warnings);
}

/**
 * A definition's warnings from those of its leaves, each found with the leaf alone (the
 * interactive counts keep them per leaf): moved to the leaf's place in the definition, what
 * concerns the data as a whole said once, in the order `segmentWarnings` reports them.
 * `whole` checks a definition without leaves (an empty customers table is all there is to say).
 */
export async function warningsFromLeaves(
  segment: Segment, ofLeaf: (leaf: Condition) => Promise<readonly SegmentWarning[]>, whole: () => Promise<readonly SegmentWarning[]>,
): Promise<readonly SegmentWarning[]> {
  const leaves: Array<{ path: string; leaf: Condition }> = [];
  leafPaths(segment.where, 'where', leaves);
  if (leaves.length === 0) return whole();
  const found: SegmentWarning[] = [];
  const seen = new Set<string>();
  for (const { path, leaf } of leaves) {
    for (const warning of await ofLeaf(leaf)) {
      const moved = warning.path === 'where' || warning.path.startsWith('where.') || warning.path.startsWith('where[')
        ? `${path}${warning.path.slice('where'.length)}` : warning.path;
      const once = warning.code === 'no-customers' || warning.code === 'customers-missing' ? `${warning.code} ${warning.message}` : `${moved} ${warning.code}`;
      if (seen.has(once)) continue;
      seen.add(once);
      found.push({ ...warning, path: moved });
    }
  }
  return found.map((w, i) => ({ w, i })).sort((a, b) => checkRank(a.w) - checkRank(b.w) || a.i - b.i).map(({ w }) => w).slice(0, MAX_WARNINGS);
}

/** Every leaf of a condition with its JSON path, in reading order (saved segments are leaves here). */
function leafPaths(condition: Condition, path: string, into: Array<{ path: string; leaf: Condition }>): void {
  switch (condition.kind) {
    case 'all':
    case 'any':
      condition.conditions.forEach((child, i) => leafPaths(child, at(at(path, condition.kind), i), into));
      return;
    case 'not':
      leafPaths(condition.condition, at(path, 'not'), into);
      return;
    default:
      into.push({ path, leaf: condition });
  }
}

/** Which of `segmentWarnings`' checks reports a warning: their order. */
function checkRank(w: SegmentWarning): number {
  switch (w.code) {
    case 'no-customers': case 'customers-missing': return 0;
    case 'unknown-attribute': return 1;
    case 'value-never-occurs': return /\.groups\b/.test(w.path) ? 3.4 : 1;
    case 'unknown-tag': return 2;
    case 'unknown-product': return 3;
    case 'unknown-category': return 3.1;
    case 'unknown-store': return 3.2;
    case 'unknown-media': return 3.3;
    case 'unknown-order-group': return 3.4;
    case 'unknown-mail': return 4;
    case 'no-mail-selected': return w.path.endsWith('.mailFilter') ? 5 : 4;
  }
}

