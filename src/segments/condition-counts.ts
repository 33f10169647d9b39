import type { Engine } from '../engine/engine.js';
import { silentLogger, type Logger } from '../logger.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { Condition } from '../model/segment.js';
import { validateDefinition } from '../model/validate.js';
import { compileConditionCounts } from '../planner/compile-condition-counts.js';
import { countedBySets, type CustomerSets } from './customer-sets.js';
import { describeCondition } from './describe-condition.js';
import { planTargetOf, warningsOf, type CountOptions, type CountResult } from './evaluate.js';
import type { SegmentStore } from './store.js';

/** One node of a definition's `where` tree and how many customers it holds for. */
export interface ConditionCount {
  /** the node's JSON path as written: `where`, `where.all[1]`, `where.all[2].not`, `where.any[0]` */
  readonly path: string;
  /** how deep the node sits (`where` is 0) */
  readonly depth: number;
  /** `all`, `any`, `not` or the leaf's kind */
  readonly kind: Condition['kind'];
  /** the node in a few words, for people */
  readonly description: string;
  /** customers of the definition's base (deleted ones out unless includeDeleted) the node alone holds for */
  readonly alone: number;
  /**
   * For a child of an `all`: customers of the base its group's children up to this one (in order)
   * all hold for; the last child's equals the group's `alone`. null for every other node.
   */
  readonly cumulative: number | null;
}

/** A count with the count of every node of its definition (`kumiwake count --conditions`). */
export interface ConditionCountsResult extends CountResult {
  /** every node of the `where` tree, in document order (depth first) */
  readonly conditions: readonly ConditionCount[];
}

/**
 * Counts a definition and every node of it in one statement (src/planner/compile-condition-counts.ts):
 * the count, its reachable figures and warnings as `countSegment` gives them, and `conditions`.
 */
export async function countConditions(
  db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, log: Logger = silentLogger, options: CountOptions = {},
): Promise<ConditionCountsResult> {
  const started = performance.now();
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  const target = await planTargetOf(db);
  const plan = target.compileConditionCounts?.(valid, asOf) ?? compileConditionCounts(valid, { dialect: target.dialect, asOf, schema: target.schema });
  const warnings = await warningsOf(db, valid, asOf, target, log, options);
  const [row] = await target.query<Record<string, bigint | number | null>>(plan);
  const figure = (column: string) => Number(row?.[column] ?? 0);
  const conditions = plan.nodes.map((node): ConditionCount => ({
    path: node.path,
    depth: node.depth,
    kind: node.condition.kind,
    description: describeCondition(node.condition),
    alone: figure(node.alone),
    cumulative: node.cumulative === undefined ? null : figure(node.cumulative),
  }));
  return {
    count: figure('count'),
    reachable: { email: figure('email'), line: figure('line'), dm: figure('dm') },
    asOf: formatDate(asOf),
    elapsedMs: Math.round(performance.now() - started),
    warnings,
    conditions,
  };
}

/**
 * The same figures as `countConditions`, from the customer sets kept between counts
 * (customer-sets.ts): after the total of the same tree was counted, no statement runs. For a
 * program that keeps a database open and counts edit after edit (the web builder).
 */
export async function countConditionsWithSets(
  sets: CustomerSets, definition: unknown, lookupSegment: (name: string) => unknown, asOf: LocalDate, options: CountOptions = {},
): Promise<ConditionCountsResult | undefined> {
  const started = performance.now();
  const valid = validateDefinition(definition, { asOf, lookupSegment });
  if (!countedBySets(valid)) return undefined;
  const counted = await sets.nodeCounts(valid, asOf, options.strict);
  const conditionAt = nodesByPath(valid.where);
  return {
    count: counted.count,
    reachable: counted.reachable,
    asOf: formatDate(asOf),
    elapsedMs: Math.round(performance.now() - started),
    warnings: counted.warnings,
    conditions: counted.nodes.map((node) => ({
      path: node.path, depth: node.depth, kind: node.kind, description: describeCondition(conditionAt.get(node.path)!), alone: node.alone, cumulative: node.cumulative,
    })),
  };
}

function nodesByPath(root: Condition): Map<string, Condition> {
  const out = new Map<string, Condition>();
  const visit = (condition: Condition, path: string) => {
    out.set(path, condition);
    if (condition.kind === 'all') condition.conditions.forEach((child, i) => visit(child, `${path}.all[${i}]`));
    else if (condition.kind === 'any') condition.conditions.forEach((child, i) => visit(child, `${path}.any[${i}]`));
    else if (condition.kind === 'not') visit(condition.condition, `${path}.not`);
  };
  visit(root, 'where');
  return out;
}
