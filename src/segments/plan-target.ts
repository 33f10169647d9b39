import type { SqlDialect } from '../dialect/dialect.js';
import type { CompiledQuery, Engine } from '../engine/engine.js';
import type { LocalDate } from '../model/dates.js';
import type { Segment } from '../model/segment.js';
import type { BreakdownKey } from '../planner/compile-breakdown.js';
import type { CompiledConditionCounts } from '../planner/compile-condition-counts.js';
import type { CompiledSegment } from '../planner/compile-segment.js';
import type { SchemaInfo } from '../planner/context.js';
import type { SegmentWarning } from './warnings.js';

/**
 * What a plan is made for: the engine's SQL dialect, the columns its database has, and the
 * planner that compiles for it (the DuckDB planner, or part B's set-based one on ClickHouse,
 * chosen by `planTargetOf` (evaluate.ts) from `engine.dialectName` and nowhere else).
 */
export interface PlanTarget {
  readonly dialect: SqlDialect;
  readonly schema: SchemaInfo;
  readonly compileCount: (segment: Segment, asOf: LocalDate) => CompiledSegment;
  readonly compileMembers: (segment: Segment, asOf: LocalDate) => CompiledSegment;
  readonly compileMemberFlags: (segment: Segment, asOf: LocalDate) => CompiledSegment;
  /** the engine's own planner of per-node counts and of overlaps (ClickHouse); default the DuckDB planner's (compile-condition-counts.ts) */
  readonly compileConditionCounts?: (segment: Segment, asOf: LocalDate) => CompiledConditionCounts;
  readonly compileOverlap?: (segments: readonly Segment[], asOf: LocalDate) => CompiledSegment;
  /** likewise for `count --by` (compile-breakdown.ts) */
  readonly compileBreakdown?: (segment: Segment, keys: readonly BreakdownKey[], asOf: LocalDate) => CompiledSegment;
  /**
   * The engine's way to one customer for `why` and `customer` (ClickHouse: clickhouse-customer.ts):
   * their rows in a DuckDB of their own for the figures, the truth of definitions from the engine.
   * Without it both read the engine itself.
   */
  readonly oneCustomer?: (customerId: string, asOf: LocalDate) => Promise<OneCustomer>;
  /** the engine's own way to the warnings (ClickHouse: clickhouse-warnings.ts); default `segmentWarnings` on the engine */
  readonly warnings?: (segment: Segment, asOf: LocalDate) => Promise<SegmentWarning[]>;
  /** runs a compiled plan where the data is (a ClickHouse job's engine answers its own statements from the state file) */
  readonly query: <T>(plan: CompiledQuery) => Promise<T[]>;
  /** makes the members table `table` of one evaluation from a member-flags plan, and counts it */
  readonly materialize: (table: string, plan: CompiledSegment) => Promise<MemberCounts>;
}

export interface MemberCounts { readonly count: bigint; readonly email: bigint; readonly line: bigint; readonly dm: bigint }

/** How many members a members table holds, and how many each channel reaches (any dialect: CASE and sum). */
export const memberCountsSql = (table: string): CompiledQuery => ({
  sql: `SELECT count(*) AS count, sum(CASE WHEN email THEN 1 ELSE 0 END) AS email, sum(CASE WHEN line THEN 1 ELSE 0 END) AS line,
      sum(CASE WHEN dm THEN 1 ELSE 0 END) AS dm FROM ${table}`,
  parameters: [],
});

/** Whether each node of a definition holds for one customer (by JSON path), whether they are in it, and their RFM scores when it asks for them. */
export interface NodeTruth {
  readonly holds: ReadonlyMap<string, boolean>;
  readonly in: boolean;
  readonly rfm?: { readonly r: number | null; readonly f: number | null; readonly m: number | null };
}

/** One customer of an engine whose figures are read from a copy of their rows (an unknown id is refused when it is opened). */
export interface OneCustomer {
  /** a DuckDB holding the customer's rows, the tables the figures read and the shop's settings */
  readonly copy: Engine;
  /** the truth of a definition's nodes for the customer, from the engine's planner */
  truth(segment: Segment): Promise<NodeTruth>;
  /** whether the customer is in each segment, from the engine's planner (one statement) */
  memberships(segments: readonly Segment[]): Promise<boolean[]>;
  close(): void;
}
