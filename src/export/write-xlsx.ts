import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Engine } from '../engine/engine.js';
import type { SqlDialect } from '../dialect/dialect.js';
import type { ExportColumn } from './columns.js';
import { exportSelect, headerOf } from './select.js';
import { streamColumns, type ExportWriter } from './writer.js';
import { clickhouseEngineOf } from './clickhouse/context.js';
import { convertColumns, typedConversions } from './clickhouse/typed.js';
import { serverCellWidth } from './clickhouse/widths.js';
import { sheetValueOf, type TextCounter } from './excel-values.js';

/** Excel's limit is 1,048,576 rows a sheet, the header row included. */
export const XLSX_MAX_ROWS = 1_048_576;

const NUMBER_FORMATS: Record<ExportColumn['type'], string | undefined> = {
  text: '@', // typed-in edits stay text too: ids and phone numbers keep their leading zeros
  tags: '@',
  integer: '#,##0',
  decimal: '#,##0',
  boolean: undefined,
  date: 'yyyy-mm-dd',
  timestamp: 'yyyy-mm-dd hh:mm:ss',
};

/** Display width in Excel's character units: CJK and other wide characters count double. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return width;
}

/**
 * Widest value per column, in one aggregate over the export (a streaming sheet cannot change its
 * widths after the rows are written). UTF-8 byte length tells wide characters (3 bytes) from ASCII.
 * On a server's members (ClickHouse) the columns are read by their headers (clickhouse/widths.ts).
 */
async function columnWidths(
  db: Engine, d: SqlDialect, columns: readonly ExportColumn[], select: string, headers: readonly string[] | undefined, labelled: boolean,
): Promise<number[]> {
  const fixed: Partial<Record<ExportColumn['type'], number>> = { date: 10, timestamp: 19, boolean: 5 };
  const measured = (i: number) => (headers ? serverCellWidth(d, columns[i]!, headers[i]!, labelled) : d.displayWidth(`x.${d.quoteIdentifier(`c${i}`)}`));
  const measures = columns.map((_, i) => `COALESCE(max(${measured(i)}), 0) AS ${d.quoteIdentifier(`w${i}`)}`);
  const renamed = columns.map((_, i) => d.quoteIdentifier(`c${i}`)).join(', ');
  const from = headers ? `(${select})` : `(${select}) AS x(${renamed})`;
  const [row] = await db.query<Record<string, number | bigint>>({ sql: `SELECT ${measures.join(', ')} FROM ${from}`, parameters: [] });
  // Numbers are measured as their digits and shown with thousands separators (#,##0).
  const shown = (c: ExportColumn, w: number) => (c.type === 'integer' || c.type === 'decimal' ? w + Math.floor(Math.max(w - 1, 0) / 3) : w);
  return columns.map((c, i) => fixed[c.type] ?? Math.min(shown(c, Number(row![`w${i}`])), 60));
}

/**
 * Characters XML 1.0 forbids (C0 controls but tab, line feed and carriage return; U+FFFE and
 * U+FFFF): one of them in a cell makes the whole workbook unreadable, so they are removed.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, 'g');

/** A text with the characters XML forbids removed, and how many there were. */
export function xmlSafeText(text: string): { readonly text: string; readonly removed: number } {
  if (!XML_FORBIDDEN.test(text)) return { text, removed: 0 };
  let removed = 0;
  return { text: text.replace(XML_FORBIDDEN_ALL, () => (removed++, '')), removed };
}

/** How much uncompressed sheet XML may wait for the zip compressor before the writer pauses. */
const MAX_PENDING_BYTES = 8 << 20;

/**
 * exceljs's sheet stream hands rows to the zip compressor without backpressure: on a fast source
 * the rows pile up in memory (about 1 GB for a million rows). Waiting for the compressor to
 * drain after each chunk keeps memory flat. The sheet stream's pipes are exceljs internals.
 */
async function compressorCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  type Sink = NodeJS.EventEmitter & { _writableState?: { length?: number } };
  const pipes = (sheet as unknown as { stream?: { pipes?: Sink[] } }).stream?.pipes ?? [];
  for (const sink of pipes) {
    // exceljs pipes into readable-stream v2 streams, which lack `writableLength`.
    if ((sink._writableState?.length ?? 0) > MAX_PENDING_BYTES) await once(sink, 'drain');
  }
}

/**
 * Excel through exceljs's streaming writer: rows go to disk as they come, so memory stays flat
 * whatever the list's size. Rows beyond a sheet's limit continue on further sheets.
 */
export function xlsxWriter(rowsPerSheet = XLSX_MAX_ROWS - 1): ExportWriter {
  return async ({ db, dialect, file, columns, headers, query, cells, rowCount, signal, progress }) => {
    const select = exportSelect(dialect, columns, headers, 'sheet', query, cells);
    let removed = 0;
    const safe = (text: string): string => {
      if (!XML_FORBIDDEN.test(text)) return text; // the usual case, without an allocation
      const cleaned = xmlSafeText(text);
      removed += cleaned.removed;
      return cleaned.text;
    };
    const headerRow = columns.map((c) => safe(headerOf(c, headers)));
    const onServer = query.serverMembers !== undefined;
    const measureDb = onServer ? clickhouseEngineOf(db) : db; // a job's engine answers plain statements from its state file
    const widths = (await columnWidths(measureDb, dialect, columns, select, onServer ? columns.map((c) => headerOf(c, headers)) : undefined, cells.values === 'ja'))
      .map((w, i) => Math.max(w, displayWidth(headerRow[i]!)) + 2);
    const conversions = onServer ? typedConversions(columns, cells.values === 'ja') : undefined;
    const asText: TextCounter = { valuesAsText: 0 };
    const sheetValues = columns.map((c) => sheetValueOf(c, cells.values === 'ja', asText));
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file.tempPath, useStyles: true, useSharedStrings: false });
    let sheet: ExcelJS.Worksheet | undefined;
    let sheetRows = 0;
    let sheetCount = 0;
    let written = 0;
    const startSheet = () => {
      sheetCount++;
      sheet = workbook.addWorksheet(sheetCount === 1 ? 'customers' : `customers ${sheetCount}`, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = columns.map((c, i) => ({ key: `c${i}`, width: widths[i], style: NUMBER_FORMATS[c.type] ? { numFmt: NUMBER_FORMATS[c.type] } : {} }));
      const header = sheet.addRow(headerRow);
      header.font = { bold: true };
      header.commit();
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
      sheetRows = 0;
    };
    startSheet();
    for await (const data of streamColumns(db, select, signal)) {
      if (conversions) convertColumns(data, conversions);
      const n = data[0]!.length;
      for (let r = 0; r < n; r++) {
        if (sheetRows === rowsPerSheet) {
          sheet!.commit();
          startSheet();
        }
        const values = new Array<unknown>(data.length);
        for (let c = 0; c < data.length; c++) {
          const convert = sheetValues[c];
          const v = convert ? convert(data[c]![r]) : data[c]![r];
          values[c] = typeof v === 'string' ? safe(v) : Array.isArray(v) ? safe(v.join(';')) : v;
        }
        sheet!.addRow(values).commit();
        sheetRows++;
      }
      written += n;
      progress(rowCount === 0 ? 1 : written / rowCount);
      await compressorCaughtUp(sheet!);
    }
    sheet!.commit();
    await workbook.commit();
    return { xlsxInvalidCharacters: removed, xlsxValuesAsText: asText.valuesAsText };
  };
}
