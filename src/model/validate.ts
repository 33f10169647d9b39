import { KumiwakeError } from '../errors.js';
import { dateValueProblem, rangeIsEmpty, resolveRange, type LocalDate } from './dates.js';
import { LEAF_KINDS, type SegmentDefinition } from './definition.js';
import { canonicalEnumValue, fieldNames, lookupField } from './fields.js';

export interface Fault {
  readonly path: string;
  readonly message: string;
}

/** A definition that breaks the rules: every fault with its JSON path. */
export class DefinitionError extends KumiwakeError {
  constructor(readonly faults: readonly Fault[]) {
    super('invalid-definition', faults.map((f) => `${readablePath(f.path)}: ${f.message}`).join('\n'), 2);
    this.name = 'DefinitionError';
  }
}

/** A path for people: a step repeated many times (`.not.not.not…`) is shown once with its count. */
export function readablePath(path: string): string {
  return path.replace(/((\.[A-Za-z]+|\[\d+\])(?:\2){3,})/g, (run: string, _whole: string, step: string) => `${step}{×${run.length / step.length}}`);
}

export interface ValidateOptions {
  readonly asOf: LocalDate;
  /** the saved segment of that name, or undefined when there is none */
  readonly lookupSegment?: (name: string) => unknown | undefined;
  /** names of the segments being validated around this one, to find cycles */
  readonly segmentChain?: readonly string[];
}

