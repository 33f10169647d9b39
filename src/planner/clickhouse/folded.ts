import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { ClickHouseContext } from './context.js';

/**
 * The folded copy of a text column that the import stores for servers without NFKC (18.16):
 * `<column>_folded`, NFKC and lower case, as `foldText` folds a value. CONTEXT.md lists them.
 */
export const foldedCopyName = (column: string): string => `${column}_folded`;

/** A column of a row alias (`c`, `p`, `s`, `m`), NFKC-normalised and case-folded: in SQL, or its folded copy. */
export function foldedColumn(ctx: ClickHouseContext, alias: string, column: string): Sql<string> {
  if (ctx.dialect.foldsInSql) return ctx.dialect.fold(sql`${sql.ref(alias)}.${sql.id(column)}`);
  return sql`${sql.ref(alias)}.${sql.id(foldedCopyName(column))}`;
}

/** A list column with each element folded (tags), or its folded copy. */
export function foldedList(ctx: ClickHouseContext, alias: string, column: string): Sql {
  if (ctx.dialect.foldsInSql) return ctx.dialect.foldList(sql`${sql.ref(alias)}.${sql.id(column)}`);
  return sql`${sql.ref(alias)}.${sql.id(foldedCopyName(column))}`;
}
