import { Kysely, sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { PurchasesCondition } from '../model/segment.js';
import { compilePurchases } from './compile-purchases.js';
import { emptySchema, numberedKeyOf, PlannerContext } from './context.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';

/**
 * A lifetime `purchases` leaf (order count, sales, first / last order times, an open-ended order
 * window) is decided by the customer's customer_summary row alone: the planner LEFT JOINs that
 * row to every customer and tests it, NULLs standing for a customer without orders. The
 * interactive counts keep a copy of the summary rows keyed by customer position (`positions`,
 * made by `compileSummaryPositions`), so such a leaf is the same test over the copy's rows (no
 * join of a million text ids) plus one answer for every customer without a row: the test on a
 * row of NULLs, as the LEFT JOIN gives them.
 */
export interface SummaryRowLeaf {
  /** the positions of the customers whose summary row passes the test (`idx`) */
  readonly rows: CompiledSegment;
  /** whether a customer without a summary row passes (`holds`: true, false or NULL = no) */
  readonly withoutRow: CompiledSegment;
}

/**
 * The columns of customer_summary a lifetime leaf tests (orderFigures in compile-purchases); the
 * copy leaves out the text ids (the customer's, the first and last order's), whose copying took
 * 70 of the 135 ms the copy took at 1x. A leaf reading another column fails, never miscounts.
 */
const SUMMARY_FIGURES = ['order_count', 'sales', 'first_ordered_at', 'last_ordered_at', 'last_shipped_at', 'last_line_at'];

/**
 * `make`: the copy of customer_summary with each row's customer position (`pos`), for the
 * connection; `without`: the positions of the customers without a summary row (`idx`).
 */
export function compileSummaryPositions(options: PlanOptions, positions: string): { make: CompiledSegment; without: CompiledSegment } {
  const d = options.dialect;
  const position = d.rowIndex(sql.ref('c'));
  // By number where the rows carry one: at 1x 20 ms against 74 ms by the text id.
  const key = numberedKeyOf(options.schema ?? emptySchema);
  const figures = SUMMARY_FIGURES.map((column) => sql.ref(`s.${column}`));
  const query = sql`SELECT ${position} AS pos, ${sql.join(figures)} FROM customers AS c JOIN customer_summary AS s ON ${sql.ref(`s.${key}`)} = ${sql.ref(`c.${key}`)}`;
  return {
    make: compiled(d.connectionTable(positions, query), options),
    without: compiled(sql`SELECT ${position} AS idx FROM customers AS c WHERE ${position} NOT IN (SELECT pos FROM ${sql.table(positions)})`, options),
  };
}

/**
 * The leaf over the summary rows, or undefined when it reads anything else (a scope, product
 * rows, the first or last order's lines): that leaf is evaluated by the whole plan.
 */
export function compileSummaryRowLeaf(leaf: PurchasesCondition, options: PlanOptions, positions: string): SummaryRowLeaf | undefined {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  const test = compilePurchases(leaf, ctx);
  const [figures, ...others] = ctx.joins;
  if (!figures || others.length > 0 || ctx.ctes.length > 0) return undefined;
  // Only the lifetime figures join (orderFigures: customer_summary itself) qualifies.
  const joined = compiled(figures.query, options).sql.replace(/\s+/g, ' ').trim();
  if (joined !== 'SELECT * FROM customer_summary') return undefined;
  // A test that reads the customer's own row (`c`) is not the summary's alone.
  if (compiled(test, options).sql.includes('"c".')) return undefined;
  const alias = sql.id(figures.alias);
  return {
    rows: compiled(sql`SELECT ${sql.ref(`${figures.alias}.pos`)} AS idx FROM ${sql.table(positions)} AS ${alias} WHERE ${test}`, options),
    withoutRow: compiled(sql`SELECT ${test} AS holds FROM (SELECT 1 AS one) AS z LEFT JOIN customer_summary AS ${alias} ON false`, options),
  };
}

function compiled(statement: Sql, options: PlanOptions): CompiledSegment {
  const query = statement.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: query.sql, parameters: query.parameters, notes: [] };
}
