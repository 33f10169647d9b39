import { chIdent } from '../../dialect/clickhouse/literal.js';
import type { ClickHouseEngine } from './engine.js';

/**
 * What DuckDB's value dictionary (customer_values) holds for one column, read from ClickHouse,
 * which keeps no dictionary: the column's distinct values over every shard (`tags`: each tag),
 * or undefined when it has more than `max` (the dictionary then leaves the column out). One
 * bounded statement: each shard stops at `max` + 1 distinct values.
 */
export async function distinctCustomerValues(engine: ClickHouseEngine, column: string, max: number): Promise<string[] | undefined> {
  const value = column === 'tags' ? 'arrayJoin(tags)' : chIdent(column);
  const rows = await engine.query<{ v: string | null }>({ sql: `SELECT DISTINCT ${value} AS v FROM customers WHERE v IS NOT NULL LIMIT ${max + 1}`, parameters: [] });
  if (rows.length > max) return undefined;
  return rows.map((r) => r.v).filter((v): v is string => v !== null);
}
