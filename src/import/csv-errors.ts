import { ImportError } from '../errors.js';

/**
 * Turns DuckDB's CSV reader errors into `FILE:LINE: reason`. DuckDB reports the line and a long
 * diagnostic; users need the line and one sentence.
 */
export function csvReaderError(error: unknown, file: string): ImportError | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  const lineMatch = /CSV Error on Line: (\d+)/.exec(message);
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) return new ImportError('csv-columns', file, line, undefined, `expected ${columns[1]} fields but found ${columns[2]} (unbalanced quotes or a stray comma?)`);
  if (/unterminated quote/i.test(message)) return new ImportError('csv-quote', file, line, undefined, 'a quoted field is never closed');
  if (/Invalid unicode/i.test(message)) return new ImportError('csv-encoding', file, line, undefined, 'the bytes are not valid UTF-8 (use --encoding cp932 for Shift_JIS files)');
  if (/Maximum line size/i.test(message)) return new ImportError('csv-line-size', file, line, undefined, 'a line is longer than 32 MB');
  if (/No files found|Could not open file|No such file/i.test(message)) return new ImportError('file-missing', file, undefined, undefined, 'cannot open the file');
  if (lineMatch || /CSV|sniff/i.test(message)) {
    const reason = message.split('\n').find((l) => l.trim() !== '' && !/^(Invalid Input Error|CSV Error on Line|Original Line)/.test(l.trim())) ?? 'the CSV cannot be read';
    return new ImportError('csv-invalid', file, line, undefined, reason.trim().slice(0, 300));
  }
  return undefined;
}
