import type { SqlDialect } from './dialect.js';
import { clickhouseDialect } from './clickhouse/dialect.js';
import { duckdbDialect } from './duckdb/dialect.js';

/** Every SQL dialect the planner can compile to; a second engine adds one line here. */
export const dialects: Readonly<Record<string, SqlDialect>> = {
  duckdb: duckdbDialect,
  clickhouse: clickhouseDialect,
};

/** The dialect an engine speaks (`engine.dialectName`). */
export function dialectOf(engine: { readonly dialectName: string }): SqlDialect {
  const dialect = dialects[engine.dialectName];
  if (!dialect) throw new Error(`INTERNAL ERROR: no SQL dialect "${engine.dialectName}" is registered`);
  return dialect;
}
