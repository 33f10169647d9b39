import { tablesByCliName } from '../catalog/tables.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { MEMBERS_TABLE } from '../export/select.js';
import { silentLogger, type Logger } from '../logger.js';
import { todayIn } from '../model/dates.js';
import type { ImportResult } from '../engine/duckdb/import/run-import.js';
import type { RunRecord } from '../jobs/history.js';
import type { DatabaseAccess, RunOutcome } from '../jobs/run-job.js';
import type { CountResult } from '../segments/evaluate.js';
import type { SegmentWarning } from '../segments/warning-checker.js';
import { SegmentStore } from '../segments/store.js';
import { CLI_INPUTS } from '../input-names.js';
import { parseAsOf, resolveSegment } from './inputs.js';
import { membersPage } from './members.js';
import { SavedSegments } from './saved-segments.js';
import { JobFolder } from './jobs.js';
import { dropServerMembers, importInto, jobEngineOf, openEngine, stateFileOf } from './open-engine.js';
import type {
  EvaluateOptions, ExportRequest, ExportResult, HistoryFilter, ImportRequest, MembersPage, MembersRequest, RunJobRequest, SegmentInput, WorkspaceOptions,
} from './types.js';
import { startSchedule, type ScheduleRequest, type RunningSchedule } from './schedule.js';

const DEFAULT_JOBS_DIR = 'jobs';

/**
 * One database, opened for a program's lifetime: the CLI opens one per command, a web server one
 * per process. The database is opened on first use, so that a job run can take its job lock
 * before it waits for the database (another process may be running the same job).
 */
export class Workspace {
  readonly tz: string;
  readonly segments: SavedSegments;
  private engine: Promise<Engine> | undefined;
  private store: Promise<SegmentStore> | undefined;
  private sets: import('../segments/customer-sets.js').CustomerSets | undefined;
  private readonly log: Logger;

  constructor(private readonly options: WorkspaceOptions) {
    this.tz = options.tz ?? 'Asia/Tokyo';
    this.log = options.logger ?? silentLogger;
    try {
      todayIn(this.tz);
    } catch {
      throw new KumiwakeError('bad-argument', `--tz ${this.tz} is not a time zone (e.g. Asia/Tokyo)`);
    }
    this.segments = new SavedSegments(() => this.savedStore(), () => todayIn(this.tz), () => this.assertWritable('save segments'));
  }

  /** The database file as it was given (the engine resolves it to an absolute path). */
  get path(): string {
    return this.options.db;
  }

  /** Opens the database now (waiting while another process holds it), instead of on first use. */
  async open(): Promise<void> {
    await this.database();
  }

  /**
   * The open engine (opened now if it is not yet); internal to the library's own modules. Opened
   * for writing, it first clears what a killed command left on this database: job runs still
   * `running` become `interrupted`, and decoded copies of processes that are gone are removed
   * (the engine removes DuckDB's spill files).
   */
  database(): Promise<Engine> {
    this.engine ??= openEngine(this.options, this.log).then(async (db) => {
      if (!this.options.readOnly) await this.clearAfterKilledCommands(db);
      this.opened = db;
      return db;
    });
    return this.engine;
  }

  private opened: Engine | undefined;

  /**
   * Stops the statement running now, if any: it fails, and its transaction rolls back. For a
   * server whose page moved on (a member preview of an edit the marketer already replaced).
   */
  interruptRunning(): void {
    this.opened?.interrupt();
  }

  /** Never fails the command: what cannot be cleared now is cleared by a later one. */
  private async clearAfterKilledCommands(db: Engine): Promise<void> {
    try {
      const [{ RunHistory }, { DecodedCopies }, { processIsAlive }] = await Promise.all([
        import('../jobs/history.js'), import('../import/decoded-copies.js'), import('../processes.js'),
      ]);
      const runs = await new RunHistory(db).closeAbandonedRuns(processIsAlive);
      if (runs > 0) this.log.info({ runs }, 'job runs left running by a process that is gone marked interrupted');
      const folders = DecodedCopies.removeLeftovers(stateFileOf(db).path, this.options.decodeDir);
      if (folders.length > 0) this.log.info({ folders }, 'removed decoded copies left by a killed import');
    } catch (error) {
      this.log.warn({ err: error }, 'could not clear what a killed command left behind');
    }
  }

