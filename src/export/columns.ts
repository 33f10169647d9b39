import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { booleanLabels, customerFigures, customers, purchases } from '../catalog/tables.js';
import { FIGURES, type Figure, type FigureJoin } from './figures.js';
import type { ExportRows } from './formats.js';

/** How an export column's values are written: text stays text (ids, phone numbers keep leading zeros). */
export type ExportType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'tags';

export interface ExportColumn {
  /** canonical name (`--columns`, `--headers canonical`) */
  readonly name: string;
  /** the Japanese label (`--headers ja`) */
  readonly label: string;
  readonly type: ExportType;
  /**
   * Where the values come from: a customers column (`c`), a purchases column (`p`, lists of order
   * lines), or a figure, SQL over customer_summary (`s`) and the joins it names (figures.ts)
   */
  readonly source: { readonly column: string; readonly table?: 'purchases' } | { readonly figure: Figure['expression']; readonly joins?: readonly FigureJoin[] };
  /** Japanese labels of the values (enums: 女性, 送信拒否; booleans: ○ ×), keyed by the value as text */
  readonly valueLabels?: Readonly<Record<string, string>>;
}


const figures: readonly ExportColumn[] = customerFigures.map((f) => ({ ...f, source: { figure: FIGURES[f.name].expression, ...(FIGURES[f.name].joins ? { joins: FIGURES[f.name].joins } : {}) } }));

function customerColumn(name: string): ExportColumn | undefined {
  const def = customers.columns.find((c) => c.name === name);
  if (!def) return undefined;
  const type: ExportType = def.type === 'enum' ? 'text' : def.type;
  const valueLabels = def.type === 'boolean' ? booleanLabels : def.valueLabels;
  return { name, label: def.label, type, source: { column: name }, ...(valueLabels ? { valueLabels } : {}) };
}

/** A purchases column (`group:NAME` ones when this database has them), for lists of order lines. */
function purchaseColumn(name: string, groupColumns: ReadonlySet<string>): ExportColumn | undefined {
  if (groupColumns.has(name)) return { name, label: name.slice('group:'.length), type: 'text', source: { column: name, table: 'purchases' } };
  const def = purchases.columns.find((c) => c.name === name);
  if (!def) return undefined;
  const type: ExportType = def.type === 'enum' ? 'text' : def.type;
  const valueLabels = def.type === 'boolean' ? booleanLabels : def.valueLabels;
  return { name, label: def.label, type, source: { column: name, table: 'purchases' }, ...(valueLabels ? { valueLabels } : {}) };
}

/** What `--columns` defaults to: who the customer is, how to reach them, what they bought. */
export const DEFAULT_EXPORT_COLUMNS = [
  'customer_id', 'name', 'name_kana', 'email_pc', 'email_mobile', 'phone_mobile', 'postal_code', 'prefecture', 'address',
  'order_count', 'total_sales', 'first_ordered_at', 'last_ordered_at',
] as const;

/** What `--columns` defaults to with `--rows purchases`: the order line as imported. */
export const DEFAULT_PURCHASE_COLUMNS: readonly string[] = purchases.columns.map((c) => c.name);

/** Every column an export can name (attr:NAME columns of this database included), for messages. */
export function exportableColumnNames(attrColumns: Iterable<string>, rows: ExportRows = 'members', groupColumns: Iterable<string> = []): string[] {
  const customerSide = [...customers.columns.map((c) => c.name), ...attrColumns, ...figures.map((f) => f.name)];
  if (rows === 'members') return customerSide;
  const lineSide = [...purchases.columns.map((c) => c.name), ...groupColumns];
  return [...lineSide, ...customerSide.filter((n) => !lineSide.includes(n))];
}

/** The free-named columns of this database an export may name: `attr:NAME` of customers, `group:NAME` of purchases. */
export interface NamedColumns {
  readonly attr: ReadonlySet<string>;
  readonly group?: ReadonlySet<string>;
}

/** The column an export names `name`, or undefined: with order lines, a purchases column first. */
export function exportColumnNamed(name: string, named: NamedColumns, rows: ExportRows): ExportColumn | undefined {
  return (rows === 'purchases' ? purchaseColumn(name, named.group ?? new Set()) : undefined) ??
    customerColumn(name) ??
    figures.find((f) => f.name === name) ??
    (named.attr.has(name) ? { name, label: name.slice('attr:'.length), type: 'text' as const, source: { column: name } } : undefined);
}

/**
 * Resolves `--columns` names. Unknown or repeated names are refused, naming them and what
 * exists; `attr:NAME` columns are accepted when this database has them. With `rows: 'purchases'`
 * a name is first a purchases column (`group:NAME` too), then a customer column or figure.
 */
export function resolveExportColumns(names: readonly string[], attrColumns: ReadonlySet<string>, where = '--columns', rows: ExportRows = 'members', groupColumns: ReadonlySet<string> = new Set()): ExportColumn[] {
  if (names.length === 0) throw new KumiwakeError('bad-columns', `${where}: name at least one column`);
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const name = raw.trim();
    if (seen.has(name)) throw new KumiwakeError('bad-columns', `${where}[${i}]: column "${name}" is named twice`);
    seen.add(name);
    const column = exportColumnNamed(name, { attr: attrColumns, group: groupColumns }, rows);
    if (!column) {
      throw new KumiwakeError('bad-columns', `${where}[${i}]: unknown column "${name}"; known: ${exportableColumnNames(attrColumns, rows, groupColumns).join(', ')}`);
    }
    return column;
  });
}

/**
 * Checks column names where no database is at hand (a job file when it is read): every
 * `attr:NAME` (and `group:NAME` for order lines) passes, as the database the job runs on decides which exist.
 */
export function checkExportColumnNames(names: readonly string[], where: string, rows: ExportRows = 'members'): void {
  const named = (prefix: RegExp) => new Set(names.map((n) => n.trim()).filter((n) => prefix.test(n)));
  resolveExportColumns(names, named(/^attr:./), where, rows, named(/^group:./));
}

/** The `attr:NAME` columns this database's customers table has: an export may name them. */
export async function attributeColumns(db: Engine): Promise<Set<string>> {
  const columns = await db.introspect();
  return new Set(columns.filter((c) => c.table === 'customers' && c.column.startsWith('attr:')).map((c) => c.column));
}

/** The `group:NAME` columns this database's purchases table has: a list of order lines may name them. */
export async function orderGroupColumns(db: Engine): Promise<Set<string>> {
  const columns = await db.introspect();
  return new Set(columns.filter((c) => c.table === 'purchases' && c.column.startsWith('group:')).map((c) => c.column));
}
