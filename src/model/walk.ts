import type { ConditionInput, LeafInput } from './definition.js';
import type { Condition, Leaf } from './segment.js';

type Node = Condition | ConditionInput;

/** A group's children, as written (`{"all": [...]}`) or parsed (`{kind: 'all', conditions}`), or the leaf itself. */
function open(c: Node): { readonly children: readonly Node[] } | { readonly leaf: Leaf | LeafInput } {
  if ('all' in c) return { children: c.all };
  if ('any' in c) return { children: c.any };
  if ('not' in c) return { children: [c.not] };
  if (c.kind === 'all' || c.kind === 'any') return { children: c.conditions };
  if (c.kind === 'not') return { children: [c.condition] };
  return { leaf: c };
}

/** Depth first, iteratively: trees may be deep, and lists long. */
function leaves(root: Node | undefined): Array<Leaf | LeafInput> {
  const found: Array<Leaf | LeafInput> = [];
  const stack: Node[] = root ? [root] : [];
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    const node = open(c);
    if ('leaf' in node) found.push(node.leaf);
    else for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  return found;
}

/** Every leaf of a condition tree, parsed or as written, in document order. */
export function leavesOf(root: Condition | undefined): Leaf[];
export function leavesOf(root: ConditionInput | undefined): LeafInput[];
export function leavesOf(root: Node | undefined): Array<Leaf | LeafInput> {
  return leaves(root);
}

/** Names of the saved segments a tree refers to directly (a name written as a number, as its text). */
export function referencedSegments(root: Node | undefined): string[] {
  return leaves(root).flatMap((leaf) => (leaf.kind === 'segment' ? [String(leaf.name as unknown)] : []));
}