  private savedStore(): Promise<SegmentStore> {
    this.store ??= this.database().then((db) => SegmentStore.load(db));
    return this.store;
  }

  private assertWritable(what: string): void {
    if (this.options.readOnly) throw new KumiwakeError('read-only', `cannot ${what}: the workspace is open read-only`, 2);
  }

  async import(request: ImportRequest): Promise<ImportResult> {
    this.assertWritable('import');
    const table = Object.hasOwn(tablesByCliName, request.table) ? tablesByCliName[request.table] : undefined;
    if (!table) throw new KumiwakeError('bad-argument', `unknown table ${request.table} (expected ${Object.keys(tablesByCliName).join(', ')})`);
    const maxRejects = request.maxRejects ?? 0;
    if (!Number.isInteger(maxRejects) || maxRejects < 0) throw new KumiwakeError('bad-argument', '--max-rejects must be a whole number, 0 or more');
    const result = await importInto(await this.database(), {
      table, files: request.files, encoding: request.encoding, mode: request.mode, mappingFile: request.mapping, maxRejects,
      delimiter: request.delimiter, allowEmpty: request.allowEmpty, tz: this.tz,
      signal: request.signal ?? this.options.signal, logger: this.log, progress: request.progress ?? this.options.progress, decodeDir: this.options.decodeDir,
    });
    // A customers import may change what saved segments select, never the segments themselves.
    return result;
  }

  /**
   * How an import would read a file (the web page's preview before it imports): the encoding,
   * decided as the import decides it, and the column each header cell maps to, unknown ones listed.
   */
  async previewImport(file: string, table: string, options: import('./import-preview.js').ImportPreviewOptions = {}): Promise<import('./import-preview.js').ImportPreview> {
    return (await import('./import-preview.js')).previewImport(file, table, options);
  }

  /** The import history (the `imports` table), newest first: outcome, rows, rejects file, error. */
  async imports(limit?: number): Promise<import('./import-preview.js').ImportRecord[]> {
    return (await import('./import-preview.js')).importHistory(stateFileOf(await this.database()), limit); // ClickHouse keeps it in the state file
  }

  /** One import of the history by its id (undefined: no such import). */
  async importRecord(importId: number): Promise<import('./import-preview.js').ImportRecord | undefined> {
    return (await import('./import-preview.js')).importRecord(stateFileOf(await this.database()), importId);
  }

  /** The job files of a folder (default jobs): list, show, save (checked as `run` reads them), delete, next run times. */
  jobs(options: import('./jobs.js').JobFolderOptions = {}): import('./jobs.js').JobFolder {
    return new JobFolder(options, (name) => this.segments.show(name, options.names), (what) => this.assertWritable(what));
  }

  /** How many customers a segment selects, and how many of them each channel reaches. */
  async count(segment: SegmentInput, options: EvaluateOptions = {}): Promise<CountResult> {
    const [db, store] = [await this.database(), await this.savedStore()];
    // The kept sets are positions in DuckDB's customers table: on ClickHouse each count is whole.
    if (this.options.interactive && !this.options.engine) {
      const { countWithSets } = await import('../segments/customer-sets.js');
      const counted = await countWithSets(await this.customerSets(), resolveSegment(segment, store, options.names), store.lookup, this.asOf(options), { strict: options.strict });
      if (counted) {
        const { count, reachable, asOf, elapsedMs, warnings } = counted;
        return { count, reachable, asOf, elapsedMs, warnings };
      }
    }
    const { countSegment } = await import('../segments/evaluate.js');
    return countSegment(db, resolveSegment(segment, store, options.names), store, this.asOf(options), this.log, { strict: options.strict });
  }

  /** The sets kept between interactive counts (`interactive`), made on first use. */
  private async customerSets(): Promise<import('../segments/customer-sets.js').CustomerSets> {
    if (this.sets) return this.sets;
    const [{ CustomerSets }, { schemaInfo }, { dialectOf }] = await Promise.all([
      import('../segments/customer-sets.js'), import('../segments/evaluate.js'), import('../dialect/registry.js'),
    ]);
    const db = await this.database();
    this.sets ??= new CustomerSets(db, dialectOf(db), () => schemaInfo(db));
    return this.sets;
  }

  /** One page of a segment's customers, sorted. */
  async members(segment: SegmentInput, request: MembersRequest = {}): Promise<MembersPage> {
    const [db, store] = [await this.database(), await this.savedStore()];
    return membersPage(db, resolveSegment(segment, store, request.names), store, this.asOf(request), request, this.log);
  }