export const MAX_DEPTH = 100;
export const MAX_LIST = 1_000_000;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** JSON path steps: `.key` for a plain name, `["…"]` for any other key (spaces, dots, quotes). */
const at = (path: string, key: string | number) => {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
};
const describe = (v: Json) => (typeof v === 'string' ? `"${v.slice(0, 80)}"` : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

/** Checks a definition against segment-definition.md; throws DefinitionError listing every fault. */
export function validateDefinition(definition: Json, options: ValidateOptions): SegmentDefinition {
  const faults: Fault[] = [];
  new Validator(faults, options).root(definition);
  if (faults.length > 0) throw new DefinitionError(faults);
  return definition as SegmentDefinition;
}

class Validator {
  constructor(private readonly faults: Fault[], private readonly options: ValidateOptions) {}

  private fault(path: string, message: string): void {
    if (this.faults.length < 100) this.faults.push({ path: path || '(top level)', message });
  }

  private keys(value: Record<string, Json>, path: string, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fault(at(path, key), `unknown property of ${what} (expected ${allowed.join(', ')})`);
    }
  }

  root(definition: Json): void {
    if (!isObject(definition)) return this.fault('', 'a segment definition must be a JSON object');
    this.keys(definition, '', ['version', 'name', 'description', 'includeDeleted', 'where'], 'a segment definition');
    if (definition.version !== undefined && definition.version !== 1) this.fault('version', `version ${describe(definition.version)} is not supported (only 1)`);
    for (const key of ['name', 'description'] as const) {
      if (definition[key] !== undefined && typeof definition[key] !== 'string') this.fault(key, 'must be a text');
    }
    if (definition.includeDeleted !== undefined && typeof definition.includeDeleted !== 'boolean') this.fault('includeDeleted', 'must be true or false');
    if (definition.where !== undefined) this.condition(definition.where, 'where', 1);
  }

  private condition(value: Json, path: string, depth: number): void {
    if (depth > MAX_DEPTH) return this.fault(path, `conditions are nested deeper than ${MAX_DEPTH} levels`);
    if (!isObject(value)) return this.fault(path, `a condition must be an object, not ${describe(value)}`);
    const groupKeys = ['all', 'any', 'not'].filter((k) => k in value);
    if (groupKeys.length > 0) {
      if (groupKeys.length > 1 || 'kind' in value || Object.keys(value).length > 1) {
        return this.fault(path, 'a group has exactly one of "all", "any" or "not" and nothing else');
      }
      const key = groupKeys[0]!;
      const inner = value[key];
      if (key === 'not') return this.condition(inner, at(path, 'not'), depth + 1);
      if (!Array.isArray(inner)) return this.fault(at(path, key), `"${key}" takes a list of conditions`);
      inner.forEach((child, i) => this.condition(child, at(at(path, key), i), depth + 1));
      return;
    }
    const kind = value.kind;
    if (typeof kind !== 'string' || !LEAF_KINDS.includes(kind as never)) {
      return this.fault(kind === undefined ? path : at(path, 'kind'), kind === undefined
        ? 'a condition needs a "kind" (or is a group with "all", "any" or "not")'
        : `unknown condition kind ${describe(kind)} (expected one of ${LEAF_KINDS.join(', ')})`);
    }
    switch (kind) {
      case 'field': return this.field(value, path);
      case 'birthday': return this.birthday(value, path);
      case 'age':
      case 'tenure':
        this.keys(value, path, ['kind', 'min', 'max'], `a ${kind} condition`);
        return this.numberRange(value, path, { integer: true, nonNegative: kind === 'tenure' }, true);
      case 'tags': return this.tags(value, path);
      case 'purchases': return this.purchases(value, path);
      case 'mail': return this.mail(value, path);
      case 'reachable':
        this.keys(value, path, ['kind', 'channel'], 'a reachable condition');
        if (!['email', 'email_pc', 'email_mobile', 'line', 'dm'].includes(value.channel as string)) {
          this.fault(at(path, 'channel'), `unknown channel ${describe(value.channel)} (expected email, email_pc, email_mobile, line or dm)`);
        }
        return;
      case 'segment': return this.segment(value, path);
    }
  }

  private field(value: Record<string, Json>, path: string): void {
    this.keys(value, path, ['kind', 'field', 'op', 'value', 'values', 'min', 'max'], 'a field condition');
    if (typeof value.field !== 'string') return this.fault(at(path, 'field'), 'name the customer field to test, e.g. "prefecture" or "attr:会員ランク"');
    const field = lookupField(value.field);
    if (!field) return this.fault(at(path, 'field'), `"${value.field}" is not a customer field (expected attr:NAME or one of ${fieldNames().join(', ')})`);
    const op = value.op as string;
    const text = field.type === 'text' || field.type === 'attr' || field.type === 'enum';
    const allowed: Record<string, boolean> = {
      eq: field.type !== 'tags', ne: field.type !== 'tags',
      in: field.type !== 'tags' && field.type !== 'boolean', not_in: field.type !== 'tags' && field.type !== 'boolean',
      between: ['integer', 'decimal', 'date', 'timestamp'].includes(field.type) || field.name === 'customer_id',
      contains: text, starts_with: text, ends_with: text, is_empty: true, is_not_empty: true,
    };
    if (!(op in allowed)) return this.fault(at(path, 'op'), `unknown operator ${describe(op)} (expected ${Object.keys(allowed).join(', ')})`);
    if (!allowed[op]) return this.fault(at(path, 'op'), `"${op}" cannot be used on ${value.field} (a ${field.type} field)`);
    const operands = op === 'between' ? ['min', 'max'] : op === 'in' || op === 'not_in' ? ['values'] : op.startsWith('is_') ? [] : ['value'];
    for (const key of ['value', 'values', 'min', 'max']) {
      if (value[key] !== undefined && !operands.includes(key)) this.fault(at(path, key), `"${op}" takes ${operands.length ? operands.join(' and ') : 'no operand'}, not "${key}"`);
    }
    const checkScalar = (v: Json, p: string) => {
      if (field.type === 'boolean') {
        if (typeof v !== 'boolean') this.fault(p, `${value.field} is true or false, not ${describe(v)}`);
      } else if (field.type === 'integer' || field.type === 'decimal') {
        if (typeof v !== 'number' || !Number.isFinite(v)) this.fault(p, `${value.field} is a number, not ${describe(v)}`);
      } else if (field.type === 'date' || field.type === 'timestamp') {
        const problem = dateValueProblem(v);
        if (problem) this.fault(p, problem);
      } else if (typeof v !== 'string' && typeof v !== 'number') {
        this.fault(p, `expected a text, not ${describe(v)}`);
      } else if (field.type === 'enum' && !op.endsWith('with') && op !== 'contains' && !canonicalEnumValue(field.column!, String(v))) {
        this.fault(p, `${describe(v)} is not a value of ${value.field} (expected ${[...new Set(Object.values(field.column!.values ?? {}))].join(', ')})`);
      }
    };
    if (operands.includes('value')) {
      if (value.value === undefined) this.fault(path, `"${op}" needs a "value"`);
      else checkScalar(value.value, at(path, 'value'));
    }
    if (operands.includes('values')) {
      if (!Array.isArray(value.values)) this.fault(at(path, 'values'), `"${op}" needs "values": a list`);
      else if (value.values.length > MAX_LIST) this.fault(at(path, 'values'), `a list holds at most ${MAX_LIST.toLocaleString('en')} values`);
      else {
        for (let i = 0; i < value.values.length; i++) {
          const before = this.faults.length;
          checkScalar(value.values[i], at(at(path, 'values'), i));
          if (this.faults.length > before) break;
        }
      }
    }
    if (op === 'between') {
      if (value.min === undefined && value.max === undefined) this.fault(path, '"between" needs "min", "max" or both');
      if (field.name === 'customer_id') {
        for (const k of ['min', 'max']) if (value[k] !== undefined && !Number.isInteger(value[k])) this.fault(at(path, k), 'a member number range takes whole numbers');
        if (typeof value.min === 'number' && typeof value.max === 'number' && value.min > value.max) this.fault(path, `min ${value.min} is greater than max ${value.max}`);
      } else if (field.type === 'date' || field.type === 'timestamp') {
        for (const k of ['min', 'max']) if (value[k] !== undefined) checkScalar(value[k], at(path, k));
        this.dateOrder({ from: value.min, to: value.max }, path, 'min', 'max');
      } else {
        this.numberRange(value, path, {}, false);
      }
    }
  }

  private birthday(value: Record<string, Json>, path: string): void {
    this.keys(value, path, ['kind', 'from', 'to'], 'a birthday condition');
    for (const key of ['from', 'to']) {
      const v = value[key];
      const match = typeof v === 'string' ? /^(\d{2})-(\d{2})$/.exec(v) : null;
      const ok = match && Number(match[1]) >= 1 && Number(match[1]) <= 12 && Number(match[2]) >= 1 && Number(match[2]) <= new Date(Date.UTC(2024, Number(match[1]), 0)).getUTCDate();
      if (!ok) this.fault(at(path, key), `${v === undefined ? 'missing' : describe(v) + ' is not'} a month and day such as "12-20"`);
    }
  }

  private tags(value: Record<string, Json>, path: string): void {
    this.keys(value, path, ['kind', 'tags', 'match'], 'a tags condition');
    this.textList(value.tags, at(path, 'tags'), true);
    if (value.match !== undefined && value.match !== 'any' && value.match !== 'all') this.fault(at(path, 'match'), 'match is "any" or "all"');
  }

  private purchases(value: Record<string, Json>, path: string): void {
    const figures = ['orderCount', 'sales', 'firstOrderedAt', 'lastOrderedAt', 'lastShippedAt', 'firstOrderProducts', 'lastOrderProducts', 'products'];
    this.keys(value, path, ['kind', 'window', 'stores', 'media', 'orderCodes', 'groups', ...figures], 'a purchases condition');
    if (!figures.some((f) => value[f] !== undefined)) {
      this.fault(path, `a purchases condition needs at least one figure (${figures.join(', ')}); "bought at least once" is orderCount {"min": 1}`);
    }
    if (value.window !== undefined) {
      if (!isObject(value.window)) this.fault(at(path, 'window'), 'a window is {"from": D, "to": D, "on": "ordered" | "shipped"}');
      else {
        this.keys(value.window, at(path, 'window'), ['from', 'to', 'on'], 'a window');
        if (value.window.on !== undefined && value.window.on !== 'ordered' && value.window.on !== 'shipped') this.fault(at(at(path, 'window'), 'on'), 'on is "ordered" or "shipped"');
        this.dateRange(value.window, at(path, 'window'));
      }
    }
    for (const key of ['stores', 'media', 'firstOrderProducts', 'lastOrderProducts']) if (value[key] !== undefined) this.textList(value[key], at(path, key), true);
    if (value.orderCodes !== undefined) {
      const codes = value.orderCodes;
      if (!isObject(codes)) this.fault(at(path, 'orderCodes'), 'orderCodes is {"min": "A0001", "max": "A0999"}');
      else {
        this.keys(codes, at(path, 'orderCodes'), ['min', 'max'], 'an order code range');
        for (const k of ['min', 'max']) if (codes[k] !== undefined && typeof codes[k] !== 'string') this.fault(at(at(path, 'orderCodes'), k), 'an order code is a text');
        if (codes.min === undefined && codes.max === undefined) this.fault(at(path, 'orderCodes'), 'give "min", "max" or both');
        if (typeof codes.min === 'string' && typeof codes.max === 'string' && codes.min > codes.max) this.fault(at(path, 'orderCodes'), `min "${codes.min}" comes after max "${codes.max}"`);
      }
    }
    if (value.groups !== undefined) {
      if (!isObject(value.groups)) this.fault(at(path, 'groups'), 'groups maps an order group name to a list of values');
      else for (const [name, values] of Object.entries(value.groups)) this.textList(values, at(at(path, 'groups'), name), true);
    }
    if (value.orderCount !== undefined) this.numberRangeAt(value.orderCount, at(path, 'orderCount'), { integer: true, nonNegative: true });
    if (value.sales !== undefined) this.numberRangeAt(value.sales, at(path, 'sales'), {});
    for (const key of ['firstOrderedAt', 'lastOrderedAt', 'lastShippedAt']) {
      if (value[key] === undefined) continue;
      if (!isObject(value[key])) this.fault(at(path, key), 'a date range is {"from": D, "to": D}');
      else {
        this.keys(value[key] as Record<string, Json>, at(path, key), ['from', 'to'], 'a date range');
        this.dateRange(value[key] as Record<string, Json>, at(path, key));
      }
    }
    if (value.products !== undefined) {
      if (!Array.isArray(value.products)) return this.fault(at(path, 'products'), 'products is a list of product rows');
      value.products.forEach((row, i) => this.productRow(row, at(at(path, 'products'), i)));
    }
  }

  private productRow(row: Json, path: string): void {
    if (!isObject(row)) return this.fault(path, 'a product row is {"products": [...], "categories": [...], "count": {"min": N, "max": N}}');
    this.keys(row, path, ['products', 'categories', 'count', 'unit'], 'a product row');
    if (row.products === undefined && row.categories === undefined) this.fault(path, 'a product row names products, categories or both');
    if (row.products !== undefined) this.textList(row.products, at(path, 'products'), true);
    if (row.categories !== undefined) this.textList(row.categories, at(path, 'categories'), true);
    if (row.unit !== undefined && row.unit !== 'orders' && row.unit !== 'quantity') this.fault(at(path, 'unit'), 'unit is "orders" or "quantity"');
    if (row.count === undefined) this.fault(path, 'a product row needs a "count" range, e.g. {"min": 1}; never bought is {"min": 0, "max": 0}');
    else this.numberRangeAt(row.count, at(path, 'count'), { integer: true });
  }

  private mail(value: Record<string, Json>, path: string): void {
    this.keys(value, path, ['kind', 'event', 'mails', 'mailFilter', 'match', 'window'], 'a mail condition');
    if (!['send', 'open', 'click', 'qr'].includes(value.event as string)) this.fault(at(path, 'event'), `unknown event ${describe(value.event)} (expected send, open, click or qr)`);
    if (value.match !== undefined && value.match !== 'any' && value.match !== 'all') this.fault(at(path, 'match'), 'match is "any" or "all"');
    if ((value.mails === undefined) === (value.mailFilter === undefined)) this.fault(path, 'choose the mails with either "mails" (ids) or "mailFilter"');
    if (value.mails !== undefined) this.textList(value.mails, at(path, 'mails'), false);
    if (value.mailFilter !== undefined) {
      const filter = value.mailFilter;
      const fpath = at(path, 'mailFilter');
      if (!isObject(filter)) this.fault(fpath, 'mailFilter is {"kinds": [...], "subjectContains": "...", "sent": {...}, "stores": [...]}');
      else {
        this.keys(filter, fpath, ['kinds', 'subjectContains', 'sent', 'stores'], 'a mail filter');
        if (filter.kinds !== undefined) {
          this.textList(filter.kinds, at(fpath, 'kinds'), true);
          if (Array.isArray(filter.kinds)) filter.kinds.forEach((k, i) => {
            if (!['manual', 'scheduled', 'scenario', 'auto'].includes(k as string)) this.fault(at(at(fpath, 'kinds'), i), `unknown mail kind ${describe(k)} (expected manual, scheduled, scenario or auto)`);
          });
        }
        if (filter.subjectContains !== undefined && typeof filter.subjectContains !== 'string') this.fault(at(fpath, 'subjectContains'), 'must be a text');
        if (filter.stores !== undefined) this.textList(filter.stores, at(fpath, 'stores'), true);
        if (filter.sent !== undefined) {
          if (!isObject(filter.sent)) this.fault(at(fpath, 'sent'), 'a date range is {"from": D, "to": D}');
          else {
            this.keys(filter.sent, at(fpath, 'sent'), ['from', 'to'], 'a date range');
            this.dateRange(filter.sent, at(fpath, 'sent'));
          }
        }
      }
    }
    if (value.window !== undefined) {
      if (!isObject(value.window)) this.fault(at(path, 'window'), 'a window is {"from": D, "to": D}');
      else {
        this.keys(value.window, at(path, 'window'), ['from', 'to'], 'a window');
        this.dateRange(value.window, at(path, 'window'));
      }
    }
  }

  private segment(value: Record<string, Json>, path: string): void {
    this.keys(value, path, ['kind', 'name'], 'a segment condition');
    if (typeof value.name !== 'string' || value.name === '') return this.fault(at(path, 'name'), 'name the saved segment');
    const chain = this.options.segmentChain ?? [];
    if (chain.includes(value.name)) {
      return this.fault(at(path, 'name'), `segments refer to each other in a cycle: ${[...chain.slice(chain.indexOf(value.name)), value.name].join(' → ')}`);
    }
    const saved = this.options.lookupSegment?.(value.name);
    if (saved === undefined) return this.fault(at(path, 'name'), `there is no saved segment "${value.name}"`);
    try {
      validateDefinition(saved, { ...this.options, segmentChain: [...chain, value.name] });
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      for (const f of e.faults) this.fault(at(path, 'name'), f.message.startsWith('segments refer') ? f.message : `saved segment "${value.name}" is invalid: ${f.path}: ${f.message}`);
    }
  }

  private textList(value: Json, path: string, nonEmpty: boolean): void {
    if (!Array.isArray(value)) return this.fault(path, 'expected a list of texts');
    if (nonEmpty && value.length === 0) return this.fault(path, 'the list is empty');
    if (value.length > MAX_LIST) return this.fault(path, `a list holds at most ${MAX_LIST.toLocaleString('en')} values`);
    const bad = value.findIndex((v) => typeof v !== 'string' && typeof v !== 'number');
    if (bad >= 0) this.fault(at(path, bad), `expected a text, not ${describe(value[bad])}`);
  }

  private numberRangeAt(value: Json, path: string, rules: { integer?: boolean; nonNegative?: boolean }): void {
    if (!isObject(value)) return this.fault(path, 'a number range is {"min": N, "max": N}');
    this.keys(value, path, ['min', 'max'], 'a number range');
    this.numberRange(value, path, rules, true);
  }

  private numberRange(value: Record<string, Json>, path: string, rules: { integer?: boolean; nonNegative?: boolean }, needOne: boolean): void {
    for (const key of ['min', 'max']) {
      const v = value[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fault(at(path, key), `${key} must be a number, not ${describe(v)}`);
      else if (rules.integer && !Number.isInteger(v)) this.fault(at(path, key), `${key} must be a whole number`);
      else if (rules.nonNegative && v < 0) this.fault(at(path, key), `${key} cannot be negative`);
    }
    if (needOne && value.min === undefined && value.max === undefined) this.fault(path, 'give "min", "max" or both');
    if (typeof value.min === 'number' && typeof value.max === 'number' && value.min > value.max) this.fault(path, `min ${value.min} is greater than max ${value.max}`);
  }

  private dateRange(value: Record<string, Json>, path: string): void {
    let ok = true;
    for (const key of ['from', 'to']) {
      if (value[key] === undefined) continue;
      const problem = dateValueProblem(value[key]);
      if (problem) {
        ok = false;
        this.fault(at(path, key), problem);
      }
    }
    if (ok) this.dateOrder(value, path, 'from', 'to');
  }

  private dateOrder(value: { from?: Json; to?: Json }, path: string, fromName: string, toName: string): void {
    if (typeof value.from !== 'string' || typeof value.to !== 'string' || dateValueProblem(value.from) || dateValueProblem(value.to)) return;
    // Only a range that is empty on every day is a fault; one mixing a fixed date and a relative
    // one (from 2024-06-01 to today) may be empty on some days and not others, and is then empty.
    if (value.from.startsWith('today') !== value.to.startsWith('today')) return;
    const range = resolveRange({ from: value.from, to: value.to }, this.options.asOf);
    if (rangeIsEmpty(range)) this.fault(path, `${fromName} ${value.from} is after ${toName} ${value.to} (on ${range.from!.slice(0, 10)} as of the evaluation date)`);
  }
}
