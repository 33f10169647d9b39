import { KumiwakeError } from '../errors.js';
import { at } from '../model/faults.js';
import { lookupField } from '../model/fields.js';
import { DefinitionError, MAX_DEPTH, TOO_DEEP_MESSAGE } from '../model/validate.js';
import { FIELD_OPERANDS, KIND_ARGS, MAIL_FILTER_ARGS, MAIL_VERBS, ORDER_FILTER_ARGS, PRODUCT_ROW_ARGS, PURCHASE_FIGURES, RANGE_KINDS, RESERVED, RESERVED_AT_START, type Arg, type ArgList } from './grammar.js';
import { NUMBER, numberText, tokenize } from './tokenizer.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const OPERATOR_WORDS: ReadonlySet<string> = new Set([...RESERVED, 'in', 'not', 'is', 'contains', 'starts_with', 'ends_with']);

/** A definition's property the language cannot write (it would not be a definition either). */
function unprintable(path: string, what: string): never {
  throw new KumiwakeError('query-unprintable', `${path || '(top level)'}: ${what} cannot be written as a query (it is not a segment definition)`);
}

/**
 * A text as the canonical query writes it: bare when it reads back as the same text, else quoted.
 * A number-like text (`1.10`, `1e3`, `100`) is always quoted: bare, it is a number wherever a
 * number is expected, and `100` everywhere (cursor.ts `bareNumber`).
 */
export function printText(text: string, reserved: ReadonlySet<string> = RESERVED): string {
  if (text !== '' && !reserved.has(text) && !NUMBER.test(text) && !text.startsWith('attr:')) {
    try {
      const tokens = tokenize(text);
      if (tokens.length === 2 && tokens[0]!.type === 'word' && tokens[0]!.text === text && tokens[0]!.span.end === text.length) return text;
    } catch {
      // not a bare word: quoted below
    }
  }
  return JSON.stringify(text);
}

function printScalar(value: unknown, path: string, reserved: ReadonlySet<string> = RESERVED): string {
  if (typeof value === 'string') return printText(value, reserved);
  if (typeof value === 'number' && Number.isFinite(value)) return numberText(value);
  if (typeof value === 'boolean') return String(value);
  return unprintable(path, 'this value');
}

function printList(value: unknown, path: string, parenthesised = false): string {
  if (!Array.isArray(value)) return unprintable(path, 'a list that is not a list');
  const items = value.map((v, i) => printScalar(v, at(path, i)));
  return items.length === 1 && !parenthesised ? items[0]! : `(${items.join(', ')})`;
}

function checkKeys(value: unknown, keys: readonly string[], path: string): Obj {
  if (!isObject(value)) return unprintable(path, 'a value that is not an object');
  for (const key of Object.keys(value)) if (!keys.includes(key)) unprintable(at(path, key), `the property "${key}"`);
  return value;
}

/** `>= a`, `<= b`, `= a` (both ends the same), `a..b`, or `..` (neither end). */
function printComparison(value: unknown, keys: readonly [string, string], path: string): string {
  const range = checkKeys(value, keys, path);
  const [lo, hi] = keys.map((k) => (range[k] === undefined ? undefined : printScalar(range[k], at(path, k))));
  if (lo !== undefined && hi !== undefined) return Object.is(range[keys[0]], range[keys[1]]) ? `= ${lo}` : `${lo}..${hi}`;
  if (lo !== undefined) return `>= ${lo}`;
  if (hi !== undefined) return `<= ${hi}`;
  return '..';
}

/** `a..b`, `a..`, `..b`, `..`: a range given as an argument. */
function printSpan(value: unknown, keys: readonly [string, string], path: string, extra: readonly string[] = []): string {
  const range = checkKeys(value, [...keys, ...extra], path);
  const [lo, hi] = keys.map((k) => (range[k] === undefined ? '' : printScalar(range[k], at(path, k))));
  return `${lo}..${hi}`;
}

