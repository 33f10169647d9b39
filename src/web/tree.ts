/**
 * The definition as the page edits it: plain JSON, changed by pure functions at a path of steps
 * (`['where', 'all', 0]`). `jsonPath` writes a path as the parser names it in its faults
 * (`where.all[0].products[1].count`), so a fault finds its field.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Step = string | number;
export type Path = readonly Step[];

export function jsonPath(path: Path): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) text += `[${JSON.stringify(step)}]`;
    else text += text === '' ? step : `.${step}`;
  }
  return text === '' ? '(top level)' : text;
}

export function getAt(root: Json | undefined, path: Path): Json | undefined {
  let node: Json | undefined = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[step as number] : Object.hasOwn(node, step) ? node[step as string] : undefined;
  }
  return node;
}

/** A copy of `root` with the value at `path` replaced; `undefined` removes an object's key. */
export function setAt(root: Json | undefined, path: Path, value: Json | undefined): Json | undefined {
  if (path.length === 0) return value;
  const [step, ...rest] = path;
  if (typeof step === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    const next = setAt(list[step], rest, value);
    if (next === undefined) list.splice(step, 1);
    else list[step] = next;
    return list;
  }
  const object: JsonObject = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...root } : {};
  const next = setAt(Object.hasOwn(object, step!) ? object[step!] : undefined, rest, value);
  if (next === undefined) delete object[step!];
  else object[step!] = next;
  return object;
}

/** Moves a list item one place up (-1) or down (+1). */
export function moveAt(root: Json | undefined, listPath: Path, index: number, by: -1 | 1): Json | undefined {
  const list = getAt(root, listPath);
  if (!Array.isArray(list) || index + by < 0 || index + by >= list.length) return root;
  const moved = [...list];
  [moved[index], moved[index + by]] = [moved[index + by]!, moved[index]!];
  return setAt(root, listPath, moved);
}

export const isObject = (value: Json | undefined): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

export type GroupKey = 'all' | 'any' | 'not';

export function groupKey(node: Json | undefined): GroupKey | undefined {
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any' || keys[0] === 'not') ? keys[0] : undefined;
}

/** A group turned into another kind, keeping its conditions (several under NOT become NOT of an AND). */
export function changeGroup(node: JsonObject, to: GroupKey): JsonObject {
  const from = groupKey(node);
  const children: Json[] = from === 'not' ? [node.not!] : Array.isArray(node[from!]) ? (node[from!] as Json[]) : [];
  if (to !== 'not') return { [to]: children };
  return { not: children.length === 1 ? children[0]! : { all: children } };
}

/** Lists split on commas (ASCII or Japanese), new lines and tabs; empty entries dropped. */
export const splitList = (text: string): string[] => text.split(/[,、，\n\t]/).map((s) => s.trim()).filter((s) => s !== '');

/** `path` is `ancestor` or lies inside it. */
export const isWithin = (path: Path, ancestor: Path): boolean => ancestor.length <= path.length && ancestor.every((step, i) => path[i] === step);

const samePath = (a: Path, b: Path) => a.length === b.length && isWithin(a, b);

/** A NOT whose child is a mail leaf: the page shows it as one leaf (メール履歴 除外する), not a group. */
export const isMailExclusion = (node: Json | undefined): boolean => groupKey(node) === 'not' && isObject((node as JsonObject).not) && ((node as JsonObject).not as JsonObject).kind === 'mail';

/** The group holding the condition at `path` (`where.all[2]` → `where`), none for `where` itself. */
export function parentGroup(path: Path): Path | undefined {
  const last = path[path.length - 1];
  if (last === 'not') return path.slice(0, -1);
  if (typeof last === 'number' && path.length >= 3) return path.slice(0, -2);
  return undefined;
}

/** Every group a condition can be moved into, in the order the page shows them (a mail exclusion is a leaf there). */
export function groupPaths(root: Json | undefined, at: Path = ['where']): Path[] {
  const node = getAt(root, at);
  const kind = groupKey(node);
  if (!kind || isMailExclusion(node)) return [];
  if (kind === 'not') return [at, ...groupPaths(root, [...at, 'not'])];
  const children = (node as JsonObject)[kind];
  return [at, ...(Array.isArray(children) ? children.flatMap((_, i) => groupPaths(root, [...at, kind, i])) : [])];
}

/** The definition after a move and where the moved condition now is; or why the move was refused. */
export type Moved =
  | { readonly ok: true; readonly root: Json | undefined; readonly path: Path }
  | { readonly ok: false; readonly refused: 'no-condition' | 'not-a-group' | 'into-itself' | 'already-there' | 'no-outer-group' };

/** How many conditions a group holds (a NOT: its one child). */
function childCount(node: Json | undefined): number {
  const kind = groupKey(node);
  if (kind === 'not') return 1;
  const list = kind ? (node as JsonObject)[kind] : undefined;
  return Array.isArray(list) ? list.length : 0;
}

