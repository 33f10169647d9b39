import { extname } from 'node:path';
import type { HeaderStyle } from './select.js';

// What an output may be asked for, kept apart from the writers: the CLI's option lists and the
// job-file schema need these names without loading exceljs and apache-arrow.

export const EXPORT_FORMATS = ['csv', 'xlsx', 'parquet', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const CSV_ENCODINGS = ['utf-8-bom', 'utf-8', 'cp932'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** One file to write from an evaluated segment (a CLI export, or one output of a job). */
export interface OutputSpec {
  readonly path: string;
  readonly format?: ExportFormat;
  readonly columns?: readonly string[];
  readonly encoding?: CsvEncoding;
  readonly headers?: HeaderStyle;
}

const FORMAT_BY_EXTENSION: Record<string, ExportFormat> = {
  '.csv': 'csv', '.txt': 'csv', '.xlsx': 'xlsx', '.parquet': 'parquet', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow',
};

/** The format asked for, else the one the file name says, else CSV. */
export function formatOf(spec: OutputSpec): ExportFormat {
  return spec.format ?? FORMAT_BY_EXTENSION[extname(spec.path).toLowerCase()] ?? 'csv';
}