function printArgValue(arg: Arg, value: unknown, path: string): string {
  switch (arg.type) {
    case 'scalar': return printScalar(value, path);
    case 'list': return printList(value, path);
    case 'bool': return typeof value === 'boolean' ? String(value) : unprintable(path, 'a value that is not true or false');
    case 'dates': return printSpan(value, ['from', 'to'], path);
    case 'bounds': return printSpan(value, ['min', 'max'], path);
    case 'window': {
      const span = printSpan(value, ['from', 'to'], path, ['on']);
      const on = (value as Obj).on;
      return on === undefined ? span : `${span} on ${printScalar(on, at(path, 'on'))}`;
    }
    case 'pair':
      if (!Array.isArray(value) || value.length !== 2) return unprintable(path, 'a score range that is not [low, high]');
      return `${printScalar(value[0], at(path, 0))}..${printScalar(value[1], at(path, 1))}`;
    case 'groups': {
      if (!isObject(value)) return unprintable(path, 'groups that are not an object');
      const entries = Object.entries(value).map(([name, values]) => `${printText(name)}: ${printList(values, at(path, name))}`);
      return `{${entries.length > 0 ? ` ${entries.join(', ')} ` : ''}}`;
    }
    case 'mailFilter': {
      const inner = printArgs(MAIL_FILTER_ARGS, value, path);
      return `{${inner === '' ? '' : ` ${inner} `}}`;
    }
  }
}

/**
 * The arguments of a kind, in the grammar's order: the positional one first (a non-empty list's
 * values, or the value), the mail filter's own among them when it has any.
 */
function printArgs(list: ArgList, value: unknown, path: string): string {
  const object = isObject(value) ? value : unprintable(path, 'a value that is not an object');
  const filter = object.mailFilter;
  const ownKeys = list.positional?.ends ? ['from', 'to'] : list.positional ? [list.positional.key] : [];
  const keys = new Set([...list.named.filter((a) => !a.inFilter).map((a) => a.key), ...ownKeys]);
  for (const key of Object.keys(object)) if (!keys.has(key)) unprintable(at(path, key), `the property "${key}"`);
  const parts: string[] = [];
  const positional = list.positional;
  let positionalKey: string | undefined;
  if (positional?.ends) {
    if (object.from !== undefined || object.to !== undefined) parts.push(printSpan({ from: object.from, to: object.to }, ['from', 'to'], path));
    positionalKey = 'from';
  } else if (positional && object[positional.key] !== undefined) {
    const v = object[positional.key];
    if (positional.type === 'list' && Array.isArray(v) && v.length > 0) { parts.push(v.map((x, i) => printScalar(x, at(at(path, positional.key), i))).join(', ')); positionalKey = positional.key; }
    else if (positional.type === 'scalar') { parts.push(printScalar(v, at(path, positional.key))); positionalKey = positional.key; }
  }
  const flatFilter = isObject(filter) && Object.keys(filter).length > 0;
  if (isObject(filter)) checkKeys(filter, list.named.filter((a) => a.inFilter).map((a) => a.key), at(path, 'mailFilter'));
  const done = new Set<string>();
  for (const arg of list.named) {
    const id = `${arg.inFilter ? 'mailFilter.' : ''}${arg.key}`;
    if (done.has(id) || arg.key === positionalKey) continue;
    done.add(id);
    if (arg.type === 'mailFilter' && (filter === undefined || flatFilter)) continue;
    const v = arg.inFilter ? (flatFilter ? (filter as Obj)[arg.key] : undefined) : object[arg.key];
    if (v === undefined) continue;
    const argPath = arg.inFilter ? at(at(path, 'mailFilter'), arg.key) : at(path, arg.key);
    parts.push(`${arg.name}${arg.tilde ? ' ~' : ':'} ${arg.type === 'list' && Array.isArray(v) && v.length !== 1 ? printList(v, argPath, true) : printArgValue(arg, v, argPath)}`);
  }
  return parts.join(', ');
}

