import type { InputNames } from '../input-names.js';
import { dialectOf } from '../dialect/registry.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { attributeColumns, resolveExportColumns, type ExportColumn } from '../export/columns.js';
import { checkOutput, writeExport, type ExportSettings, type WrittenFile } from '../export/export-segment.js';
import type { OutputSpec } from '../export/formats.js';
import { exportSelect, MEMBERS_TABLE } from '../export/select.js';
import { CHANGE_COLUMN, diffRuns, materializeDiff, selectDiffRows, type DiffSide } from '../jobs/diff.js';
import type { RunRecord } from '../jobs/history.js';

/**
 * Who entered and left a segment between two job runs (`kumiwake diff`). The runs default to the
 * segment's latest succeeded run and the run it was compared with (the previous succeeded run of
 * the same job); the lists can be written to one file, as an export, with a leading `change` column.
 */
export interface DiffRequest extends Omit<OutputSpec, 'path'> {
  readonly segment: string;
  /** how the caller names `from`, `to` and `columns` in faults (default the CLI's `--from`) */
  readonly names?: InputNames;
  /** run ids (kumiwake history); both must have their members stored */
  readonly from?: number;
  readonly to?: number;
  /** the listed rows' columns (default customer_id, name); a file's too (default: the export's) */
  readonly columns?: readonly string[];
  /** rows listed per side, in customer_id order (default: all of them) */
  readonly limit?: number;
  /** a file (CSV, Excel, Parquet, Arrow) of both lists: `change` (entered / left), then the columns */
  readonly out?: string;
}

/** A run a diff compares. */
export interface DiffRun {
  readonly runId: number;
  readonly job: string;
  readonly asOf: string | null;
  readonly startedAt: string;
  readonly count: number | null;
}

export interface DiffList {
  readonly count: number;
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

export interface DiffResult {
  readonly segment: string;
  readonly from: DiffRun;
  readonly to: DiffRun;
  /** in `to` and not in `from` */
  readonly entered: DiffList;
  /** in `from` and not in `to` */
  readonly left: DiffList;
  /** the file written, when `out` was given */
  readonly file?: Omit<WrittenFile, 'elapsedMs'>;
}

const DEFAULT_LIST_COLUMNS = ['customer_id', 'name'];

const runOf = (r: RunRecord): DiffRun => ({ runId: r.runId, job: r.job, asOf: r.asOf, startedAt: r.startedAt, count: r.count });

/** Compares the two runs' stored ids; lists `limit` rows of each side and writes the file asked for. */
export async function diffSegment(db: Engine, request: DiffRequest, settings: Omit<ExportSettings, 'leadingColumns'>): Promise<DiffResult> {
  const limit = request.limit ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(limit) || limit < 0) throw new KumiwakeError('bad-argument', `limit must be a whole number, 0 or more, not ${limit}`);
  const { segment, out, format, encoding, headers, csvFormulas, values } = request;
  const spec = out === undefined ? undefined : { path: out, format, columns: request.columns, encoding, headers, csvFormulas, values };
  if (spec) checkOutput(db, spec, settings); // refused before anything is compared
  const attrColumns = await attributeColumns(db);
  const columns = resolveExportColumns(request.columns ?? DEFAULT_LIST_COLUMNS, attrColumns, 'columns');
  const runs = await diffRuns(db, request, request.names);
  const counts = await materializeDiff(db, runs);
  // On ClickHouse (a job's engine: its statements answer from the state file) the ids are sent to the server to be listed there.
  const server = db.dialectName === 'clickhouse' ? await import('../export/clickhouse/state-ids.js') : undefined;
  const withIds = async <T>(work: (serverIds?: string) => Promise<T>): Promise<T> => {
    if (!server) return work();
    const ids = await server.sendStateIds(db, `SELECT customer_id, change FROM ${MEMBERS_TABLE}`, true);
    try {
      return await work(ids);
    } finally {
      await server.dropServerIds(db, ids);
    }
  };
  const list = async (side: DiffSide): Promise<DiffList> => {
    if (limit === 0 || counts[side] === 0) return { count: counts[side], rows: [] };
    await selectDiffRows(db, side);
    const rows = await withIds((ids) => (ids ? serverRows(db, columns, ids, Math.min(limit, counts[side])) : db.query<Record<string, unknown>>({
      sql: `${exportSelect(dialectOf(db), columns, 'canonical', 'typed')} LIMIT ${Math.min(limit, counts[side])}`, parameters: [],
    })));
    return { count: counts[side], rows };
  };
  const entered = await list('entered');
  const left = await list('left');
  let file: DiffResult['file'];
  if (spec) {
    await selectDiffRows(db);
    const { elapsedMs: _elapsed, ...written } = await withIds((serverIds) =>
      writeExport(db, spec, counts.entered + counts.left, { ...settings, leadingColumns: [CHANGE_COLUMN], serverIds }));
    file = written;
  }
  return { segment, from: runOf(runs.from), to: runOf(runs.to), entered, left, ...(file ? { file } : {}) };
}

/** A diff side's rows listed on ClickHouse from the ids sent there, typed as DuckDB's driver gives them. */
async function serverRows(db: Engine, columns: readonly ExportColumn[], ids: string, limit: number): Promise<Array<Record<string, unknown>>> {
  const [{ clickhouseEngineOf, serverMembersOf }, { typedConversions, convertRow }] = await Promise.all([
    import('../export/clickhouse/context.js'), import('../export/clickhouse/typed.js'),
  ]);
  const serverMembers = await serverMembersOf(db, ids, true);
  const rows = await clickhouseEngineOf(db).query<Record<string, unknown>>({
    sql: exportSelect(dialectOf(db), columns, 'canonical', 'typed', { limit, serverMembers }), parameters: [],
  });
  const conversions = typedConversions(columns, false);
  for (const row of rows) convertRow(row, columns.map((c) => c.name), conversions);
  return rows;
}
