import { customers, type ValueType } from '../catalog/tables.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { CLI_INPUTS, type InputNames } from '../input-names.js';
import { silentLogger, type Logger } from '../logger.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import { rfmCellOf } from '../model/rfm-cells.js';
import { validateDefinition } from '../model/validate.js';
import { CHANNEL_FLAGS, compileBreakdown, type BreakdownKey } from '../planner/compile-breakdown.js';
import type { SchemaInfo } from '../planner/context.js';
import { planTargetOf, warningsOf, type CountOptions } from './evaluate.js';
import type { SegmentStore } from './store.js';
import type { SegmentWarning } from './warnings.js';

/** A key value of a breakdown row: a column's value (null: none), an age band, an RFM cell, a channel. */
export type BreakdownValue = string | number | boolean | null;

export interface Reach {
  readonly email: number;
  readonly line: number;
  readonly dm: number;
}

export interface BreakdownRow {
  /** the row's value of each field, by the field's name as given */
  readonly key: Readonly<Record<string, BreakdownValue>>;
  readonly count: number;
  readonly reachable: Reach;
}

export interface BreakdownResult {
  /** the fields, as given */
  readonly by: readonly string[];
  /** the segment's customers (the total row): with `channel`, the rows add up to more */
  readonly count: number;
  readonly reachable: Reach;
  /** rows by count, largest first; equal counts in the order of their keys */
  readonly breakdown: readonly BreakdownRow[];
  readonly total: { readonly count: number; readonly reachable: Reach };
  readonly asOf: string;
  readonly elapsedMs: number;
  readonly warnings: readonly SegmentWarning[];
}

/** The fields a breakdown takes besides the customer columns and `attr:NAME`. */
export const BREAKDOWN_SPECIALS = ['age_band', 'rfm', 'channel', 'store'] as const;

const columnTypes: ReadonlyMap<string, ValueType> = new Map(customers.columns.map((c) => [c.name, c.type]));

/** The names a user gives (`gender`, `attr:会員ランク`, `age_band`, ...) as keys; an unknown name is a fault naming it. */
export function breakdownKeys(names: readonly string[], schema: SchemaInfo, inputs: InputNames = CLI_INPUTS): BreakdownKey[] {
  if (names.length === 0) throw new KumiwakeError('bad-argument', `name at least one field to break the count down by (e.g. ${inputs.given('by', 'gender,age_band')})`);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new KumiwakeError('bad-argument', `${inputs.given('by')} names "${twice}" twice`);
  return names.map((name, i): BreakdownKey => {
    if ((BREAKDOWN_SPECIALS as readonly string[]).includes(name)) return { kind: name as (typeof BREAKDOWN_SPECIALS)[number] };
    if (name.startsWith('attr:')) {
      if (!schema.customerColumns.has(name)) {
        throw new KumiwakeError('unknown-attribute', `${inputs.given('by', name, i)}: no customers import brought the attribute group "${name.slice(5)}" (its column ${name} is not in the data)`);
      }
      return { kind: 'attr', name };
    }
    const type = columnTypes.get(name);
    if (type === undefined) {
      throw new KumiwakeError('unknown-breakdown-field', `${inputs.given('by', name, i)}: not a customer column nor one of ${BREAKDOWN_SPECIALS.join(', ')}, attr:NAME (customer columns: ${[...columnTypes.keys()].join(', ')})`);
    }
    return { kind: 'column', name, type };
  });
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A value as JSON shows it: whole numbers as numbers, a date as `YYYY-MM-DD`, a timestamp as `YYYY-MM-DD HH:MM:SS`. */
function plain(value: unknown, timestamp = false): BreakdownValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) {
    const day = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
    return timestamp || time !== '00:00:00' ? `${day} ${time}` : day;
  }
  return String(value);
}

/** 10-year bands: `30-39`; `unknown` without a birthday. */
export function ageBand(age: unknown): string {
  if (age === null || age === undefined) return 'unknown';
  const low = Math.floor(Number(age) / 10) * 10;
  return `${low}-${low + 9}`;
}

type Raw = Record<string, unknown>;

/** A flag as the engine hands it over: DuckDB's true / false, ClickHouse's 1 / 0 (it has no boolean type). */
const isYes = (value: unknown): boolean => value === true || value === 1;

