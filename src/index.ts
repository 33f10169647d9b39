/**
 * Kumiwake as a library: the one entry the CLI, the web server and embedding programs use.
 * Everything else under src/ is internal and may change between versions.
 */
export { openWorkspace, Workspace } from './api/workspace.js';
export type {
  EvaluateOptions, ExportRequest, ExportResult, HistoryFilter, ImportRequest, MembersPage, MembersRequest, RunJobRequest, SegmentInput,
  TableName, WorkspaceOptions,
} from './api/types.js';
export type { RunningSchedule, ScheduleRequest } from './api/schedule.js';
export type { CountResult } from './segments/evaluate.js';
export type { ConditionCount, ConditionCountsResult } from './segments/condition-counts.js';
export { overlapCsv, type OverlapResult } from './segments/overlap.js';
export type { OverlapFileResult, OverlapOptions } from './api/insights-counts.js';
export type { WhyNode, WhyResult } from './segments/why.js';
export type { CustomerMailEvent, CustomerOrder, CustomerRecord, OrderLine, RecordField, SegmentMembership } from './segments/customer-record.js';
export type { CustomerOptions, WhyOptions } from './api/why.js';
export { StrictWarningsError, WARNING_CODES, warningLine, type SegmentWarning, type WarningCode } from './segments/warnings.js';
export { suggest } from './segments/suggest.js';
export type { ImportResult } from './engine/duckdb/import/run-import.js';
export type { RunOutcome } from './jobs/run-job.js';
export type { RunRecord } from './jobs/history.js';
export type { DiffList, DiffRequest, DiffResult, DiffRun } from './api/diff.js';
export { JobFileError, JobFolder, type JobEntry, type JobFault, type JobFolderOptions } from './api/jobs.js';
export type { ImportPreview, ImportPreviewOptions, ImportRecord, PreviewColumn } from './api/import-preview.js';
export type { SavedSegment, SegmentVersion } from './segments/store.js';
export type { BreakdownFileResult, BreakdownOptions, RfmSettingsInput, Settings } from './api/breakdown.js';
export type { BreakdownResult, BreakdownRow, BreakdownValue, Reach } from './segments/breakdown.js';
export { BREAKDOWN_FORMATS, type BreakdownFile, type BreakdownFormat } from './export/breakdown-formats.js';
export { RFM_CELLS, type RfmCell } from './model/rfm-cells.js';
export type { RfmSettings } from './model/rfm-settings.js';
export type { SaveSegmentOptions } from './api/types.js';
export type { BuilderCatalog, BuilderField, MailSearch, MailSummary } from './api/builder-catalog.js';
export type { Logger } from './logger.js';
export type { Progress, ProgressReporter } from './progress.js';

export { KumiwakeError, ImportError, DatabaseBusyError, DiskFullError, OutOfMemoryError } from './errors.js';
export { InterruptedError } from './interrupt.js';
export { DefinitionError } from './model/validate.js';
export { QueryError } from './engine/engine.js';
export { clickHouseStateFile, importToClickHouse, initClickHouse, isClickHouseSetting, type ClickHouseImportOptions, type ClickHouseInitResult } from './api/clickhouse.js';

export {
  CSV_ENCODINGS, CSV_FORMULAS, EXPORT_FORMATS, HEADER_STYLES, VALUE_STYLES, type CsvEncoding, type CsvFormulas, type ExportFormat, type HeaderStyle, type ValueStyle,
} from './export/formats.js';
export { EXPORT_ROWS, type ExportRows } from './export/formats.js';
export type { LostCharacter } from './export/writer.js';
export { tableNames } from './api/catalog-names.js';
export { definitionJsonSchema } from './model/json-schema.js';
export { readDefinitionFile } from './api/definition-file.js';
export { repeatedJsonKey } from './json-text.js';
export { fitFileName, NAME_MAX_BYTES } from './file-names.js';
export { CLI_INPUTS, PAGE_INPUTS, type Input, type InputNames } from './input-names.js';
export { parseQuery, placeQueryFaults, printCheckedQuery, printQuery, type ParseQueryOptions } from './query/query.js';
export { QuerySyntaxError, QueryDefinitionError, type QueryFault, type Position } from './query/errors.js';
export { generateSampleData, fileOrders, type FileOrder, type GenerateOptions, type GeneratedFiles } from './generate/generate.js';
export { runDemo, SAMPLE_AS_OF, type DemoResult } from './api/demo.js';
export { isoInZone, wallClock } from './jobs/local-time.js';
export { formatDate, todayIn } from './model/dates.js';
