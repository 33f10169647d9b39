import { describeCondition } from './describe-condition.js';
import type { Engine } from '../engine/engine.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { Condition, Segment } from '../model/segment.js';
import type { PlanOptions } from '../planner/compile-segment.js';
import { validateDefinition } from '../model/validate.js';
import { compileNodeFlags, IN_COLUMN, RFM_COLUMNS } from '../planner/compile-node-flags.js';
import { assertCustomerExists } from './customer-row.js';
import { planTargetOf } from './evaluate.js';
import type { NodeTruth } from './plan-target.js';
import type { SegmentStore } from './store.js';
import { leafFigures } from './why-figures.js';

/** One node of the definition's tree for one customer. */
export interface WhyNode {
  /** the JSON path of the node in the definition (`where`, `where.all[1]`, `where.any[0].not`) */
  readonly path: string;
  /** `all`, `any`, `not` or the leaf's kind */
  readonly kind: Condition['kind'];
  /** the node's condition in a few words (`field prefecture eq "東京都"`) */
  readonly label: string;
  /** whether the node holds for the customer (as the count evaluates it) */
  readonly holds: boolean;
  /**
   * What it looked at: a group's children that hold (`holding` of `children`); a field, date,
   * tags or reachable leaf's values of the customer; a purchases leaf's order figures in its scope
   * and matching product rows; a mail leaf's selected and matched mails and the events found; a
   * saved segment's name and its own `nodes` (paths within its definition).
   */
  readonly figures: Readonly<Record<string, unknown>>;
}

/** Why a customer is in a segment or not: `in` is membership of the count. */
export interface WhyResult {
  readonly customer_id: string;
  readonly in: boolean;
  readonly asOf: string;
  /** the customer is deleted (out of every segment unless its definition has `includeDeleted`) */
  readonly deleted: boolean;
  readonly includeDeleted: boolean;
  /** every node of the tree in reading order, parents before their children */
  readonly nodes: readonly WhyNode[];
}

/**
 * Each node's truth value for one customer, from one statement of the planner's own predicates
 * restricted to that customer (so `in` is what the count decides), and the figures behind each
 * leaf from small statements on that customer's rows. An unknown id is a fault (`unknown-customer`).
 */
export async function whyCustomer(db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, customerId: string): Promise<WhyResult> {
  const segment = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  const target = await planTargetOf(db);
  let explained: Awaited<ReturnType<typeof explain>>;
  if (target.oneCustomer) {
    // The truth from the engine's planner, the figures from a copy of the customer's rows.
    const one = await target.oneCustomer(customerId, asOf);
    try {
      const copied = await planTargetOf(one.copy);
      explained = await explain(one.copy, segment, customerId, { dialect: copied.dialect, asOf, schema: copied.schema }, (s) => one.truth(s));
    } finally {
      one.close();
    }
  } else {
    await assertCustomerExists(db, target, asOf, customerId);
    explained = await explain(db, segment, customerId, { dialect: target.dialect, asOf, schema: target.schema });
  }
  return { customer_id: customerId, in: explained.in, asOf: formatDate(asOf), deleted: explained.deleted, includeDeleted: segment.includeDeleted, nodes: explained.nodes };
}

/**
 * One definition's nodes for the customer. A saved segment it refers to is explained the same
 * way, its nodes (paths within that segment's definition) in the reference's figures: its `in`
 * is the reference's truth value.
 */
async function explain(
  db: Engine, segment: Segment, customerId: string, options: PlanOptions, truthOf?: (segment: Segment) => Promise<NodeTruth>,
): Promise<{ in: boolean; deleted: boolean; nodes: WhyNode[] }> {
  const plan = compileNodeFlags(segment, customerId, options);
  const [flags] = await db.query<Record<string, unknown>>(plan);
  if (!flags) throw new Error(`INTERNAL ERROR: customer ${customerId} exists but the flags statement returned no row`);
  const truth = truthOf ? await truthOf(segment) : undefined;
  const holds = truth?.holds ?? new Map(plan.nodes.map((n) => [n.path, flags[n.column] === true]));
  // Scores need the whole shop: the engine's, where the figures are read from a copy of one customer.
  const row = truth?.rfm ? { ...flags, [RFM_COLUMNS.r]: truth.rfm.r, [RFM_COLUMNS.f]: truth.rfm.f, [RFM_COLUMNS.m]: truth.rfm.m } : flags;
  const nodes: WhyNode[] = [];
  for (const { condition, path } of plan.nodes) {
    let figures: Record<string, unknown>;
    if (condition.kind === 'all' || condition.kind === 'any') {
      const children = condition.conditions.map((_, i) => holds.get(`${path}.${condition.kind}[${i}]`) === true);
      figures = { holding: children.filter(Boolean).length, children: children.length };
    } else if (condition.kind === 'not') {
      figures = {};
    } else if (condition.kind === 'segment') {
      figures = { segment: condition.name, nodes: (await explain(db, condition.definition, customerId, options, truthOf)).nodes };
    } else {
      figures = await leafFigures(db, condition, customerId, row, options);
    }
    nodes.push({ path, kind: condition.kind, label: describeCondition(condition), holds: holds.get(path) === true, figures });
  }
  return { in: truth?.in ?? row[IN_COLUMN] === true, deleted: row.deleted === true, nodes };
}

