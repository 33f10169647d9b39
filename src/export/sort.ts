import { KumiwakeError } from '../errors.js';
import { exportableColumnNames, exportColumnNamed, type NamedColumns } from './columns.js';
import type { ExportRows } from './formats.js';
import type { SortKey } from './select.js';

const DIRECTION = /:(asc|desc)$/i;

/**
 * `--sort` keys (`total_sales:desc`, `last_ordered_at`, `attr:会員ランク:desc`): a column an export
 * can name, written or not, then an optional direction (ascending unless `:desc`). A name that
 * itself ends in `:asc` or `:desc` cannot be a key.
 */
export function resolveSortKeys(keys: readonly string[], named: NamedColumns, rows: ExportRows, where = '--sort'): SortKey[] {
  return keys.map((raw, i) => {
    const key = raw.trim();
    const direction = DIRECTION.exec(key)?.[1]?.toLowerCase();
    const name = direction === undefined ? key : key.slice(0, key.length - direction.length - 1);
    if (name === '') throw new KumiwakeError('bad-sort', `${where}[${i}]: "${raw}" names no column; write column or column:desc`);
    const column = exportColumnNamed(name, named, rows);
    if (!column) {
      throw new KumiwakeError('bad-sort', `${where}[${i}]: unknown column "${name}"; known: ${exportableColumnNames(named.attr, rows, named.group ?? []).join(', ')}`);
    }
    return { column, descending: direction === 'desc' };
  });
}

/** Checks sort keys where no database is at hand (a job file when it is read): every `attr:NAME` and `group:NAME` passes. */
export function checkSortKeys(keys: readonly string[], where: string, rows: ExportRows): void {
  const names = keys.map((k) => k.trim().replace(DIRECTION, ''));
  const named = (prefix: RegExp) => new Set(names.filter((n) => prefix.test(n)));
  resolveSortKeys(keys, { attr: named(/^attr:./), group: named(/^group:./) }, rows, where);
}
