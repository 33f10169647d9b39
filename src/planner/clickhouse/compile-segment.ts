import { Kysely, sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { ClickHouseDialect } from '../../dialect/clickhouse/dialect.js';
import type { LocalDate } from '../../model/dates.js';
import type { MailCondition, Segment } from '../../model/segment.js';
import type { CompiledSegment } from '../compile-segment.js';
import { emptySchema, type SchemaInfo } from '../context.js';
import { compileCondition, visible } from './compile-condition.js';
import { filteredMails } from './compile-mail.js';
import { reachable } from './compile-reachable.js';
import { ClickHouseContext, type TableName } from './context.js';

export interface ClickHousePlanOptions {
  readonly dialect: ClickHouseDialect;
  readonly asOf: LocalDate;
  readonly schema?: SchemaInfo;
  /** the shard-local table of a Distributed one (part A's `localTableName`), or the table itself on one server */
  readonly localTable: (table: TableName) => string;
  /** the table over every shard (`shop.purchases`, the Distributed table), qualified like `localTable`; default the name itself */
  readonly wholeTable?: (table: TableName) => string;
  /**
   * Whether the per-customer summary (src/engine/clickhouse/customer-summary.ts) is built on every
   * shard under the sales basis of `schema` (its `summaryIsCurrent`): lifetime figures are read
   * from it, as the DuckDB planner reads customer_summary. Default false: from the lines.
   */
  readonly customerSummary?: boolean;
}

/** The state of one compilation with these options. */
export function contextOf(options: ClickHousePlanOptions): ClickHouseContext {
  return new ClickHouseContext(options.dialect, options.asOf, options.schema ?? emptySchema, options.localTable, options.wholeTable, options.customerSummary);
}

function compile(definition: Segment, options: ClickHousePlanOptions, select: (ctx: ClickHouseContext) => Sql): CompiledSegment {
  const ctx = contextOf(options);
  const where = sql`${visible(definition, ctx)} AND ${compileCondition(definition.where, ctx)}`;
  const compiled = sql`${select(ctx)} FROM customers AS c WHERE ${where}`.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/**
 * The count and how many are reachable by email, LINE and DM, as ONE statement over the
 * Distributed `customers`: each shard counts its own customers (every leaf reads shard-local
 * tables), and the initiator adds the shards' counts up.
 */
export function compileClickHouseCount(definition: Segment, options: ClickHousePlanOptions): CompiledSegment {
  return compile(definition, options, (ctx) => {
    const d = ctx.dialect;
    return sql`SELECT count() AS count, countIf(${reachable('email', d, ctx.schema)}) AS email,
      countIf(${reachable('line', d, ctx.schema)}) AS line, countIf(${reachable('dm', d, ctx.schema)}) AS dm`;
  });
}

/** The customers' ids (members, exports). */
export function compileClickHouseMembers(definition: Segment, options: ClickHousePlanOptions): CompiledSegment {
  return compile(definition, options, () => sql`SELECT c.customer_id AS customer_id`);
}

/** The customers' ids with whether each is reachable by email, LINE and DM (exports, job runs). */
export function compileClickHouseMemberFlags(definition: Segment, options: ClickHousePlanOptions): CompiledSegment {
  return compile(definition, options, (ctx) => {
    const d = ctx.dialect;
    return sql`SELECT c.customer_id AS customer_id, ${reachable('email', d, ctx.schema)} AS email, ${reachable('line', d, ctx.schema)} AS line,
      ${reachable('dm', d, ctx.schema)} AS dm`;
  });
}

/**
 * How many mails a mail condition's filter selects (an empty selection matches no one: worth a
 * log line), over the mail catalogue the server holds (copied whole to every shard).
 */
export function compileClickHouseMailSelectionCount(leaf: MailCondition, options: ClickHousePlanOptions): CompiledSegment {
  const ctx = contextOf(options);
  const query = leaf.mails !== undefined ? sql`SELECT ${new Set(leaf.mails).size} AS n` : sql`SELECT count() AS n FROM (${filteredMails(leaf, ctx)})`;
  const compiled = query.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [] };
}
