import { Kysely, sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { ValueType } from '../catalog/tables.js';
import type { Segment } from '../model/segment.js';
import { compileCondition } from './compile-condition.js';
import { reachable } from './compile-reachable.js';
import { rfmColumns } from './compile-rfm.js';
import { emptySchema, PlannerContext } from './context.js';
import { fromClause } from './members.js';
import { countedLineByAsOf, ordersAsOf } from './orders-as-of.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';

/** What a breakdown groups by (src/segments/breakdown.ts resolves the names a user gives). */
export type BreakdownKey =
  | { readonly kind: 'column'; readonly name: string; readonly type: ValueType }
  | { readonly kind: 'attr'; readonly name: string }
  | { readonly kind: 'age_band' }
  | { readonly kind: 'rfm' }
  | { readonly kind: 'channel' }
  | { readonly kind: 'store' };

/** The reach flags every breakdown row carries: the channels are counted from them. */
export const CHANNEL_FLAGS = ['email_pc', 'email_mobile', 'line', 'dm'] as const;

/** Missing, empty or blank texts are one group: "no value" (NULL). */
const textValue = (ctx: PlannerContext, value: Sql): Sql => sql`(CASE WHEN ${ctx.dialect.isBlankText(value)} THEN NULL ELSE ${value} END)`;

/**
 * The store of the customer's latest counted order by the as-of date (the order of
 * `lastOrderedAt`: latest time, ties to the larger order_id): the smallest store id among that
 * order's counted lines; NULL when they have none, or the customer has no such order.
 */
function latestStore(ctx: PlannerContext): Sql {
  const alias = ctx.join('latest-store', () => sql`SELECT o.customer_id, min(p.store_id) AS store_id
    FROM ${sql.table(ordersAsOf(ctx))} o JOIN purchases p ON p.customer_id = o.customer_id AND p.order_id = o.last_order_id
    WHERE ${countedLineByAsOf(ctx)} GROUP BY o.customer_id`);
  return textValue(ctx, ctx.column(alias, 'store_id'));
}

/** The raw columns a key groups by, named `k{i}` (rfm: `k{i}_r`, `k{i}_f`, `k{i}_m`); none for channel. */
function keyColumns(key: BreakdownKey, i: number, ctx: PlannerContext): Sql[] {
  const as = (value: Sql, suffix = '') => sql`${value} AS ${sql.id(`k${i}${suffix}`)}`;
  switch (key.kind) {
    case 'column': {
      const value = key.type === 'tags' ? sql.raw(ctx.dialect.tagsText('c.tags')) : sql.ref(`c.${key.name}`);
      return [as(key.type === 'text' || key.type === 'enum' || key.type === 'tags' ? textValue(ctx, value) : value)];
    }
    case 'attr': return [as(textValue(ctx, sql`c.${sql.id(key.name)}`))];
    case 'age_band': return [as(ctx.dialect.fullYears(sql.ref('c.birthday'), ctx.asOfText))];
    case 'rfm': {
      const { r, f, m } = rfmColumns(ctx);
      return [as(r, '_r'), as(f, '_f'), as(m, '_m')];
    }
    case 'store': return [as(latestStore(ctx))];
    case 'channel': return [];
  }
}

const keyNames = (key: BreakdownKey, i: number): string[] =>
  key.kind === 'rfm' ? [`k${i}_r`, `k${i}_f`, `k${i}_m`] : key.kind === 'channel' ? [] : [`k${i}`];

/**
 * A segment's customers counted per combination of the keys' raw values and of the four reach
 * flags, in one statement. The rows are few (the keys' values × 16 flag combinations); the
 * caller turns raw values into labels (age → band, scores → cell) and flags into channels.
 */
export function compileBreakdown(definition: Segment, keys: readonly BreakdownKey[], options: PlanOptions): CompiledSegment {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  // The keys' joins must be registered before the FROM clause lists them.
  const columns = keys.flatMap((key, i) => keyColumns(key, i, ctx));
  const flags = CHANNEL_FLAGS.map((channel) => sql`${reachable(channel, ctx.dialect, ctx.schema)} AS ${sql.id(`reach_${channel}`)}`);
  const from = fromClause(definition, ctx, compileCondition);
  const groups = [...keys.flatMap(keyNames), ...CHANNEL_FLAGS.map((c) => `reach_${c}`)].map((name) => sql.ref(name));
  const body = sql`SELECT ${sql.join(groups)}, count(*) AS count
    FROM (SELECT ${sql.join([...columns, ...flags])} ${from}) AS m GROUP BY ${sql.join(groups)}`;
  const withClause = ctx.ctes.length === 0 ? sql`` : sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
  const compiled = sql`${withClause}${body}`.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}
