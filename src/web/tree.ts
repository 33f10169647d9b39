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