function printField(leaf: Obj, path: string): string {
  checkKeys(leaf, ['kind', 'field', 'op', 'value', 'values', 'min', 'max', 'loose'], path);
  const name = leaf.field;
  if (typeof name !== 'string') return unprintable(at(path, 'field'), 'a field that is not a text');
  const rest = name.slice(5);
  // A name that is no field is quoted: a bare one is a syntax fault, a quoted one the definition's unknown-field.
  const field = !lookupField(name) ? JSON.stringify(name)
    : name.startsWith('attr:') ? `attr:${printText(rest) === rest && !rest.includes(':') ? rest : JSON.stringify(rest)}` : printText(name, RESERVED_AT_START);
  const value = () => printScalar(leaf.value, at(path, 'value'));
  let text: string;
  switch (leaf.op) {
    case 'eq': text = `${field} = ${value()}`; break;
    case 'ne': text = `${field} != ${value()}`; break;
    case 'in': text = `${field} in ${printList(leaf.values, at(path, 'values'), true)}`; break;
    case 'not_in': text = `${field} not in ${printList(leaf.values, at(path, 'values'), true)}`; break;
    case 'contains': case 'starts_with': case 'ends_with': text = `${field} ${leaf.op === 'contains' ? '~' : leaf.op} ${value()}`; break;
    case 'is_empty': text = `${field} is empty`; break;
    case 'is_not_empty': text = `${field} is not empty`; break;
    case 'between': {
      // `FIELD lo..hi`: a lo that is an operator's word would read as the operator.
      const lo = leaf.min === undefined ? undefined : printScalar(leaf.min, at(path, 'min'), OPERATOR_WORDS);
      const hi = leaf.max === undefined ? undefined : printScalar(leaf.max, at(path, 'max'));
      text = `${field} ${lo !== undefined && hi !== undefined ? `${lo}..${hi}` : lo !== undefined ? `>= ${lo}` : hi !== undefined ? `<= ${hi}` : '..'}`;
      break;
    }
    default: return unprintable(at(path, 'op'), 'this operator');
  }
  const operands = Object.hasOwn(FIELD_OPERANDS, leaf.op as string) ? FIELD_OPERANDS[leaf.op as string]! : [];
  for (const key of ['value', 'values', 'min', 'max']) if (leaf[key] !== undefined && !operands.includes(key)) unprintable(at(path, key), `"${key}" beside "${String(leaf.op)}"`);
  if (leaf.loose === true) text += ' loose';
  else if (leaf.loose === false) text += ' loose false';
  else if (leaf.loose !== undefined) unprintable(at(path, 'loose'), 'a loose that is not true or false');
  return text;
}

function printPurchases(leaf: Obj, path: string): string {
  const scopeKeys = KIND_ARGS.purchases!.named.map((a) => a.key);
  const figures = PURCHASE_FIGURES.filter((f) => leaf[f.key] !== undefined);
  const scope = Object.fromEntries(Object.entries(leaf).filter(([k]) => scopeKeys.includes(k)));
  checkKeys(leaf, ['kind', ...scopeKeys, ...PURCHASE_FIGURES.map((f) => f.key)], path);
  const parts: string[] = [];
  for (const figure of figures) {
    const v = leaf[figure.key];
    const p = at(path, figure.key);
    if (figure.form === 'numbers') parts.push(`${figure.name} ${printComparison(v, ['min', 'max'], p)}`);
    else if (figure.form === 'dates') parts.push(`${figure.name} ${printComparison(v, ['from', 'to'], p)}`);
    else if (figure.form === 'list') parts.push(`${figure.name} in ${printList(v, p, true)}`);
    else if (figure.form === 'orderFilter') parts.push(`${figure.name}(${printArgs(ORDER_FILTER_ARGS, v, p)})`);
    else {
      if (!Array.isArray(v) || v.length === 0) unprintable(p, 'a list of product rows that is empty or not a list');
      v.forEach((row, i) => {
        const { count, ...rest } = isObject(row) ? row : unprintable(at(p, i), 'a product row that is not an object');
        parts.push(`bought(${printArgs(PRODUCT_ROW_ARGS, rest, at(p, i))}) ${printComparison(count, ['min', 'max'], at(at(p, i), 'count'))}`);
      });
    }
  }
  const scopeText = Object.keys(scope).length > 0 ? `(${printArgs(KIND_ARGS.purchases!, scope, path)})` : '';
  return `purchases${scopeText}${parts.length > 0 ? ` { ${parts.join(' and ')} }` : scopeText === '' ? ' {}' : ''}`;
}