  /** The SQL the planner produces for a segment's count, with its parameters. */
  async explain(segment: SegmentInput, options: EvaluateOptions = {}): Promise<{ sql: string; parameters: readonly unknown[] }> {
    const { planCount, planTargetOf } = await import('../segments/evaluate.js');
    const [db, store] = [await this.database(), await this.savedStore()];
    const plan = planCount(resolveSegment(segment, store, options.names), store, this.asOf(options), await planTargetOf(db));
    return { sql: plan.sql, parameters: plan.parameters };
  }

  /**
   * The count with every node of the definition counted (src/segments/condition-counts.ts): how many
   * customers each node holds for alone, and, for the children of each `all`, in order (a funnel).
   * One statement, not one per node (an `interactive` workspace combines its kept customer sets
   * instead); the count, reachable figures and warnings are `count`'s.
   */
  async conditionCounts(segment: SegmentInput, options: EvaluateOptions = {}): Promise<import('../segments/condition-counts.js').ConditionCountsResult> {
    const { countConditions, countConditionsWithSets } = await import('../segments/condition-counts.js');
    const [db, store] = [await this.database(), await this.savedStore()];
    if (this.options.interactive && !this.options.engine) {
      const counted = await countConditionsWithSets(await this.customerSets(), resolveSegment(segment, store, options.names), store.lookup, this.asOf(options), { strict: options.strict });
      if (counted) return counted;
    }
    return countConditions(db, resolveSegment(segment, store, options.names), store, this.asOf(options), this.log, { strict: options.strict });
  }

  /** How many customers each pair of saved segments holds in common, as a matrix; with `out`, also as a CSV file. */
  async overlap(names: readonly string[], options: import('./insights-counts.js').OverlapOptions = {}): Promise<import('./insights-counts.js').OverlapFileResult> {
    const { overlap } = await import('./insights-counts.js');
    return overlap(await this.database(), await this.savedStore(), names, this.asOf(options), options, this.log);
  }

  /**
   * Why a customer is in a segment or not (src/segments/why.ts): every node of the definition with
   * whether it holds for them (as the count evaluates it) and the figures behind it.
   */
  async why(customerId: string, segment: SegmentInput, options: import('./why.js').WhyOptions = {}): Promise<import('../segments/why.js').WhyResult> {
    const { why } = await import('./why.js');
    const [db, store] = [await this.database(), await this.savedStore()];
    return why(db, store, customerId, resolveSegment(segment, store, options.names), this.asOf(options));
  }

  /** One customer: the record, lifetime figures, latest orders and mail events, and the saved segments they are in. */
  async customer(customerId: string, options: import('./why.js').CustomerOptions = {}): Promise<import('../segments/customer-record.js').CustomerRecord> {
    const { customer } = await import('./why.js');
    const [db, store] = [await this.database(), await this.savedStore()];
    return customer(db, store, customerId, this.asOf(options), { orders: options.orders, events: options.events });
  }

  /** Writes a segment's customers to one file (CSV, Excel, Parquet or Arrow), whole or not at all. */
  async export(segment: SegmentInput, request: ExportRequest): Promise<ExportResult> {
    const [{ materializeMembers }, { checkOutput, writeExport }] = await Promise.all([import('../segments/evaluate.js'), import('../export/export-segment.js')]);
    const [db, store] = [await this.database(), await this.savedStore()];
    const { out, format: asked, columns, encoding, headers, csvFormulas, values, inputs, sort, limit } = request;
    const spec = { path: out, format: asked, columns, encoding, headers, csvFormulas, values, rows: request.rows, sort, limit };
    checkOutput(db, spec, { inputs }); // a target that cannot be written is refused before the segment runs
    const counted = await materializeMembers(db, resolveSegment(segment, store, request.names), store, this.asOf(request), MEMBERS_TABLE, this.log, { strict: request.strict });
    const names = request.names ?? CLI_INPUTS;
    const givenAt = { columns: names.given('columns'), sort: names.given('sort') };
    const file = await writeExport(db, spec, counted.count, { ...this.exportSettings(), signal: this.options.signal, inputs, asOf: counted.asOf, givenAt });
    const { path, format, rows, bytes, removed, replaced, lostCharacters } = file;
    return {
      count: counted.count, reachable: counted.reachable, asOf: counted.asOf,
      file: { path, format, rows, bytes, removed, replaced, lostCharacters }, elapsedMs: counted.elapsedMs + file.elapsedMs, warnings: counted.warnings,
    };
  }