/**
 * Takes the condition at `path` out of its group. A group it leaves empty goes with it: a NOT of
 * nothing would be `{}`, no condition at all, and an empty OR holds for no one, a count of 0 the
 * marketer did not ask for. `where` itself and the group `keep` (where the condition is going)
 * stay. Returns the path of what was removed.
 */
function detach(root: Json | undefined, path: Path, keep?: Path): { root: Json | undefined; removed: Path } {
  const parent = parentGroup(path);
  if (parent !== undefined) {
    const underNot = path[path.length - 1] === 'not';
    const lastOfGroup = parent.length > 1 && !(keep !== undefined && samePath(parent, keep)) && childCount(getAt(root, parent)) === 1;
    if (underNot || lastOfGroup) return detach(root, parent, keep);
  }
  return { root: setAt(root, path, undefined), removed: path };
}

/** `path` as it reads once the list item `removed` is gone (later siblings move up one place). */
function afterRemoval(path: Path, removed: Path): Path {
  const index = removed[removed.length - 1];
  const list = removed.slice(0, -1);
  if (typeof index !== 'number' || path.length < removed.length || !isWithin(path, list)) return path;
  const at = path[list.length];
  return typeof at === 'number' && at > index ? [...list, at - 1, ...path.slice(removed.length)] : path;
}

/** Adds `node` as the last condition of the group at `group` (under a NOT: as "add condition" does there). */
function attach(root: Json | undefined, group: Path, node: Json): { root: Json | undefined; path: Path } {
  const target = getAt(root, group) as JsonObject;
  const kind = groupKey(target)!;
  if (kind !== 'not') {
    const list = Array.isArray(target[kind]) ? (target[kind] as Json[]) : [];
    return { root: setAt(root, [...group, kind], [...list, node]), path: [...group, kind, list.length] };
  }
  const inner = target.not;
  const innerKind = groupKey(inner);
  if (inner === undefined) return { root: setAt(root, [...group, 'not'], node), path: [...group, 'not'] };
  if (innerKind === 'all' || innerKind === 'any') return attach(root, [...group, 'not'], node);
  return { root: setAt(root, [...group, 'not'], { all: [inner, node] }), path: [...group, 'not', 'all', 1] };
}

/** Moves the condition at `from` (a leaf or a group) to the end of the group at `group`. */
export function moveInto(root: Json | undefined, from: Path, group: Path): Moved {
  const node = getAt(root, from);
  const parent = parentGroup(from);
  if (node === undefined || parent === undefined) return { ok: false, refused: 'no-condition' };
  const target = getAt(root, group);
  if (!groupKey(target) || isMailExclusion(target)) return { ok: false, refused: 'not-a-group' };
  if (isWithin(group, from)) return { ok: false, refused: 'into-itself' };
  if (samePath(group, parent)) return { ok: false, refused: 'already-there' };
  const { root: without, removed } = detach(root, from, group);
  if (isWithin(group, removed)) return { ok: false, refused: 'already-there' }; // a NOT that held only this condition
  const attached = attach(without, afterRemoval(group, removed), node);
  return { ok: true, ...attached };
}

/**
 * Moves the condition at `from` out of its group, to just after that group in the group around
 * it; around a group under a NOT, the NOT then holds an AND of the group and the condition.
 */
export function moveOut(root: Json | undefined, from: Path): Moved {
  const node = getAt(root, from);
  const parent = parentGroup(from);
  if (node === undefined || parent === undefined) return { ok: false, refused: 'no-condition' };
  const outer = parentGroup(parent);
  if (outer === undefined) return { ok: false, refused: 'no-outer-group' };
  if (parent[parent.length - 1] === 'not') {
    // the parent group is a NOT's only child: the NOT then holds an AND of what is left of it and
    // the condition, or the condition alone when nothing is left
    if (from[from.length - 1] === 'not' || childCount(getAt(root, parent)) === 1) return { ok: true, root: setAt(root, parent, node), path: parent };
    const kept = getAt(setAt(root, from, undefined), parent)!;
    return { ok: true, root: setAt(root, parent, { all: [kept, node] }), path: [...parent, 'all', 1] };
  }
  const list = parent.slice(0, -1);
  const index = parent[parent.length - 1] as number;
  const siblings = getAt(root, list) as Json[];
  const inserted = setAt(root, list, [...siblings.slice(0, index + 1), node, ...siblings.slice(index + 1)]);
  const { root: moved, removed } = detach(inserted, from);
  return { ok: true, root: moved, path: afterRemoval([...list, index + 1], removed) };
}

/** Puts the condition at `path` into a new AND / OR / NOT group where it stood. */
export function wrapIn(root: Json | undefined, path: Path, kind: GroupKey): Moved {
  const node = getAt(root, path);
  if (node === undefined) return { ok: false, refused: 'no-condition' };
  if (kind === 'not') return { ok: true, root: setAt(root, path, { not: node }), path: [...path, 'not'] };
  return { ok: true, root: setAt(root, path, { [kind]: [node] }), path: [...path, kind, 0] };
}
