import { sql } from 'kysely';
import type { Engine } from '../engine/engine.js';
import type { ExportColumn } from './columns.js';

/**
 * The shop's own names for remark_1 … remark_10 (`kumiwake settings set remark-label 1 FAX番号`),
 * kept in the settings table as `{"1": "FAX番号"}` under `remark-label`: what `--headers ja` writes
 * instead of 備考1.
 */
export const REMARK_LABEL_SETTING = 'remark-label';

export type RemarkLabels = Readonly<Record<string, string>>;

/** The labels set, by remark number ("1" … "10"); none when the database has no settings table. */
export async function readRemarkLabels(db: Engine): Promise<RemarkLabels> {
  if (!(await db.hasTable('settings'))) return {};
  const [row] = await db.query<{ value: string }>(sql`SELECT value FROM settings WHERE name = ${REMARK_LABEL_SETTING}`.compile(db.kysely()));
  if (!row) return {};
  const parsed = JSON.parse(row.value) as unknown;
  if (typeof parsed !== 'object' || parsed === null) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([n, label]) => /^(10|[1-9])$/.test(n) && typeof label === 'string'));
}

/** The columns with each labelled remark_N's label replaced (the customer's remarks, not a purchase line's). */
export function withRemarkLabels(columns: readonly ExportColumn[], labels: RemarkLabels): ExportColumn[] {
  return columns.map((column) => {
    const n = /^remark_(10|[1-9])$/.exec(column.name)?.[1];
    const label = n !== undefined && Object.hasOwn(labels, n) ? labels[n] : undefined;
    return label !== undefined && !('table' in column.source && column.source.table === 'purchases') ? { ...column, label } : column;
  });
}
