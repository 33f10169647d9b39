import { mkdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DuckDBEngine } from '../engine.js';
import { DiskFullError, ImportError, KumiwakeError } from '../../../errors.js';
import { readReason } from '../../../system-reasons.js';
import { InterruptedError, throwIfAborted } from '../../../interrupt.js';
import { csvRow } from '../../../csv-text.js';
import { silentLogger, type Logger } from '../../../logger.js';
import { noProgress, withPolledProgress, type ProgressReporter } from '../../../progress.js';
import type { TableDef } from '../../../catalog/tables.js';
import { csvReaderError, readFirstRecord } from './csv-errors.js';
import { DecodedCopies } from '../../../import/decoded-copies.js';
import { detectEncoding, refuseUtf16, type Encoding, type EncodingOption } from '../../../import/encoding.js';
import { mapHeader, refuseWrongDelimiter } from '../../../import/header.js';
import { lineNumbersOfRecords } from '../../../import/line-numbers.js';
import { addGroupColumns, BAD_ROW_SIGNAL, canLoadDirectly, emptyTable, isEmpty, loadDirectly, loadStage, numbersFitBesideReader, repeatsKey, storedIn, WIDE_FILE_COLUMNS, type ImportMode, type ImportTarget } from './load.js';
import { dropLinesLater, linesLaterFor, numberLoadedLines, type LinesLater } from './lines-numbered-later.js';
import { emptyMapping, loadMapping } from '../../../import/mapping.js';
import { planStage, STAGE_TABLE, type StagePlan } from './stage.js';
import { unreadableReason } from './values.js';
import { CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES, customersPerPassFor, inSmallerPassesWhenShort, refreshDerivedTables, summaryScope } from './derived.js';
import { storeSideByTimeIfSpread } from './time-order.js';
import { createSideTable, eachSideEventOnce, dropSideTables, isSideLoaded, keepSideEventsOnce, numberSideEvents, sideTableOf, swapInSideTable } from './side-load.js';
import { refreshCustomerValues } from './customer-values.js';
import { refreshKeptCustomerColumns } from './customer-columns.js';
import { refreshMailEventSets } from './mail-event-sets.js';
import { numberMissingCustomers, numberRows } from './customer-numbers.js';
import { UnknownCustomers } from './unknown-customers.js';
import { BIG_FILE, readableFiles, type EncodingMemory } from './readable-files.js';

export interface ImportOptions {
  readonly table: TableDef;
  readonly files: readonly string[];
  readonly encoding?: EncodingOption;
  readonly mode?: ImportMode;
  readonly mappingFile?: string;
  readonly maxRejects?: number;
  /** shows the progress of files large enough to take a while (default: none) */
  readonly progress?: ProgressReporter;
  readonly logger?: Logger;
  /** one folder for the decoded copies of CP932 files, instead of RAM or beside the database */
  readonly decodeDir?: string;
  /** stops the import (SIGINT, SIGTERM): DuckDB is interrupted, the transaction rolled back */
  readonly signal?: AbortSignal;
  /** the zone timestamps written with an offset (`Z`, `+09:00`) are converted to (default Asia/Tokyo) */
  readonly tz?: string;
  /** the field separator: `,` (default), `\t` or `;` */
  readonly delimiter?: ',' | '\t' | ';';
  /** a `replace` that loads no row empties the table only when this is set */
  readonly allowEmpty?: boolean;
}

export interface ImportResult {
  readonly table: string;
  readonly files: string[];
  readonly encodings: Encoding[];
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsSkipped: number;
  readonly rowsRejected: number;
  /**
   * Rows the table gained or had rewritten: a key repeated within a file counts once (customers
   * from a file of order lines: one per customer), a mail event already stored not at all.
   * Summed over the files of the command.
   */
  readonly rowsStored: number;
  /**
   * Purchases and mail events: how many customers of the rows loaded are not in `customers`
   * (their lines and events count for no one until they are imported); null for other tables.
   */
  readonly unknownCustomers: number | null;
  readonly rejectsFile: string | null;
  readonly durationMs: number;
}

/** A bad row: its first bad cell, and the row's other bad cells (`also`), each a line of the rejects file. */
interface Reject { file: string; line: number; column: string; value: string; reason: string; also?: ReadonlyArray<{ column: string; value: string; reason: string }> }


