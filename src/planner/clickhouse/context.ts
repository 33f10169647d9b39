import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { ClickHouseDialect } from '../../dialect/clickhouse/dialect.js';
import { KumiwakeError } from '../../errors.js';
import { formatDate, type LocalDate } from '../../model/dates.js';
import type { SchemaInfo } from '../context.js';

/** The tables a condition reads, by the DuckDB table's name (`purchases`, `mail_events`, …). */
export type TableName = 'customers' | 'purchases' | 'mails' | 'mail_events' | 'subscriptions' | 'products' | 'customer_summary';

/**
 * State of one ClickHouse compilation. Unlike the DuckDB planner's context there are no joins
 * and no WITH clause: every leaf is a predicate on the customer row, or `customer_id IN` a
 * subquery of a shard-local table (`local`), so each shard answers for its own customers.
 */
export class ClickHouseContext {
  readonly notes: string[] = [];

  constructor(
    readonly dialect: ClickHouseDialect,
    readonly asOf: LocalDate,
    readonly schema: SchemaInfo,
    /** the shard-local table of a Distributed one (`purchases_local`), or the table itself on a single server */
    private readonly localTable: (table: TableName) => string,
    /** the table over every shard (the Distributed one), for the few figures of the whole shop (RFM quintiles) */
    private readonly wholeTable: (table: TableName) => string = (table) => table,
    /**
     * Whether `customer_summary` holds every shard's lifetime figures under the shop's current
     * sales basis (ClickHousePlanOptions.customerSummary): lifetime leaves read it, else the lines.
     */
    readonly summary = false,
  ) {}

  /**
   * Set by statements whose select list holds conditions over the Distributed table (per-node
   * counts, one customer's truth). 18.16 rewrites negations there on the shards but not on the
   * initiator (`not(not(x))` to `x`, `not(x) = 0` to `not(x = 0)`), which then misses the column
   * ("Not found column … in block"); `identity` keeps the rewrite away, on 18.16 and 26.7.
   */
  guardsNegations = false;

  /** A two-valued condition negated. */
  not(condition: Sql): Sql<boolean> {
    return this.guardsNegations ? sql`(NOT identity(${condition}))` : sql`(NOT ${condition})`;
  }

  get asOfText(): string {
    return formatDate(this.asOf);
  }

  /** A shard-local table, for the subqueries inside `customer_id IN (…)`. */
  local(table: TableName): Sql {
    return sql.table(this.localTable(table));
  }

  /** A table over every shard, for a subquery that needs the whole shop's rows. */
  whole(table: TableName): Sql {
    return sql.table(this.wholeTable(table));
  }
}

/** A condition the ClickHouse planner does not compile yet: said, never answered wrongly. */
export function notYet(what: string): never {
  throw new KumiwakeError('not-on-clickhouse', `${what} is not available on ClickHouse yet; count this segment on the DuckDB engine`, 2);
}
