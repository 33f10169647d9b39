import { sql } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { Condition } from '../model/segment.js';
import type { RfmSettings } from '../model/rfm-settings.js';

/** The column a derived table names its customers by: the text id, or the customer's number. */
export type CustomerKey = 'customer_id' | 'customer_no';

/** A derived table keyed by a customer column (`by`), LEFT JOINed to the customers of one query level. */
export interface Join {
  readonly key: string;
  readonly alias: string;
  readonly query: Sql;
  readonly by: CustomerKey;
}

/** ` LEFT JOIN (query) AS alias ON alias.by = c.by`: a join of the customers of a statement. */
export const joinedToCustomers = (j: Join): Sql =>
  sql` LEFT JOIN (${j.query}) AS ${sql.ref(j.alias)} ON ${sql.ref(`${j.alias}.${j.by}`)} = ${sql.ref(`c.${j.by}`)}`;

/** A named subquery hoisted into the statement's WITH clause. */
export interface Cte {
  readonly key: string;
  readonly name: string;
  readonly query: Sql;
}

/** Which dynamic columns (`attr:NAME` on customers, `group:NAME` on purchases) the database has. */
export interface SchemaInfo {
  readonly customerColumns: ReadonlySet<string>;
  readonly purchaseColumns: ReadonlySet<string>;
  /**
   * Every distinct value of some customers columns (and of `tags`), from customer_values: text
   * conditions on them fold these values instead of every row's. A column not here is folded row by row.
   */
  readonly customerValues?: ReadonlyMap<string, readonly string[]>;
  /**
   * customer_products, customer_categories and customer_summary.last_line_at are built (by the
   * imports of this version): lifetime product rows and open-ended windows read them.
   */
  readonly purchaseSummaries?: boolean;
  /**
   * customer_products.only_order_id is kept (the pair's one order): orders holding any of several
   * products are counted from the summary for customers who bought each of them once.
   */
  readonly productOrderIds?: boolean;
  /**
   * customers.reachable_email / _line / _dm are kept (sql/customer-columns.sql, by every customers
   * import): the reachable figures read them instead of the rule's eight text columns.
   */
  readonly reachableFlags?: boolean;
  /**
   * customers, mail_events and customer_summary hold every row's customer number in customer_no
   * (src/engine/duckdb/import/customer-numbers.ts): mail conditions and lifetime figures join by it.
   */
  readonly customerNumbers?: boolean;
  /**
   * With customerNumbers, the highest number given so far (customer_numbers): the bound of a set
   * of customers by number (`dialect.numberSet`).
   */
  readonly highestCustomerNumber?: number;
  /**
   * With customerNumbers, the stored sets of customers per mail and event (table mail_event_sets,
   * src/engine/duckdb/import/mail-event-sets.ts): for these events, a bit per customer number up
   * to `highest` (numbers given since have no such event). Absent: none is kept.
   */
  readonly mailEventSets?: { readonly events: ReadonlySet<string>; readonly highest: number };
  /**
   * customers.birthday_month_day and tags_text are kept (sql/customer-columns.sql, by every
   * customers import): the birthday and tags conditions read them instead of the date and the list.
   */
  readonly customerLookups?: boolean;
  /** the shop's fixed RFM cut points (settings table); a score without them is a quintile */
  readonly rfm?: RfmSettings;
  /** the statuses that count as sales (settings table); absent: every status but cancelled */
  readonly salesStatuses?: readonly string[];
  /**
   * Tables and columns (`table.column`) of this version that a database made before them lacks,
   * opened read-only (no schema applied): `customers.line_permission`, `mails.subkind`,
   * `subscriptions`. A condition reads them as empty. Absent: none is missing.
   */
  readonly missing?: ReadonlySet<string>;
}

/**
 * Where a predicate stands. `where`: reached from the statement's WHERE through AND / OR only,
 * where NULL selects nobody, as false does (AND and OR never turn an unknown into true), so a
 * test that is NULL for a missing value needs no `IS NOT NULL` there. `value`: anywhere its value
 * is read (under NOT, in a flag column), so it must be two-valued.
 */