function printLeaf(leaf: Obj, path: string): string {
  const kind = leaf.kind;
  if (kind === 'field') return printField(leaf, path);
  if (kind === 'purchases') return printPurchases(leaf, path);
  if (typeof kind === 'string' && RANGE_KINDS.has(kind)) {
    const { kind: _, ...range } = leaf;
    return `${kind} ${printComparison(range, ['min', 'max'], path)}`;
  }
  if (kind === 'mail') {
    const { kind: _, event, ...rest } = leaf;
    const verb = [...MAIL_VERBS].find(([, e]) => e === event)?.[0] ?? unprintable(at(path, 'event'), 'this event');
    return `${verb}(${printArgs(KIND_ARGS.mail!, rest, path)})`;
  }
  if (kind === 'subscription') {
    const { kind: _, count, ...rest } = leaf;
    const args = `subscription(${printArgs(KIND_ARGS.subscription!, rest, path)})`;
    return count === undefined ? args : `${args} ${printComparison(count, ['min', 'max'], at(path, 'count'))}`;
  }
  if (typeof kind === 'string' && Object.hasOwn(KIND_ARGS, kind)) {
    const { kind: _, ...rest } = leaf;
    return `${kind}(${printArgs(KIND_ARGS[kind]!, rest, path)})`;
  }
  return unprintable(at(path, 'kind'), 'this kind');
}

/**
 * A condition at `depth` (`where` is 1); `nested` when it sits inside another group (an and / or
 * chain is then parenthesised). Past the definition's limit it is the definition's own fault, as
 * the definition's parser and the query's give it: printing on recursed once per level, and
 * 10,000 nested groups overflowed the stack.
 */
function printCondition(condition: unknown, path: string, nested: boolean, depth: number): string {
  if (depth > MAX_DEPTH) throw new DefinitionError([{ code: 'too-deep', path, message: TOO_DEEP_MESSAGE }]);
  if (!isObject(condition)) return unprintable(path, 'a condition that is not an object');
  for (const key of ['all', 'any'] as const) {
    if (!(key in condition)) continue;
    checkKeys(condition, [key], path);
    const children = condition[key];
    if (!Array.isArray(children)) return unprintable(at(path, key), 'a group that is not a list');
    const texts = children.map((c, i) => printCondition(c, at(at(path, key), i), children.length >= 2, depth + 1));
    if (children.length < 2) return `${key}(${texts.join('')})`;
    const chain = texts.join(key === 'all' ? ' and ' : ' or ');
    return nested ? `(${chain})` : chain;
  }
  if ('not' in condition) {
    checkKeys(condition, ['not'], path);
    return `not ${printCondition(condition.not, at(path, 'not'), true, depth + 1)}`;
  }
  return printLeaf(condition, path);
}

/** The canonical query text of a definition (query-language.md, "Canonical text"). */
export function printDefinition(definition: unknown): string {
  const doc = checkKeys(definition, ['version', 'name', 'description', 'includeDeleted', 'where'], '');
  const header: string[] = [];
  for (const key of ['version', 'name', 'description', 'includeDeleted'] as const) {
    if (doc[key] !== undefined) header.push(`${key}: ${printScalar(doc[key], key)}`);
  }
  const where = doc.where === undefined ? '' : printCondition(doc.where, 'where', false, 1);
  if (header.length === 0) return where;
  return `{ ${header.join(', ')} }${where === '' ? '' : `\n${where}`}`;
}
