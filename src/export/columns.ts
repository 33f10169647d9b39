import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { booleanLabels, customerFigures, customers, type FigureDef } from '../catalog/tables.js';

/** How an export column's values are written: text stays text (ids, phone numbers keep leading zeros). */
export type ExportType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'tags';

export interface ExportColumn {
  /** canonical name (`--columns`, `--headers canonical`) */
  readonly name: string;
  /** the Japanese label (`--headers ja`) */
  readonly label: string;
  readonly type: ExportType;
  /**
   * Where the values come from: a customers column (`c`), or a lifetime figure, plain SQL over
   * customer_summary (`s`)
   */
  readonly source: { readonly column: string } | { readonly figure: string };
  /** Japanese labels of the values (enums: 女性, 送信拒否; booleans: ○ ×), keyed by the value as text */
  readonly valueLabels?: Readonly<Record<string, string>>;
}

/**
 * Lifetime purchase figures (segment-definition.md, purchases without a window), from
 * customer_summary. A customer without counted orders has 0 orders and 0 sales.
 */
const figureExpressions: Record<FigureDef['name'], string> = {
  order_count: 'COALESCE(s.order_count, 0)',
  total_sales: 'COALESCE(s.sales, 0)',
  first_ordered_at: 's.first_ordered_at',
  last_ordered_at: 's.last_ordered_at',
};
const figures: readonly ExportColumn[] = customerFigures.map((f) => ({ ...f, source: { figure: figureExpressions[f.name] } }));

function customerColumn(name: string): ExportColumn | undefined {
  const def = customers.columns.find((c) => c.name === name);
  if (!def) return undefined;
  const type: ExportType = def.type === 'enum' ? 'text' : def.type;
  const valueLabels = def.type === 'boolean' ? booleanLabels : def.valueLabels;
  return { name, label: def.label, type, source: { column: name }, ...(valueLabels ? { valueLabels } : {}) };
}

/** What `--columns` defaults to: who the customer is, how to reach them, what they bought. */
export const DEFAULT_EXPORT_COLUMNS = [
  'customer_id', 'name', 'name_kana', 'email_pc', 'email_mobile', 'phone_mobile', 'postal_code', 'prefecture', 'address',
  'order_count', 'total_sales', 'first_ordered_at', 'last_ordered_at',
] as const;

/** Every column an export can name (attr:NAME columns of this database included), for messages. */
export function exportableColumnNames(attrColumns: Iterable<string>): string[] {
  return [...customers.columns.map((c) => c.name), ...attrColumns, ...figures.map((f) => f.name)];
}

/**
 * Resolves `--columns` names. Unknown or repeated names are refused, naming them and what
 * exists; `attr:NAME` columns are accepted when this database has them.
 */
export function resolveExportColumns(names: readonly string[], attrColumns: ReadonlySet<string>, where = '--columns'): ExportColumn[] {
  if (names.length === 0) throw new KumiwakeError('bad-columns', `${where}: name at least one column`);
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const name = raw.trim();
    if (seen.has(name)) throw new KumiwakeError('bad-columns', `${where}[${i}]: column "${name}" is named twice`);
    seen.add(name);
    const column =
      customerColumn(name) ??
      figures.find((f) => f.name === name) ??
      (attrColumns.has(name) ? { name, label: name.slice('attr:'.length), type: 'text' as const, source: { column: name } } : undefined);
    if (!column) {
      throw new KumiwakeError('bad-columns', `${where}[${i}]: unknown column "${name}"; known: ${exportableColumnNames(attrColumns).join(', ')}`);
    }
    return column;
  });
}

/**
 * Checks column names where no database is at hand (a job file when it is read): every
 * `attr:NAME` passes, as the database the job runs on decides which exist.
 */
export function checkExportColumnNames(names: readonly string[], where: string): void {
  resolveExportColumns(names, new Set(names.map((n) => n.trim()).filter((n) => /^attr:./.test(n))), where);
}

/** The `attr:NAME` columns this database's customers table has: an export may name them. */
export async function attributeColumns(db: Engine): Promise<Set<string>> {
  const columns = await db.introspect();
  return new Set(columns.filter((c) => c.table === 'customers' && c.column.startsWith('attr:')).map((c) => c.column));
}