/** The debug log message giving one phase of an import and its milliseconds. */
export const IMPORT_PHASE = 'import phase';
/** The phase of a full load of mail events that keeps each event once. */
export const EVENTS_CHECKED = 'events checked';
/** The phase numbering the lines of a purchases file without line_no once loaded (lines-numbered-later.ts). */
export const LINES_NUMBERED = 'lines numbered';
/** The phase storing a full load's rows again in time order when the file was not (time-order.ts). */
export const STORED_BY_TIME = 'stored by time';
/**
 * The phase giving a full load's mail events their customers' numbers once committed, when the
 * customers' ids are too many long ones for the load's join (load.ts numbersFitBesideReader).
 */
export const EVENTS_NUMBERED = 'events numbered';


/** Imports files into one table in a single transaction: all files load, or nothing changes. */
export async function importFiles(db: DuckDBEngine, options: ImportOptions): Promise<ImportResult> {
  const started = new Date();
  const mode = options.mode ?? 'upsert';
  const files = options.files.map((f) => resolve(f));
  for (const file of files) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(file, { throwIfNoEntry: false });
    } catch (e) {
      throw new ImportError('file-missing', file, undefined, undefined, `cannot open the file: ${readReason(e)}`);
    }
    if (!found?.isFile()) {
      throw new ImportError('file-missing', file, undefined, undefined, !found ? 'no such file' : found.isDirectory() ? 'a folder, not a file: name the CSV files in it' : 'not a regular file (a device or a pipe): save the data to a file first');
    }
    refuseUtf16(file);
  }
  const mapping = options.mappingFile ? loadMapping(options.mappingFile) : emptyMapping;
  const log = options.logger ?? silentLogger;
  const copies = DecodedCopies.forDatabase(db.path, options.decodeDir);
  copies.removeAll(); // left by an import of this database that was killed
  await dropSideTables(db); // the same
  // Copies made by an earlier attempt, by file and the encoding they were made for.
  const decoded = new Map<string, { path: string; undecodable: number }>();
  // Encodings detectEncoding decided from a whole file, and files read as UTF-8 from their start only.
  const decided = new Map<string, Encoding>();
  const readAsUtf8 = new Set<string>();
  let staged = (options.maxRejects ?? 0) > 0;
  const interrupt = () => db.interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    for (;;) {
      try {
        const result = await attempt(db, options, files, mode, mapping, copies, { decoded, decided, readAsUtf8 }, started, staged);
        log.info({ import: result }, 'import finished');
        return result;
      } catch (caught) {
        let e = options.signal?.aborted ? new InterruptedError(String(options.signal.reason)) : caught;
        if (e instanceof StageNeeded && !staged) {
          staged = true;
          continue;
        }
        // DuckDB refused bytes of a file read as UTF-8 from its start (encodingToTry): decided
        // from the whole file now, it is CP932 (read again as such) or mixed (refused, with lines).
        if (e instanceof ImportError && e.code === 'csv-encoding' && readAsUtf8.has(e.file)) {
          readAsUtf8.delete(e.file);
          try {
            const encoding = detectEncoding(e.file);
            decided.set(e.file, encoding);
            if (encoding !== 'utf-8') continue;
          } catch (detected) {
            e = detected;
          }
        }
        await recordFailure(db, options, files, mode, started, e);
        throw e;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    copies.removeAll();
  }
}

