import type { SqlDialect } from './dialect.js';
import { duckdbDialect } from './duckdb/dialect.js';

/** Every SQL dialect the planner can compile to; a second engine adds one line here. */
export const dialects: Readonly<Record<string, SqlDialect>> = {
  duckdb: duckdbDialect,
};