export type Position = 'where' | 'value';

/**
 * compileCondition, handed to the compilers that nest whole definitions (a saved-segment
 * reference) instead of imported by them: the planner's modules then import in one direction.
 */
export type ConditionCompiler = (condition: Condition, ctx: PlannerContext, position?: Position) => Sql<boolean>;

export const emptySchema: SchemaInfo = { customerColumns: new Set(), purchaseColumns: new Set() };

interface Shared {
  counter: number;
  readonly ctes: Cte[];
  readonly notes: string[];
}

/**
 * The column customers are joined to their mail events and their customer_summary row by: their
 * numbers where every row of those tables carries one (an integer join:
 * src/engine/duckdb/import/customer-numbers.ts), else the text id.
 */
export const numberedKeyOf = (schema: SchemaInfo): CustomerKey => (schema.customerNumbers ? 'customer_no' : 'customer_id');

/**
 * State of one compilation: the as-of date, the dialect, the derived tables the conditions asked
 * for. A saved segment referenced by another compiles in a child context: its own joins, the
 * statement's shared WITH clause and alias counter.
 */
export class PlannerContext {
  readonly joins: Join[] = [];
  /**
   * Leaves compiled to "their join has a row for the customer": the alias of that join, whose
   * customer_id is not NULL exactly when the leaf holds (members.ts moves the visibility test there).
   */
  readonly presenceJoins = new Map<Condition, string>();

  private constructor(
    readonly dialect: SqlDialect,
    readonly asOf: LocalDate,
    readonly schema: SchemaInfo,
    private readonly shared: Shared,
  ) {}

  static create(dialect: SqlDialect, asOf: LocalDate, schema: SchemaInfo): PlannerContext {
    return new PlannerContext(dialect, asOf, schema, { counter: 0, ctes: [], notes: [] });
  }

  get asOfText(): string {
    return formatDate(this.asOf);
  }

  /** numberedKeyOf this schema. */
  get numberedKey(): CustomerKey {
    return numberedKeyOf(this.schema);
  }

  get ctes(): readonly Cte[] {
    return this.shared.ctes;
  }

  /** Things worth telling the user, e.g. an empty mail selection. */
  get notes(): string[] {
    return this.shared.notes;
  }

  child(): PlannerContext {
    return new PlannerContext(this.dialect, this.asOf, this.schema, this.shared);
  }

  private nextName(prefix: string): string {
    this.shared.counter += 1;
    return `${prefix}${this.shared.counter}`;
  }

  /** How many times `join` was asked at this level, new key or not: did a condition read a joined figure? */
  get joinRequests(): number {
    return this.joinRequestCount;
  }

  private joinRequestCount = 0;

  /**
   * LEFT JOINs a derived table (once per key at this level) whose customers are in its column
   * `by`, and returns its alias.
   */
  join(key: string, build: () => Sql, by: CustomerKey = 'customer_id'): string {
    this.joinRequestCount += 1;
    const existing = this.joins.find((j) => j.key === key);
    if (existing) return existing.alias;
    const alias = this.nextName('j');
    this.joins.push({ key, alias, query: build(), by });
    return alias;
  }

  /** The customer column the join `alias` is keyed by. */
  joinKey(alias: string): CustomerKey {
    return this.joins.find((j) => j.alias === alias)?.by ?? 'customer_id';
  }

  /** Adds a WITH subquery (once per key in the statement) and returns its name. */
  cte(key: string, build: () => Sql): string {
    const existing = this.shared.ctes.find((c) => c.key === key);
    if (existing) return existing.name;
    const name = this.nextName('w');
    this.shared.ctes.push({ key, name, query: build() });
    return name;
  }

  /** A column of a joined derived table. */
  column(alias: string, name: string): Sql {
    return sql.ref(`${alias}.${name}`);
  }
}