  /**
   * Runs one job now (a name in the jobs folder, or a job file's path) and records it in the
   * history. A fault of the job itself is recorded and returned, not thrown.
   */
  async runJob(job: string, request: RunJobRequest & { jobsDir?: string } = {}): Promise<RunOutcome> {
    this.assertWritable('run jobs');
    const [{ runJob }, { jobFileFor, defaultOutputRoot }] = await Promise.all([import('../jobs/run-job.js'), import('../jobs/job-file.js')]);
    const jobsDir = request.jobsDir ?? DEFAULT_JOBS_DIR;
    return runJob(jobFileFor(job, jobsDir), {
      database: this.access(), trigger: 'manual', asOf: request.asOf === undefined ? undefined : parseAsOf(request.asOf, request.names), strict: request.strict,
      signal: this.options.signal, outputRoot: request.outputRoot ?? defaultOutputRoot(jobsDir), logger: this.log, exportSettings: this.exportSettings(),
    });
  }

  /** Runs the jobs of a folder on their cron schedules until `stop` (the database is opened per run). */
  schedule(request: ScheduleRequest): RunningSchedule {
    this.assertWritable('schedule jobs');
    return startSchedule(request, { database: this.access(), logger: this.log, exportSettings: this.exportSettings() });
  }

  /** Past job runs, oldest first: how a segment's size moves. */
  async history(filter: HistoryFilter = {}): Promise<RunRecord[]> {
    const { RunHistory } = await import('../jobs/history.js');
    return new RunHistory(await this.database()).list(filter);
  }

  /** The jobs and segments that have a recorded run (`history` of another name finds none). */
  async recordedNames(): Promise<{ jobs: string[]; segments: string[] }> {
    const { RunHistory } = await import('../jobs/history.js');
    return new RunHistory(await this.database()).names();
  }

  /** What a segment builder offers: customer fields with labels and choices, attribute and order groups, pick-list values. */
  async builderCatalog(): Promise<import('./builder-catalog.js').BuilderCatalog> {
    return (await import('./builder-catalog.js')).builderCatalog(await this.database());
  }

  /**
   * Mails of the catalog for a mail picker and `kumiwake mails list`: by subject or id, kind, store
   * and send date (days, or a range in a definition's date forms), newest first; with `counts`, each
   * mail's customers sent, opened and clicked.
   */
  async mails(search: import('./builder-catalog.js').MailSearch = {}): Promise<import('./builder-catalog.js').MailSummary[]> {
    return (await import('./mail-list.js')).mailCatalogue(await this.database(), search, this.asOf(search));
  }

  /**
   * Who entered and left a segment between two job runs (default: its latest succeeded run and the
   * run before it of the same job), listed with the columns asked for, or written to a file.
   */
  async diff(request: import('./diff.js').DiffRequest): Promise<import('./diff.js').DiffResult> {
    const { diffSegment } = await import('./diff.js');
    // A job's engine: on ClickHouse its statements answer from the state file, where the run members are.
    return diffSegment(await jobEngineOf(await this.database()), request, { ...this.exportSettings(), signal: this.options.signal });
  }

  /**
   * A segment's count broken down by fields (customer columns, attr:NAME, age_band, rfm, channel,
   * store), one row per combination, and the table written to a CSV or Excel file when `out` is given.
   */
  async breakdown(segment: SegmentInput, options: import('./breakdown.js').BreakdownOptions): Promise<import('./breakdown.js').BreakdownFileResult> {
    const { breakdown } = await import('./breakdown.js');
    const [db, store] = [await this.database(), await this.savedStore()];
    return breakdown(db, store, resolveSegment(segment, store, options.names), this.asOf(options), options, this.log);
  }

  /** The shop's settings: fixed RFM cut points, when set. */
  async settings(): Promise<import('./breakdown.js').Settings> {
    return (await import('./breakdown.js')).readSettings(stateFileOf(await this.database()));
  }

