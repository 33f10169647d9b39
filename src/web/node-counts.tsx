import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConditionCount } from './api.js';
import { useT } from './i18n.js';
import { jsonPath, type Path } from './tree.js';

/**
 * The per-condition counts of the definition the tree shows, by JSON path (`where.all[1]`), or
 * undefined while the answer for the latest edit is not in: a count for an older tree (whose
 * paths may name other nodes) is never shown beside a node.
 */
export const NodeCountsContext = createContext<ReadonlyMap<string, ConditionCount> | undefined>(undefined);

export function nodeCountsByPath(conditions: readonly ConditionCount[]): ReadonlyMap<string, ConditionCount> {
  return new Map(conditions.map((c) => [c.path, c]));
}

const number = (n: number) => n.toLocaleString('ja-JP');

/**
 * Beside a node: how many customers it holds for alone and, for a condition inside an AND, how
 * many are left after it and the conditions above it (the funnel: the last one's is the group's).
 */
export function NodeCount({ path }: { path: Path }) {
  const t = useT();
  const counts = useContext(NodeCountsContext);
  const at = jsonPath(path);
  const node = counts?.get(at);
  if (!node) return <span class="node-count" data-path={at} data-state="pending">…</span>;
  return (
    <span class="node-count" data-path={at} data-state="done" title={t('nodeCountHint')}>
      <span class="alone" data-testid="node-alone">{number(node.alone)}</span> {t('people')}
      {node.cumulative !== null && <span class="cumulative"> → <span data-testid="node-cumulative">{number(node.cumulative)}</span></span>}
    </span>
  );
}
