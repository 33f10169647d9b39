import type { ConditionCountsResult } from '../index.js';
import { figure, padStart } from './text-table.js';

/**
 * `count --conditions` for people: one line per node of the definition, indented as the tree,
 * with the customers it holds for alone and, for the children of an `all`, as applied in order.
 */
export function conditionCountsText(result: ConditionCountsResult): string {
  const { count, reachable: r, asOf, elapsedMs } = result;
  const summary = `${figure(count)} customers as of ${asOf} (email ${figure(r.email)}, LINE ${figure(r.line)}, DM ${figure(r.dm)}) in ${elapsedMs} ms`;
  const alone = Math.max('alone'.length, ...result.conditions.map((c) => figure(c.alone).length));
  const cumulative = Math.max('cumulative'.length, ...result.conditions.map((c) => (c.cumulative === null ? 1 : figure(c.cumulative).length)));
  const header = `${padStart('alone', alone)}  ${padStart('cumulative', cumulative)}  condition`;
  const rows = result.conditions.map((c) =>
    `${padStart(figure(c.alone), alone)}  ${padStart(c.cumulative === null ? '-' : figure(c.cumulative), cumulative)}  ${'  '.repeat(c.depth)}${c.path}: ${c.description}`);
  return [summary, header, ...rows].join('\n');
}