  /** Sets fixed RFM cut points (four per score, e.g. `{ r: '30,60,90,180' }`); the scores not given are quintiles. */
  async setRfmSettings(input: import('./breakdown.js').RfmSettingsInput): Promise<import('./breakdown.js').Settings> {
    this.assertWritable('change settings');
    this.sets = undefined; // interactive counts keep RFM sets made with the old cut points
    return (await import('./breakdown.js')).setRfm(stateFileOf(await this.database()), input);
  }

  /**
   * Sets the order statuses that count as sales (`'売上完了,発送済'` or a list), as ecforce counts
   * only 売上完了; none (`''`) removes the setting: every status but cancelled counts again. The
   * lifetime summaries are rebuilt with the new rule.
   */
  async setSalesStatuses(statuses: string | readonly string[]): Promise<import('./breakdown.js').Settings & { readonly warnings: readonly SegmentWarning[] }> {
    this.assertWritable('change settings');
    this.sets = undefined; // sets made under the old sales basis
    const [{ storeSalesStatuses }, { schemaInfo }, { dialectOf }, { Checker }, { checkSalesStatuses }] = await Promise.all([
      import('../segments/sales-statuses.js'), import('../segments/evaluate.js'), import('../dialect/registry.js'),
      import('../segments/warning-checker.js'), import('../segments/warning-checks.js'),
    ]);
    const engine = await this.database();
    const db = stateFileOf(engine); // on ClickHouse the state file: the planner reads the setting from there
    await storeSalesStatuses(db, statuses);
    // A status no order line has (a typo) makes no order a sale: said now, and at every count reading the setting.
    const checker = new Checker(engine, dialectOf(engine), await schemaInfo(engine, db));
    await checkSalesStatuses(checker);
    return { ...(await (await import('./breakdown.js')).readSettings(db)), warnings: checker.warnings };
  }

  /** Names remark_N (1–10) for exports with Japanese headers (`FAX番号` instead of 備考1); "" removes the name. */
  async setRemarkLabel(remark: string | number, label: string): Promise<import('./breakdown.js').Settings> {
    this.assertWritable('change settings');
    return (await import('../segments/settings.js')).setRemarkLabel(stateFileOf(await this.database()), remark, label);
  }

  /** Removes a setting (`rfm`: the scores are quintiles again); says whether it was set. */
  async unsetSetting(name: string): Promise<boolean> {
    this.assertWritable('change settings');
    this.sets = undefined;
    return (await import('./breakdown.js')).unsetSetting(stateFileOf(await this.database()), name);
  }

  /** Rows per table: what the database holds. */
  async tableSizes(): Promise<Record<string, number>> {
    const db = await this.database();
    const sizes: Record<string, number> = {};
    for (const table of ['customers', 'purchases', 'products', 'mails', 'mail_events', 'subscriptions', 'stores']) {
      // A database made before a table existed, opened read-only (no schema applied), has none of it.
      if (!(await db.hasTable(table))) {
        sizes[table] = 0;
        continue;
      }
      const [row] = await db.query<{ n: bigint }>({ sql: `SELECT count(*) AS n FROM ${table}`, parameters: [] });
      sizes[table] = Number(row?.n ?? 0);
    }
    return sizes;
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    this.opened = undefined;
    this.store = undefined;
    this.sets = undefined;
    const db = engine && (await engine.catch(() => undefined));
    if (db) await dropServerMembers(db, this.log);
    db?.close();
  }

  private asOf(options: EvaluateOptions) {
    return options.asOf === undefined ? todayIn(this.tz) : parseAsOf(options.asOf, options.names);
  }

  private exportSettings() {
    return {
      logger: this.log, progress: this.options.progress, memoryLimit: this.options.exportMemoryLimit,
      memorySetting: this.options.settingNames?.exportMemoryLimit, xlsxRowsPerSheet: this.options.xlsxRowsPerSheet,
    };
  }

  /**
   * How job runs reach the database: the workspace's engine when it is open (one process never
   * opens a file twice), else one opened for the run and closed after it.
   */
  private access(): DatabaseAccess {
    return {
      path: this.options.db,
      open: async () => {
        if (this.engine) return { db: await jobEngineOf(await this.engine), release: async () => {} };
        const db = await openEngine(this.options, this.log, false);
        // Closed before release resolves: DuckDB lets one process open a file twice, unguarded.
        return { db: await jobEngineOf(db), release: () => dropServerMembers(db, this.log).finally(() => db.close()) };
      },
    };
  }
}

/** Opens a workspace on a database file. */
export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  return new Workspace(options);
}
