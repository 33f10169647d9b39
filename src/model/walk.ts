import type { Condition, Leaf } from './definition.js';

/** Every leaf of a condition tree, depth first (iteratively: trees may be deep). */
export function leavesOf(root: Condition | undefined): Leaf[] {
  const leaves: Leaf[] = [];
  const stack: Condition[] = root ? [root] : [];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if ('all' in c) stack.push(...[...c.all].reverse());
    else if ('any' in c) stack.push(...[...c.any].reverse());
    else if ('not' in c) stack.push(c.not);
    else leaves.push(c);
  }
  return leaves;
}

/** Names of the saved segments a tree refers to directly. */
export const referencedSegments = (root: Condition | undefined): string[] =>
  leavesOf(root).flatMap((l) => (l.kind === 'segment' ? [l.name] : []));
