import { Kysely, sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { Condition, Segment } from '../model/segment.js';
import { validateDefinition } from '../model/validate.js';
import { compileMemberIndexes, type CompiledSegment } from '../planner/compile-segment.js';
import { compileSummaryPositions, compileSummaryRowLeaf } from '../planner/summary-rows.js';
import type { SchemaInfo } from '../planner/context.js';
import { CustomerBitmap } from './bitmap.js';
import { assertNoWarnings, leafPaths, segmentWarnings, warningsFromLeaves, type SegmentWarning } from './warnings.js';

/** The connection's copy of customer_summary by customer position (src/planner/summary-rows.ts). */
const SUMMARY_POSITIONS = 'kumiwake_summary_positions';

/** Leaf sets kept at most (each one bit per customer: 125 kB at a million customers). */
const MAX_SETS = 256;

/**
 * The most distinct leaves a definition counted by the sets has. A wider one (a program writing
 * one leaf per customer id) is counted whole, in one statement, as without the sets: each leaf
 * here is a statement and a warnings check of its own (5,000 such leaves took minutes), and no
 * later count could keep them all.
 */
export const SET_LEAVES_AT_MOST = 64;

/** Whether a definition is counted by the sets (SET_LEAVES_AT_MOST): its distinct leaves, a saved segment one. */
export function countedBySets(segment: Segment): boolean {
  const leaves: Array<{ path: string; leaf: Condition }> = [];
  leafPaths(segment.where, 'where', leaves);
  return new Set(leaves.map(({ leaf }) => JSON.stringify(leaf))).size <= SET_LEAVES_AT_MOST;
}

export interface SetCounts {
  readonly count: number;
  readonly reachable: { readonly email: number; readonly line: number; readonly dm: number };
  /** how many leaves had to be evaluated now (0: every condition was known) */
  readonly evaluated: number;
}

/** A node of the `where` tree counted from the sets (src/segments/condition-counts.ts adds its description). */
export interface SetNodeCount {
  /** the node's JSON path as written: `where`, `where.all[1]`, `where.all[2].not` */
  readonly path: string;
  readonly depth: number;
  readonly kind: Condition['kind'];
  /** customers of the base (deleted ones out unless includeDeleted) the node alone holds for */
  alone: number;
  /** for a child of an `all`: the customers of the base its group's children up to this one hold for */
  cumulative: number | null;
}

/**
 * Customer sets kept between counts, for a marketer who changes one condition at a time: each
 * leaf condition is evaluated once by the engine into a set (one bit per position in the
 * customers table) and a definition's count combines the sets of its leaves here (all =
 * intersection, any = union, not = complement), so a second count that differs in one leaf
 * evaluates only that leaf. The sets hold for one state of the data: a new import (of any
 * table), a changed customers table or another as-of date starts over.
 */
export class CustomerSets {
  private dataVersion: string | undefined;
  private size = 0;
  private readonly kept = new Map<string, { set: CustomerBitmap; used: number }>();
  private uses = 0;
  /** warnings of the definitions counted, for the current data (the data's names only change with it) */
  private readonly warned = new Map<string, readonly SegmentWarning[]>();
  /** what the warnings learnt of the data itself, for the current data */
  private readonly dataFacts = new Map<string, unknown>();
  /** the customers without a summary row, once the connection's copy by position is made for the current data */
  private withoutSummary: CustomerBitmap | undefined;
  private schema: SchemaInfo | undefined;
  private readonly kysely: Kysely<Record<string, never>>;

  /** `loadSchema`: the database's columns for the planner, read again whenever the data changed */
  constructor(private readonly db: Engine, private readonly dialect: SqlDialect, private readonly loadSchema: () => Promise<SchemaInfo>) {
    this.kysely = new Kysely<Record<string, never>>({ dialect: dialect.kysely });
  }

  /** The count and reachable counts, with the warnings (thrown as one fault when `strict`). */
  async count(segment: Segment, asOf: LocalDate, strict?: boolean): Promise<SetCounts & { readonly warnings: readonly SegmentWarning[] }> {
    const { nodes: _nodes, ...counts } = await this.countTree(segment, asOf, strict, false);
    return counts;
  }

  /**
   * The count with every node of the tree counted from the same sets (`kumiwake count
   * --conditions`): how many customers of the base each node holds for alone and, for the
   * children of an `all`, cumulatively in order. Once the total is counted, this evaluates nothing.
   */
  async nodeCounts(segment: Segment, asOf: LocalDate, strict?: boolean): Promise<SetCounts & { readonly warnings: readonly SegmentWarning[]; readonly nodes: readonly SetNodeCount[] }> {
    return this.countTree(segment, asOf, strict, true);
  }

  private async countTree(segment: Segment, asOf: LocalDate, strict: boolean | undefined, withNodes: boolean): Promise<SetCounts & { readonly warnings: readonly SegmentWarning[]; readonly nodes: readonly SetNodeCount[] }> {
    const schema = await this.ensureCurrent(asOf);
    const warnings = await this.warnings(segment, asOf, schema);
    assertNoWarnings(warnings, strict);
    const day = formatDate(asOf);
    let evaluated = 0;
    const setOf = async (key: string, leaf: Segment): Promise<CustomerBitmap> => {
      const known = this.kept.get(key);
      if (known) {
        known.used = ++this.uses;
        return known.set;
      }
      const set = await this.evaluate(leaf, asOf, schema);
      evaluated += 1;
      this.kept.set(key, { set, used: ++this.uses });
      return set;
    };
    const base = (where: Condition, includeDeleted = true): Segment => ({ version: 1, includeDeleted, where });
    const everyone = this.size === 0 ? CustomerBitmap.empty(0) : await setOf('@all', base({ kind: 'all', conditions: [] }));
    // The customers a node is counted among: deleted ones out unless the definition includes them.
    const counted = !withNodes || segment.includeDeleted || this.size === 0 ? everyone : await setOf('@visible', base({ kind: 'all', conditions: [] }, false));
    const nodes: SetNodeCount[] = [];
    // Registers the node before its children (document order), fills its figures after them.
    const combine = async (condition: Condition, path: string, depth: number): Promise<CustomerBitmap> => {
      const node = withNodes ? { path, depth, kind: condition.kind, alone: 0, cumulative: null as number | null } : undefined;
      if (node) nodes.push(node);
      let set: CustomerBitmap;
      switch (condition.kind) {
        case 'all': {
          set = everyone;
          for (const [i, child] of condition.conditions.entries()) {
            const at = nodes.length;
            set = set.and(await combine(child, `${path}.all[${i}]`, depth + 1));
            if (withNodes) nodes[at]!.cumulative = set.and(counted).count();
          }
          break;
        }
        case 'any': {
          set = CustomerBitmap.empty(this.size);
          for (const [i, child] of condition.conditions.entries()) set = set.or(await combine(child, `${path}.any[${i}]`, depth + 1));
          break;
        }
        case 'not':
          // Positions of deleted rows are gaps: the complement keeps to the customers there are.
          set = everyone.andNot(await combine(condition.condition, `${path}.not`, depth + 1));
          break;
        default:
          set = this.size === 0 ? everyone : await setOf(`${day} ${JSON.stringify(condition)}`, base(condition));
      }
      if (node) node.alone = set.and(counted).count();
      return set;
    };
    let selected = await combine(segment.where, 'where', 0);
    if (this.size === 0) return { count: 0, reachable: { email: 0, line: 0, dm: 0 }, evaluated: 0, warnings, nodes };
    if (!segment.includeDeleted) selected = selected.and(await setOf('@visible', base({ kind: 'all', conditions: [] }, false)));
    // The count's reachable figures are the reachable conditions' customers.
    const reach = async (channel: 'email' | 'line' | 'dm') => selected.and(await setOf(`@${channel}`, base({ kind: 'reachable', channel }))).count();
    const reachable = { email: await reach('email'), line: await reach('line'), dm: await reach('dm') };
    this.evict();
    return { count: selected.count(), reachable, evaluated, warnings, nodes };
  }

  /**
   * What the definition names that the data does not hold (src/segments/warnings.ts). Kept per
   * leaf with the sets, like them: a count that changes one condition checks only that one.
   */
  private async warnings(segment: Segment, asOf: LocalDate, schema: SchemaInfo): Promise<readonly SegmentWarning[]> {
    const context = { dialect: this.dialect, schema, asOf, facts: this.dataFacts };
    return warningsFromLeaves(segment, async (leaf) => {
      const key = JSON.stringify(leaf);
      const known = this.warned.get(key);
      if (known) return known;
      const own = await segmentWarnings(this.db, { version: 1, includeDeleted: true, where: leaf }, context);
      if (this.warned.size >= MAX_SETS) this.warned.clear();
      this.warned.set(key, own);
      return own;
    }, () => segmentWarnings(this.db, segment, context));
  }

  /** Starts over when the data or the as-of date changed since the sets were made. */
  private async ensureCurrent(asOf: LocalDate): Promise<SchemaInfo> {
    const [version] = await this.run<{ v: unknown; n: unknown; size: unknown }>(sql`SELECT (SELECT max(import_id) FROM imports) AS v,
      count(*) AS n, max(${this.dialect.rowIndex(sql.ref('c'))}) + 1 AS size FROM customers AS c`);
    const current = `${String(version?.v ?? 0)}:${String(version?.n ?? 0)}:${String(version?.size ?? 0)}:${formatDate(asOf)}`;
    if (current === this.dataVersion && this.schema) return this.schema;
    this.kept.clear();
    this.warned.clear();
    this.dataFacts.clear();
    this.withoutSummary = undefined;
    this.schema = await this.loadSchema();
    this.size = Number(version?.size ?? 0);
    this.dataVersion = current;
    return this.schema;
  }

  /** One leaf's customers, by the planner's own query, as positions in the customers table. */
  private async evaluate(leaf: Segment, asOf: LocalDate, schema: SchemaInfo): Promise<CustomerBitmap> {
    const options = { dialect: this.dialect, asOf, schema };
    const where = leaf.where;
    const bySummary = where.kind === 'purchases' && leaf.includeDeleted ? compileSummaryRowLeaf(where, options, SUMMARY_POSITIONS) : undefined;
    if (bySummary) {
      this.withoutSummary ??= await this.makeSummaryPositions(options);
      // Customers without a summary row (no counted order) hold as a row of NULLs does.
      const [without] = await this.db.query<{ holds: unknown }>({ sql: bySummary.withoutRow.sql, parameters: bySummary.withoutRow.parameters });
      const withRow = await this.positions(bySummary.rows);
      return without?.holds === true ? withRow.or(this.withoutSummary) : withRow;
    }
    return this.positions(compileMemberIndexes(leaf, options));
  }

  /** The positions a query's `idx` column lists, as a set. */
  private async positions(query: CompiledSegment): Promise<CustomerBitmap> {
    return CustomerBitmap.of(this.size, this.dialect.readCustomerSet(await this.bits(query), this.size));
  }

  private async bits(query: CompiledSegment): Promise<unknown> {
    // The query was compiled on its own: its `$n` placeholders and parameters are kept as they are.
    const aggregate = sql`SELECT ${this.dialect.customerSet(sql.ref('m.idx'), this.size)} AS bits FROM (${sql.raw(query.sql)}) AS m`.compile(this.kysely);
    if (aggregate.parameters.length > 0) throw new Error('INTERNAL ERROR: a customer set aggregate has parameters of its own');
    const [row] = await this.db.query<{ bits: unknown }>({ sql: aggregate.sql, parameters: query.parameters });
    return row?.bits;
  }

  /** Makes the connection's copy of the summary rows by position; returns who has no row. */
  private async makeSummaryPositions(options: { dialect: SqlDialect; asOf: LocalDate; schema: SchemaInfo }): Promise<CustomerBitmap> {
    const { make, without } = compileSummaryPositions(options, SUMMARY_POSITIONS);
    await this.db.query({ sql: make.sql, parameters: make.parameters });
    return this.positions(without);
  }

  private evict(): void {
    if (this.kept.size <= MAX_SETS) return;
    const oldest = [...this.kept.entries()].sort((a, b) => a[1].used - b[1].used).slice(0, this.kept.size - MAX_SETS);
    for (const [key] of oldest) this.kept.delete(key);
  }

  private async run<T>(statement: RawBuilder<unknown>): Promise<T[]> {
    return this.db.query<T>(statement.compile(this.kysely));
  }
}

/**
 * Counts a definition through the sets: the same answer as `countSegment`, but a definition that
 * differs from an earlier one in one condition evaluates only that condition. Undefined for a
 * definition too wide for the sets (countedBySets), which the caller counts whole.
 */
export async function countWithSets(
  sets: CustomerSets, definition: unknown, lookupSegment: (name: string) => unknown, asOf: LocalDate, options: { readonly strict?: boolean } = {},
): Promise<(SetCounts & { readonly asOf: string; readonly elapsedMs: number; readonly warnings: readonly SegmentWarning[] }) | undefined> {
  const started = performance.now();
  const segment = validateDefinition(definition, { asOf, lookupSegment });
  if (!countedBySets(segment)) return undefined;
  const counted = await sets.count(segment, asOf, options.strict);
  return { ...counted, asOf: formatDate(asOf), elapsedMs: Math.round(performance.now() - started) };
}