async function attempt(
  db: DuckDBEngine, options: ImportOptions, files: string[], mode: ImportMode, mapping: ReturnType<typeof loadMapping>,
  copies: DecodedCopies, encodings: EncodingMemory,
  started: Date, staged: boolean,
): Promise<ImportResult> {
  const table = options.table;
  const log = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const readable = await readableFiles(files, copies, encodings, { encoding: options.encoding, signal: options.signal, log, progress });

  const delimiter = options.delimiter ?? ',';
  const plans: StagePlan[] = [];
  for (const r of readable) {
    const header = await readHeader(db, r.file, r.path, delimiter);
    plans.push(planStage(table, mapHeader(table, header, r.file, mapping, options.mappingFile), header.length, mapping, {
      mappingFile: options.mappingFile, delimiter, tz: options.tz, undecodable: r.undecodable > 0,
    }));
  }

  let rowsRead = 0;
  let rowsLoaded = 0;
  let rowsSkipped = 0;
  let rowsStored = 0;
  const rejects: Reject[] = [];
  const withCustomers = table.table === 'purchases' || table.table === 'mail_events' || table.table === 'subscriptions';
  const maxRejects = options.maxRejects ?? 0;

  // A wide file loads on one thread: DuckDB holds a block per column for each appending thread.
  const widest = Math.max(...plans.map((p) => p.width));
  const load = <T>(work: () => Promise<T>) => (widest > WIDE_FILE_COLUMNS ? db.withThreads(1, work) : work());
  // A full load of purchases or mail events fills a side table first and commits it (side-load.ts).
  const side = isSideLoaded(table.table) && (mode === 'replace' || (await isEmpty(db, table.table)))
    ? { of: table.table, name: sideTableOf(table.table) } : undefined;
  const target: ImportTarget = side
    ? { ...table, into: side.name, numberedOnceCommitted: side.of === 'mail_events' && !(await numbersFitBesideReader(db)) }
    : table;
  // Lines loaded directly without line numbers, numbered once committed (lines-numbered-later.ts),
  // each file's apart: the lines stored before each file began.
  let linesToNumber = false;
  const filesFrom: number[] = [];
  // … and their product categories copied from a master too large for the load's lookup.
  let categoriesToCopy = false;
  let numberingMs = 0;
  let eventsNumberedMs: number | undefined;
  let sortingMs: number | undefined;

  const loadRows = async (unknown: UnknownCustomers | undefined) => {
    if (side) await createSideTable(db, side.of);
    // New attr:/group: columns are part of the transaction: a failed import leaves no trace.
    await addGroupColumns(db, target, plans.flatMap((p) => p.groupColumns));
    if (mode === 'replace' && !side) await emptyTable(db, target);
    await unknown?.start();
    // The files of a full load after the first go into the side table straight from the reader
    // too, while every earlier one did, and a key one repeats is looked for once, after the last:
    // staged, each merged into the lines before it, 12 monthly files of the 1x shop took 354 s
    // against 64 s.
    const keysCheckedAfterLastFile = side !== undefined && readable.length > 1;
    let everyFileDirect = true;
    let someFileDirect = false;
    for (const [i, r] of readable.entries()) {
      throwIfAborted(options.signal);
      const plan = plans[i]!;
      const fileProgress = statSync(r.path).size > BIG_FILE ? progress : noProgress;
      const linesLater = staged ? undefined : await linesLaterFor(db, target, plan);
      // Lines numbered later number every line of the side table: files with line_no and without cannot share it.
      if (i > 0 && (linesLater !== undefined) !== linesToNumber) throw new StageNeeded();
      if (linesLater) filesFrom.push(rowsStored);
      const direct = { appending: keysCheckedAfterLastFile && everyFileDirect && i > 0, keysCheckedAfterLastFile };
      const counts = await loadFile(db, target, plan, r, mode, maxRejects - rejects.length, { progress: fileProgress, log, delimiter, unknown, maxRejects }, staged, linesLater, direct);
      everyFileDirect &&= counts.direct;
      someFileDirect ||= counts.direct;
      if (linesLater) await dropLinesLater(db);
      linesToNumber ||= counts.linesLater;
      categoriesToCopy ||= counts.linesLater && linesLater?.categoriesLater === true;
      rowsRead += counts.read;
      rowsSkipped += counts.skipped;
      rowsStored += counts.stored;
      rowsLoaded += counts.read - counts.skipped - counts.rejects.length;
      rejects.push(...counts.rejects);
    }
    // A key repeated across the files (or within one) keeps its last row: the staged path does
    // that. Any file that went in directly may repeat one (a staged file after it merges by key,
    // so it adds none). Lines numbered later are looked at once numbered.
    if (keysCheckedAfterLastFile && someFileDirect && !linesToNumber && table.key.length > 0 && mode !== 'append' && (await repeatsKey(db, side.name, table.key))) {
      throw new StageNeeded();
    }
    if (mode === 'replace' && rowsLoaded === 0 && !options.allowEmpty) {
      throw new ImportError('replace-empty', files[0]!, undefined, undefined,
        `no row to load${files.length > 1 ? ' in any file' : ''}: --mode replace would leave ${table.table} empty. Add --allow-empty to empty it, or check the file`);
    }
  };

  // Where the time went, for `npm run bench` and KUMIWAKE_LOG_LEVEL=debug: the rows, the
  // customers the customers table lacks, what is derived from the rows. Those customers are
  // counted here for rows loaded in this transaction, before it for a side table (`sideUnknown`).
  const finish = async (unknown: UnknownCustomers | undefined, rowsMs: number, customersPerPass = CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES, sideUnknown: number | null = null): Promise<ImportResult> => {
    const keepingStarted = Date.now();
    if (side?.of === 'mail_events') {
      // Every event of the side table is one this import loaded: stored is what is left once each is kept once.
      if (!(await eachSideEventOnce(db))) await keepSideEventsOnce(db);
      const [events] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${side.name}`);
      rowsStored = Number(events!.n);
    }
    // Events of customers the customers table lacks have no number yet (customer-numbers.ts).
    if (table.table === 'mail_events' && !side) await numberRows(db, storedIn(target));
    const keepingMs = Date.now() - keepingStarted;
    const unknownCustomers = side ? sideUnknown : unknown ? await unknown.finish() : null;
    const derivedStarted = Date.now();
    if (table.table === 'products') await refreshDerivedTables(db, 'products');
    if (table.table === 'purchases') {
      if (side) await refreshDerivedTables(db, 'purchases', 'all', customersPerPass, side.name);
      else await refreshDerivedTables(db, 'purchases', await summaryScope(db, mode, rowsRead));
    }
    if (side) await swapInSideTable(db, side.of);
    if (table.table === 'mail_events') await refreshMailEventSets(db);
    if (table.table === 'customers') {
      await refreshCustomerValues(db);
      await refreshKeptCustomerColumns(db, { tags: plans.some((p) => p.columns.some((c) => c.name === 'tags')) });
    }
    const unknownMs = unknown?.elapsedMs ?? 0;
    log.debug({ phase: 'rows', ms: side ? rowsMs : rowsMs - unknownMs }, IMPORT_PHASE);
    if (linesToNumber) log.debug({ phase: LINES_NUMBERED, ms: numberingMs }, IMPORT_PHASE);
    if (eventsNumberedMs !== undefined) log.debug({ phase: EVENTS_NUMBERED, ms: eventsNumberedMs }, IMPORT_PHASE);
    if (sortingMs !== undefined) log.debug({ phase: STORED_BY_TIME, ms: sortingMs }, IMPORT_PHASE);
    if (side?.of === 'mail_events') log.debug({ phase: EVENTS_CHECKED, ms: keepingMs }, IMPORT_PHASE);
    if (unknown) log.debug({ phase: 'unknown customers', ms: unknownMs }, IMPORT_PHASE);
    log.debug({ phase: 'derived', ms: Date.now() - derivedStarted }, IMPORT_PHASE);
    // A signal between two statements interrupts nothing inside DuckDB: stop here, before the commit.
    throwIfAborted(options.signal);

    const rejectsFile = rejects.length > 0 ? writeRejects(db, table, rejects) : null;
    const finished = new Date();
    const result: ImportResult = {
      table: table.table,
      files,
      encodings: readable.map((r) => r.encoding),
      rowsRead,
      rowsLoaded,
      rowsSkipped,
      rowsRejected: rejects.length,
      rowsStored,
      unknownCustomers,
      rejectsFile,
      durationMs: finished.getTime() - started.getTime(),
    };
    await db.run(
      `INSERT INTO imports (table_name, mode, files, encodings, started_at, finished_at, duration_ms, rows_read, rows_loaded, rows_skipped, rows_rejected, rejects_file, outcome)
       VALUES ($table, $mode, $files::VARCHAR[], $encodings::VARCHAR[], $started::TIMESTAMP, $finished::TIMESTAMP, $duration, $read, $loaded, $skipped, $rejected, $rejectsFile, 'ok')`,
      {
        table: table.table, mode, files: JSON.stringify(files), encodings: JSON.stringify(result.encodings),
        started: started.toISOString(), finished: finished.toISOString(), duration: result.durationMs,
        read: rowsRead, loaded: rowsLoaded, skipped: rowsSkipped, rejected: rejects.length, rejectsFile,
      },
    );
    return result;
  };

  const unknown = withCustomers ? new UnknownCustomers(db) : undefined;
  const rowsStarted = Date.now();
  if (!side) {
    return load(() => db.transaction(async () => {
      await loadRows(unknown);
      return finish(unknown, Date.now() - rowsStarted);
    }));
  }
  await load(() => db.transaction(async () => {
    await loadRows(undefined);
    throwIfAborted(options.signal);
  }));
  const rowsMs = Date.now() - rowsStarted;
  try {
    const numberingStarted = Date.now();
    // A signal between two statements interrupts nothing inside DuckDB: looked at before each.
    throwIfAborted(options.signal);
    // Committed on their own, the numbered lines are read by the summaries with no update pending:
    // numbered in the summaries' transaction, the summaries took 3.3 s longer at 1x.
    if (linesToNumber) {
      await numberLoadedLines(db, side.name, { signal: options.signal, copyCategories: categoriesToCopy, transaction: (work) => load(() => db.transaction(work)), filesFrom: filesFrom.slice(1) });
      // An order in two files repeats its keys: the staged path keeps each key's last file's row.
      if (filesFrom.length > 1 && mode !== 'append' && (await repeatsKey(db, side.name, table.key))) throw new StageNeeded();
    }
    if (target.numberedOnceCommitted) {
      const started = Date.now();
      await load(() => db.transaction(() => numberSideEvents(db)));
      eventsNumberedMs = Date.now() - started;
    }
    numberingMs = Date.now() - numberingStarted;
    throwIfAborted(options.signal);
    // Counted in the committed rows, before the events of missing customers get their numbers.
    const missingNumbered = () => numberMissingCustomers(db, (work) => load(() => db.transaction(work)));
    const sideUnknown = side.of === 'mail_events'
      ? await (unknown ? unknown.timed(missingNumbered) : missingNumbered())
      : await unknown?.countCommitted(side.name) ?? null;
    throwIfAborted(options.signal);
    sortingMs = await storeSideByTimeIfSpread(db, side.of, { run: load, progress, log });
    const summarised = (customersPerPass: number) => load(() => db.transaction(() => finish(unknown, rowsMs, customersPerPass, sideUnknown)));
    return await (side.of === 'purchases'
      ? inSmallerPassesWhenShort(summarised, log, await customersPerPassFor(db, side.name))
      : summarised(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES));
  } catch (e) {
    await dropSideTables(db).catch((dropError: unknown) => log.warn({ err: dropError }, `could not drop ${side.name}: the next opening of the database drops it`));
    throw e;
  }
}

interface FileCounts {
  read: number; skipped: number; stored: number; rejects: Reject[];
  /** loaded directly with line numbers still to give (numberLoadedLines) */
  linesLater: boolean;
  /** loaded straight from the reader (loadWithoutStage), not staged */
  direct: boolean;
}

type ReaderRun = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/**
 * The direct path met a bad row, or the files of a full load repeat a key: the import is run
 * again, staged, to find and report the row or keep the key's last row.
 */
class StageNeeded extends Error {}

/**
 * The fast path, for an empty table or a full load's side table filled the same way by the files
 * before: one pass inserting the rows straight from the CSV reader.
 * Rows read are the rows inserted, plus those skipped by the mapping (counted in a pass that
 * types nothing).
 */
async function loadWithoutStage(
  db: DuckDBEngine, table: ImportTarget, plan: StagePlan, path: string, mode: ImportMode, withReader: ReaderRun, linesLater: LinesLater | undefined, keysCheckedAfterLastFile: boolean,
): Promise<{ read: number; skipped: number; stored: number } | undefined> {
  // Without a stage nothing needs file order, and not keeping it lets DuckDB write each thread's
  // rows as they come instead of holding them back for ordering: less memory, more speed. Lines
  // numbered later are numbered in the order the table keeps (at 1x, one run each: 31.4 s kept, 29.8 s not).
  if (linesLater === undefined) await db.run('SET preserve_insertion_order = false');
  let inserted: { inserted: number; stored: number } | undefined;
  try {
    inserted = await withReader('loading', () => loadDirectly(db, table, plan, path, mode, linesLater, !keysCheckedAfterLastFile));
  } catch (e) {
    if (e instanceof Error && e.message.includes(BAD_ROW_SIGNAL)) throw new StageNeeded();
    throw e;
  } finally {
    await db.run('SET preserve_insertion_order = true').catch(() => undefined);
  }
  if (inserted === undefined) return undefined;
  if (!plan.skips) return { read: inserted.inserted, skipped: 0, stored: inserted.stored };
  const [counts] = await db.all<{ total: bigint; skipped: bigint }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE _skip) AS skipped FROM (${plan.directSelect})`, { path });
  return { read: Number(counts!.total), skipped: Number(counts!.skipped), stored: inserted.stored };
}

/**
 * Loads one file: straight from the CSV reader when the table is empty, or is a full load's side
 * table the earlier files went into the same way (`direct.appending`), and nothing needs the
 * file's order (loadWithoutStage); otherwise staged in a table kept in file order, where bad rows
 * are traced to their lines and the good ones merged into the table.
 */
async function loadFile(
  db: DuckDBEngine, table: ImportTarget, plan: StagePlan, r: { file: string; path: string }, mode: ImportMode, allowedRejects: number,
  report: { progress: ProgressReporter; log: Logger; delimiter: string; unknown: UnknownCustomers | undefined; maxRejects: number }, staged: boolean, linesLater: LinesLater | undefined,
  direct: { appending: boolean; keysCheckedAfterLastFile: boolean },
): Promise<FileCounts> {
  const { log } = report;
  const started = Date.now();
  log.debug({ file: r.file, mode, staged }, 'loading file');
  const withReader: ReaderRun = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withPolledProgress(report.progress(`${label} ${basename(r.file)}`), () => db.progressPercentage, work());
    } catch (e) {
      throw csvReaderError(e, r.file, r.path, report.delimiter) ?? e;
    }
  };
  const empty = !direct.appending && (await isEmpty(db, storedIn(table)));
  if (!staged && canLoadDirectly(table, plan, linesLater) && (direct.appending || empty)) {
    const loaded = await loadWithoutStage(db, table, plan, r.path, mode, withReader, linesLater, direct.keysCheckedAfterLastFile);
    log.debug({ file: r.file, ms: Date.now() - started, path: 'direct', loaded: loaded !== undefined }, 'file loaded');
    if (loaded) {
      // The table was empty: it holds this file's rows only.
      if (empty) await report.unknown?.note(storedIn(table));
      return { ...loaded, rejects: [], linesLater: linesLater !== undefined, direct: true };
    }
  }

  await withReader('reading', () => db.run(plan.sql, { path: r.path }));
  const [stats] = await db.all<{ total: bigint; skipped: bigint; bad: bigint }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE _skip) AS skipped, count(*) FILTER (WHERE _bad IS NOT NULL) AS bad FROM ${STAGE_TABLE}`);
  const bad = Number(stats!.bad);
  let rejects: Reject[] = [];
  if (bad > 0) {
    type Cell = { column: string; value: string | null; reason: string | null };
    const badRows = await db.all<{ record: bigint; cells: Cell[] }>(
      // Row ids of a table made inside a transaction do not start at 0, but they keep file order.
      `SELECT (rowid - (SELECT min(rowid) FROM ${STAGE_TABLE}))::BIGINT AS record, _bad_cells AS cells
       FROM ${STAGE_TABLE} WHERE _bad IS NOT NULL ORDER BY rowid LIMIT ${Math.min(bad, allowedRejects + 1)}`,
    );
    const lines = await lineNumbersOfRecords(r.path, badRows.map((b) => Number(b.record)));
    const described = (cell: Cell) => {
      const column = table.columns.find((c) => c.name === cell.column);
      const reason = cell.reason ?? (cell.value === null || !column ? 'required value is missing' : unreadableReason(cell.value, column));
      return { column: cell.column, value: cell.value ?? '', reason };
    };
    rejects = badRows.map((b) => {
      const [first, ...also] = b.cells.map(described);
      return { file: r.file, line: lines.get(Number(b.record)) ?? Number(b.record) + 2, ...first!, ...(also.length > 0 ? { also } : {}) };
    });
    if (bad > allowedRejects) {
      const first = rejects[0]!;
      const { maxRejects } = report;
      const earlier = maxRejects - allowedRejects;
      const more = bad <= 1 ? '' : maxRejects === 0 ? ` (${bad} bad rows in this file; --max-rejects N skips up to N bad rows into a rejects file)`
        : ` (${bad} bad rows in this file; --max-rejects ${maxRejects} skips at most ${maxRejects} in all${earlier > 0 ? `, ${earlier} of them in earlier files` : ''})`;
      throw new ImportError('bad-value', r.file, first.line, first.column, `${first.reason}${more}`);
    }
  }
  const stored = await loadStage(db, table, plan, mode);
  await report.unknown?.note(`(SELECT customer_id FROM ${STAGE_TABLE} WHERE _bad IS NULL AND NOT _skip)`);
  await db.run(`DROP TABLE ${STAGE_TABLE}`);
  log.debug({ file: r.file, ms: Date.now() - started, path: 'staged' }, 'file loaded');
  return { read: Number(stats!.total), skipped: Number(stats!.skipped), stored, rejects, linesLater: false, direct: false };
}

/**
 * The header record, read in JS (RFC 4180: quoted cells may hold commas, quotes, line breaks):
 * DuckDB's reader sized for 32 MB lines would allocate a buffer per column of an absurdly wide
 * header before we could refuse it.
 */
async function readHeader(_db: DuckDBEngine, file: string, path: string, delimiter: string): Promise<string[]> {
  if (statSync(path).size === 0) throw new ImportError('file-empty', file, undefined, undefined, 'the file is empty (a header line is required)');
  const record = readFirstRecord(path, delimiter);
  if (record === undefined) throw new ImportError('csv-quote', file, 1, undefined, 'the header line never ends (a quoted field opens and is never closed?)');
  if (record.length === 1 && record[0] === '') throw new ImportError('file-empty', file, 1, undefined, 'the header line is empty');
  // A line end of CR alone is no line end to the reader: the whole file would be one header line.
  if (record.some((cell) => /\r[^\r\n]/.test(cell))) {
    throw new ImportError('csv-line-ends', file, 1, undefined, 'the lines end in CR alone (as old Mac programs save CSV), which is not read as a line end: save the file with CRLF or LF line ends');
  }
  refuseWrongDelimiter(record, file, delimiter);
  return record;
}

function writeRejects(db: DuckDBEngine, table: TableDef, rejects: Reject[]): string {
  const dir = join(db.path === ':memory:' ? tmpdir() : dirname(db.path), 'rejects');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const path = join(dir, `${stamp}-${table.table}-${process.pid}.csv`);
  const cells = rejects.flatMap((r) => [r, ...(r.also ?? [])].map((cell) => csvRow([r.file, String(r.line), cell.column, cell.value, cell.reason])));
  const body = [csvRow(['file', 'line', 'column', 'value', 'reason']), ...cells].join('');
  writeFileSync(`${path}.tmp`, `\uFEFF${body}`);
  renameSync(`${path}.tmp`, path);
  return path;
}

async function recordFailure(db: DuckDBEngine, options: ImportOptions, files: string[], mode: ImportMode, started: Date, error: unknown): Promise<void> {
  const finished = new Date();
  try {
    await db.run(
      `INSERT INTO imports (table_name, mode, files, started_at, finished_at, duration_ms, outcome, error)
       VALUES ($table, $mode, $files::VARCHAR[], $started::TIMESTAMP, $finished::TIMESTAMP, $duration, $outcome, $error)`,
      {
        table: options.table.table, mode, files: JSON.stringify(files), started: started.toISOString(), finished: finished.toISOString(),
        duration: finished.getTime() - started.getTime(), outcome: error instanceof InterruptedError ? 'interrupted' : error instanceof KumiwakeError && !(error instanceof DiskFullError) ? 'rejected' : 'failed',
        error: error instanceof Error ? error.message : String(error),
      },
    );
  } catch (e) {
    (options.logger ?? silentLogger).warn({ err: e }, 'could not record the failed import');
  }
}
