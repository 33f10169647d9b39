/**
 * The warnings of a definition on ClickHouse: the same checks as on DuckDB (warnings.ts, run with
 * ClickHouse's dialect against the Distributed tables), with what DuckDB reads from tables
 * ClickHouse does not keep made from the data here. The value dictionary (customer_values, built
 * by DuckDB's import) becomes bounded DISTINCT reads of the columns the definition compares, with
 * the same rule: a column of more than MAX_DICTIONARY_VALUES values has no dictionary, so none of
 * its values is warned about.
 */
import type { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { DICTIONARY_COLUMNS, MAX_DICTIONARY_VALUES } from '../engine/duckdb/import/customer-values.js';
import { distinctCustomerValues } from '../engine/clickhouse/customer-values.js';
import type { Segment } from '../model/segment.js';
import { leavesOf, segmentWarnings, type SegmentWarning, type WarningContext } from './warnings.js';

/** The dictionary columns a definition's leaves look up (a text comparison of a dictionary column, or tags). */
function dictionaryColumns(segment: Segment, customerColumns: ReadonlySet<string>): string[] {
  const wanted = new Set<string>();
  for (const leaf of leavesOf(segment)) {
    if (leaf.kind === 'tags') wanted.add('tags');
    if (leaf.kind !== 'field' || !('compare' in leaf) || leaf.compare !== 'text' || leaf.field.type === 'enum') continue;
    const name = leaf.field.name;
    if ((DICTIONARY_COLUMNS as readonly string[]).includes(name) || (name.startsWith('attr:') && customerColumns.has(name))) wanted.add(name);
  }
  return [...wanted];
}

/** A column's distinct values over every shard, or undefined when it has more than the dictionary keeps. */
const distinctValues = (engine: ClickHouseEngine, column: string): Promise<string[] | undefined> => distinctCustomerValues(engine, column, MAX_DICTIONARY_VALUES);

export async function clickhouseSegmentWarnings(engine: ClickHouseEngine, segment: Segment, context: WarningContext): Promise<SegmentWarning[]> {
  const customerValues = new Map<string, string[]>();
  for (const column of dictionaryColumns(segment, context.schema.customerColumns)) {
    const values = await distinctValues(engine, column);
    if (values) customerValues.set(column, values);
  }
  return segmentWarnings(engine, segment, { ...context, schema: { ...context.schema, customerValues } });
}
