import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { csvRow } from '../csv-text.js';
import type { Logger } from '../logger.js';
import type { BreakdownResult, BreakdownValue } from '../segments/breakdown.js';
import { AtomicFile } from './atomic-file.js';
import type { BreakdownFile, BreakdownFormat } from './breakdown-formats.js';
import { formulaSafe } from './formats.js';
import { writeFault } from './target.js';
import { xmlSafeText } from './write-xlsx.js';


const TOTAL = 'total';

/**
 * The breakdown as a table: one column per field, then count, email, line, dm; a row per cell,
 * then the total row (`total` in the first column, the other fields empty). A missing value is
 * an empty cell.
 */
export function breakdownTable(result: BreakdownResult): { header: string[]; rows: BreakdownValue[][] } {
  const header = [...result.by, 'count', 'email', 'line', 'dm'];
  const rows: BreakdownValue[][] = result.breakdown.map((row) => [
    ...result.by.map((name) => row.key[name] ?? null), row.count, row.reachable.email, row.reachable.line, row.reachable.dm,
  ]);
  const { count, reachable } = result.total;
  rows.push([TOTAL, ...result.by.slice(1).map(() => null), count, reachable.email, reachable.line, reachable.dm]);
  return { header, rows };
}

function csvText(header: string[], rows: BreakdownValue[][]): string {
  const cell = (v: BreakdownValue) => (v === null ? '' : typeof v === 'string' ? formulaSafe(v) : String(v));
  return `\uFEFF${csvRow(header.map(formulaSafe))}${rows.map((row) => csvRow(row.map(cell))).join('')}`;
}

async function writeXlsx(path: string, header: string[], rows: BreakdownValue[][]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('breakdown', { views: [{ state: 'frozen', ySplit: 1 }] });
  const safe = (v: BreakdownValue) => (typeof v === 'string' ? xmlSafeText(v).text : v);
  sheet.addRow(header.map((h) => xmlSafeText(h).text)).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map(safe));
  sheet.getRow(rows.length + 1).font = { bold: true };
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(40, Math.max(8, ...[header[i], ...rows.map((r) => r[i])].map((v) => String(v ?? '').length + 2)));
  });
  await workbook.xlsx.writeFile(path);
}

/** Writes the breakdown table to a file that appears whole or not at all (a temp file renamed over the target). */
export async function writeBreakdownFile(result: BreakdownResult, path: string, format: BreakdownFormat, log: Logger): Promise<BreakdownFile> {
  const { header, rows } = breakdownTable(result);
  const file = AtomicFile.create(path, log);
  try {
    if (format === 'csv') writeFileSync(file.tempPath, csvText(header, rows), 'utf8');
    else await writeXlsx(file.tempPath, header, rows);
    file.commit();
  } catch (error) {
    file.abort();
    throw writeFault(path, error) ?? error;
  }
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(file.target));
  return { path: file.target, format, rows: rows.length, bytes: size };
}
