/**
 * Moving conditions in the builder's tree (src/web/tree.ts): into another group, out of a group,
 * wrapped in a new AND / OR / NOT. A move keeps every leaf exactly once, the result is still a
 * definition the parser accepts, and the path it returns is where the moved condition now is;
 * a move into the condition itself (or its own descendant) is refused.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/model/validate.js';
import { getAt, groupPaths, moveInto, moveOut, parentGroup, wrapIn, type Json, type Path } from '../../src/web/tree.js';

const age = (min: number) => ({ kind: 'age', min, max: min + 9 });
const mailExclusion = { not: { kind: 'mail', event: 'open', mails: ['M1'] } };

/** where.all = [age20, any[age30, age40], not(all[age50, age60]), not(mail)] */
const tree = (): Json => ({
  where: { all: [age(20), { any: [age(30), age(40)] }, { not: { all: [age(50), age(60)] } }, mailExclusion] },
});

/** Every leaf (and mail exclusion) in the tree, as JSON text, sorted: what a move must keep. */
function leaves(node: Json | undefined): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  if ('not' in node && (node.not as { kind?: string }).kind === 'mail') return [JSON.stringify(node)];
  for (const key of ['all', 'any'] as const) if (Array.isArray(node[key])) return (node[key] as Json[]).flatMap(leaves).sort();
  if ('not' in node) return leaves(node.not);
  return [JSON.stringify(node)];
}

/** Every condition's path (groups and leaves; a mail exclusion is one leaf), `where` first. */
function conditionPaths(root: Json | undefined, at: Path = ['where']): Path[] {
  const node = getAt(root, at) as Record<string, Json> | undefined;
  if (!node || typeof node !== 'object') return [];
  if ('not' in node && (node.not as { kind?: string }).kind === 'mail') return [at];
  if ('not' in node) return [at, ...conditionPaths(root, [...at, 'not'])];
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(node[key])) return [at, ...(node[key] as Json[]).flatMap((_, i) => conditionPaths(root, [...at, key, i]))];
  }
  return [at];
}

const parses = (root: Json | undefined) => expect(() => parseDefinition(root, { asOf: { y: 2026, m: 10, d: 31 }, lookupSegment: () => ({}) } as Parameters<typeof parseDefinition>[1])).not.toThrow();

describe('moving a condition into another group', () => {
  it('moves a leaf to the end of the group and says where it is now', () => {
    const moved = moveInto(tree(), ['where', 'all', 0], ['where', 'all', 1]);
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    // the leaf left index 0, so the OR group moved up to index 0
    expect(moved.path).toEqual(['where', 'all', 0, 'any', 2]);
    expect(getAt(moved.root, moved.path)).toEqual(age(20));
    expect(getAt(moved.root, ['where', 'all', 0])).toEqual({ any: [age(30), age(40), age(20)] });
    expect((getAt(moved.root, ['where', 'all']) as Json[]).length).toBe(3);
    parses(moved.root);
  });

  it('moves a leaf into a NOT group: it joins the AND under the NOT', () => {
    const moved = moveInto(tree(), ['where', 'all', 1, 'any', 0], ['where', 'all', 2]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.path).toEqual(['where', 'all', 2, 'not', 'all', 2]);
    expect(getAt(moved.root, moved.path)).toEqual(age(30));
    expect(getAt(moved.root, ['where', 'all', 1])).toEqual({ any: [age(40)] });
  });

  it('moves a whole group, with its conditions, into a later sibling group', () => {
    const moved = moveInto(tree(), ['where', 'all', 1], ['where', 'all', 2]);
    if (!moved.ok) throw new Error(moved.refused);
    // the OR group (index 1) left, so the NOT at index 2 is at index 1 now
    expect(moved.path).toEqual(['where', 'all', 1, 'not', 'all', 2]);
    expect(getAt(moved.root, moved.path)).toEqual({ any: [age(30), age(40)] });
    parses(moved.root);
  });

  it('refuses to move a group into itself or into one of its own groups', () => {
    const root = { where: { all: [{ any: [age(20), { all: [age(30)] }] }] } };
    expect(moveInto(root, ['where', 'all', 0], ['where', 'all', 0])).toEqual({ ok: false, refused: 'into-itself' });
    expect(moveInto(root, ['where', 'all', 0], ['where', 'all', 0, 'any', 1])).toEqual({ ok: false, refused: 'into-itself' });
    expect(moveInto(root, ['where'], ['where', 'all', 0])).toEqual({ ok: false, refused: 'no-condition' });
  });

  it('refuses the group it is already in, a leaf and a mail exclusion as targets', () => {
    expect(moveInto(tree(), ['where', 'all', 1, 'any', 0], ['where', 'all', 1])).toEqual({ ok: false, refused: 'already-there' });
    expect(moveInto(tree(), ['where', 'all', 1], ['where', 'all', 0])).toEqual({ ok: false, refused: 'not-a-group' });
    expect(moveInto(tree(), ['where', 'all', 0], ['where', 'all', 3])).toEqual({ ok: false, refused: 'not-a-group' });
  });

  it('takes away a NOT left with nothing under it', () => {
    const root: Json = { where: { all: [{ not: age(20) }, { any: [age(30)] }] } };
    const moved = moveInto(root, ['where', 'all', 0, 'not'], ['where', 'all', 1]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.root).toEqual({ where: { all: [{ any: [age(30), age(20)] }] } });
    expect(moved.path).toEqual(['where', 'all', 0, 'any', 1]);
  });

  it('takes away an AND / OR group the move leaves empty (an empty OR would hold for no one)', () => {
    const root: Json = { where: { all: [{ any: [age(20)] }, { all: [age(30)] }] } };
    const moved = moveInto(root, ['where', 'all', 0, 'any', 0], ['where', 'all', 1]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.root).toEqual({ where: { all: [{ all: [age(30), age(20)] }] } });
    expect(moved.path).toEqual(['where', 'all', 0, 'all', 1]);
  });

  it('keeps the group the condition goes into, even when it held only the group the condition leaves', () => {
    const root = { where: { all: [{ any: [{ all: [age(20)] }] }] } };
    const moved = moveInto(root, ['where', 'all', 0, 'any', 0, 'all', 0], ['where', 'all', 0]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.root).toEqual({ where: { all: [{ any: [age(20)] }] } });
    expect(moved.path).toEqual(['where', 'all', 0, 'any', 0]);
  });

  it('keeps every leaf once and a parseable definition for every move a tree allows', () => {
    const root = tree();
    const before = leaves(getAt(root, ['where']));
    let allowed = 0;
    for (const from of conditionPaths(root).slice(1)) {
      for (const group of groupPaths(root)) {
        const moved = moveInto(root, from, group);
        if (!moved.ok) {
          expect(['into-itself', 'already-there']).toContain(moved.refused);
          continue;
        }
        allowed++;
        expect(leaves(getAt(moved.root, ['where'])), `${from.join('.')} → ${group.join('.')}`).toEqual(before);
        expect(getAt(moved.root, moved.path)).toEqual(getAt(root, from));
        expect(JSON.stringify(moved.root), 'no group left empty').not.toMatch(/"(all|any)":\[\]/);
        parses(moved.root);
      }
    }
    expect(allowed).toBeGreaterThan(15);
  });
});