/** The label of one key in a raw row; channel rows are expanded by the caller. */
function label(key: BreakdownKey, i: number, row: Raw): BreakdownValue {
  switch (key.kind) {
    case 'age_band': return ageBand(plain(row[`k${i}`]));
    case 'rfm': {
      const [r, f, m] = ['r', 'f', 'm'].map((s) => plain(row[`k${i}_${s}`]));
      return r === null ? 'none' : rfmCellOf(Number(r), Number(f), Number(m));
    }
    case 'channel': return null;
    case 'column': {
      const value = row[`k${i}`];
      return key.type === 'boolean' && typeof value === 'number' ? isYes(value) : plain(value, key.type === 'timestamp');
    }
    default: return plain(row[`k${i}`]);
  }
}

/** The channels a customer of a raw row is reachable on: one breakdown row each, or `none`. */
const channelsOf = (row: Raw): string[] => {
  const on = CHANNEL_FLAGS.filter((c) => isYes(row[`reach_${c}`]));
  return on.length === 0 ? ['none'] : on;
};

const reachOf = (row: Raw, n: number): Reach => ({
  email: isYes(row.reach_email_pc) || isYes(row.reach_email_mobile) ? n : 0,
  line: isYes(row.reach_line) ? n : 0,
  dm: isYes(row.reach_dm) ? n : 0,
});
const add = (a: Reach, b: Reach): Reach => ({ email: a.email + b.email, line: a.line + b.line, dm: a.dm + b.dm });

/** Keys in order: null last, numbers by value, the rest as text. */
function compareKeys(a: readonly BreakdownValue[], b: readonly BreakdownValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] ?? null, b[i] ?? null];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const [s, t] = [String(x), String(y)];
    if (s !== t) return s < t ? -1 : 1;
  }
  return 0;
}

/** Groups the raw rows by the keys' labels (and channels), sorted by count; the total from the raw rows. */
export function breakdownRows(names: readonly string[], keys: readonly BreakdownKey[], raw: readonly Raw[]): { rows: BreakdownRow[]; total: BreakdownResult['total'] } {
  const cells = new Map<string, { values: BreakdownValue[]; count: number; reachable: Reach }>();
  let total = { count: 0, reachable: { email: 0, line: 0, dm: 0 } as Reach };
  for (const row of raw) {
    const n = Number(row.count);
    const reach = reachOf(row, n);
    total = { count: total.count + n, reachable: add(total.reachable, reach) };
    const base = keys.map((key, i) => label(key, i, row));
    const channelAt = keys.findIndex((k) => k.kind === 'channel');
    for (const channel of channelAt < 0 ? [undefined] : channelsOf(row)) {
      const values = channel === undefined ? base : base.map((v, i) => (i === channelAt ? channel : v));
      const id = JSON.stringify(values);
      const cell = cells.get(id);
      if (cell) cells.set(id, { values, count: cell.count + n, reachable: add(cell.reachable, reach) });
      else cells.set(id, { values, count: n, reachable: reach });
    }
  }
  const rows = [...cells.values()]
    .sort((a, b) => b.count - a.count || compareKeys(a.values, b.values))
    .map((c) => ({ key: Object.fromEntries(names.map((name, i) => [name, c.values[i] ?? null])), count: c.count, reachable: c.reachable }));
  return { rows, total };
}

/** A segment's count broken down by fields (`kumiwake count --by`), in one statement. */
export async function breakdownSegment(
  db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, by: readonly string[], log: Logger = silentLogger,
  options: CountOptions & { readonly names?: InputNames } = {},
): Promise<BreakdownResult> {
  const started = performance.now();
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  const target = await planTargetOf(db);
  const keys = breakdownKeys(by, target.schema, options.names);
  const plan = target.compileBreakdown?.(valid, keys, asOf) ?? compileBreakdown(valid, keys, { dialect: target.dialect, asOf, schema: target.schema });
  const warnings = await warningsOf(db, valid, asOf, target, log, options);
  const { rows, total } = breakdownRows(by, keys, await target.query<Raw>(plan));
  return {
    by: [...by], count: total.count, reachable: total.reachable, breakdown: rows, total,
    asOf: formatDate(asOf), elapsedMs: Math.round(performance.now() - started), warnings,
  };
}
