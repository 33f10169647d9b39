/** The files a breakdown table is written as (kept apart from the writer, which loads exceljs). */
export const BREAKDOWN_FORMATS = ['csv', 'xlsx'] as const;
export type BreakdownFormat = (typeof BREAKDOWN_FORMATS)[number];

export interface BreakdownFile {
  readonly path: string;
  readonly format: BreakdownFormat;
  /** table rows written, the total row included, the header not */
  readonly rows: number;
  readonly bytes: number;
}