describe('moving a condition out of its group', () => {
  it('puts it just after its group in the group around it', () => {
    const moved = moveOut(tree(), ['where', 'all', 1, 'any', 0]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.path).toEqual(['where', 'all', 2]);
    expect(getAt(moved.root, ['where', 'all'])).toEqual([age(20), { any: [age(40)] }, age(30), { not: { all: [age(50), age(60)] } }, mailExclusion]);
  });

  it('out of a group under a NOT: the NOT holds an AND of the group and the condition', () => {
    const moved = moveOut(tree(), ['where', 'all', 2, 'not', 'all', 1]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(getAt(moved.root, ['where', 'all', 2])).toEqual({ not: { all: [{ all: [age(50)] }, age(60)] } });
    expect(moved.path).toEqual(['where', 'all', 2, 'not', 'all', 1]);
    parses(moved.root);
  });

  it('out of a NOT: the condition takes the NOT\'s place', () => {
    const root = { where: { all: [{ not: age(20) }] } };
    const moved = moveOut(root, ['where', 'all', 0, 'not']);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.root).toEqual({ where: { all: [age(20)] } });
    expect(moved.path).toEqual(['where', 'all', 0]);
  });

  it('out of a group it was alone in: the group goes, the condition takes its place', () => {
    const root = { where: { all: [age(20), { any: [age(30)] }, age(40)] } };
    const moved = moveOut(root, ['where', 'all', 1, 'any', 0]);
    if (!moved.ok) throw new Error(moved.refused);
    expect(moved.root).toEqual({ where: { all: [age(20), age(30), age(40)] } });
    expect(moved.path).toEqual(['where', 'all', 1]);
    const underNot = moveOut({ where: { all: [{ not: { any: [age(30)] } }] } }, ['where', 'all', 0, 'not', 'any', 0]);
    if (!underNot.ok) throw new Error(underNot.refused);
    expect(underNot.root).toEqual({ where: { all: [{ not: age(30) }] } });
    expect(underNot.path).toEqual(['where', 'all', 0, 'not']);
  });

  it('refuses a condition of the top group: there is no group around it', () => {
    expect(moveOut(tree(), ['where', 'all', 0])).toEqual({ ok: false, refused: 'no-outer-group' });
  });
});

describe('wrapping a condition in a new group', () => {
  it.each([['all', ['where', 'all', 0, 'all', 0]], ['any', ['where', 'all', 0, 'any', 0]], ['not', ['where', 'all', 0, 'not']]] as const)(
    'wraps a leaf in %s where it stood', (kind, path) => {
      const wrapped = wrapIn(tree(), ['where', 'all', 0], kind);
      if (!wrapped.ok) throw new Error(wrapped.refused);
      expect(wrapped.path).toEqual(path);
      expect(getAt(wrapped.root, path)).toEqual(age(20));
      expect(parentGroup(path)).toEqual(['where', 'all', 0]);
      parses(wrapped.root);
    },
  );

  it('wraps the whole where', () => {
    const wrapped = wrapIn(tree(), ['where'], 'not');
    if (!wrapped.ok) throw new Error(wrapped.refused);
    expect(getAt(wrapped.root, ['where', 'not'])).toEqual(getAt(tree(), ['where']));
  });
});

describe('the groups a condition can go to', () => {
  it('lists every group in page order, a mail exclusion not among them', () => {
    expect(groupPaths(tree())).toEqual([['where'], ['where', 'all', 1], ['where', 'all', 2], ['where', 'all', 2, 'not']]);
  });
});
