import type { Engine } from '../engine/engine.js';
import { dialectOf } from '../dialect/registry.js';
import { KumiwakeError } from '../errors.js';
import { attributeColumns, resolveExportColumns } from '../export/columns.js';
import { exportSelect, MEMBERS_TABLE, membersTableOf } from '../export/select.js';
import type { Logger } from '../logger.js';
import type { LocalDate } from '../model/dates.js';
import { materializeMembers } from '../segments/evaluate.js';
import type { SegmentStore } from '../segments/store.js';
import type { MembersPage, MembersRequest } from './types.js';

const MAX_PAGE = 10_000;

function wholeNumber(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new KumiwakeError('bad-argument', `${name} must be a whole number from 0 to ${max.toLocaleString('en')}, not ${value}`);
  }
  return value;
}

/** Evaluates a segment and returns one page of its customers, in a stable order. */
export async function membersPage(
  db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, request: MembersRequest, log: Logger,
): Promise<MembersPage> {
  const offset = wholeNumber(request.offset, 0, 'offset');
  const limit = wholeNumber(request.limit, 100, 'limit', MAX_PAGE);
  const attrColumns = await attributeColumns(db);
  const columns = resolveExportColumns(request.columns ?? ['customer_id'], attrColumns, 'columns');
  const sort = request.sort === undefined ? undefined : { column: resolveExportColumns([request.sort], attrColumns, 'sort')[0]!, descending: request.descending === true };
  const counted = await materializeMembers(db, definition, store, asOf, MEMBERS_TABLE, log);
  // An engine that keeps the members on its server (ClickHouse) lists them there, as its exports do.
  const serverTable = membersTableOf(db);
  const serverMembers = serverTable === undefined ? undefined : await (await import('../export/clickhouse/context.js')).serverMembersOf(db, serverTable);
  const rows = await db.query<Record<string, unknown>>({
    sql: `${exportSelect(dialectOf(db), columns, 'canonical', 'typed', { sort: sort ? [sort] : undefined, asOf: counted.asOf, serverMembers })} LIMIT ${limit} OFFSET ${offset}`,
    parameters: [],
  });
  if (serverMembers) {
    const { convertRow, typedConversions } = await import('../export/clickhouse/typed.js');
    const conversions = typedConversions(columns, false);
    for (const row of rows) convertRow(row, columns.map((c) => c.name), conversions);
  }
  return { total: counted.count, asOf: counted.asOf, offset, rows };
}
