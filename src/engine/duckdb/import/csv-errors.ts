import { closeSync, openSync, readSync } from 'node:fs';
import { ImportError } from '../../../errors.js';
import { firstLineFault, lineFaultReason, MAX_RECORD_BYTES, type LineFault } from './csv-line-faults.js';

/**
 * Turns DuckDB's CSV reader errors into `FILE:LINE: reason`. DuckDB reports the line and a long
 * diagnostic; users need the line and one sentence.
 */
export function csvReaderError(error: unknown, file: string, path = file, delimiter = ','): ImportError | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  const lineMatch = /CSV Error on Line: (\d+)/.exec(message);
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) return new ImportError('csv-columns', file, line, undefined, `expected ${columns[1]} fields but found ${columns[2]} (unbalanced quotes or a stray comma?)`);
  if (/unterminated quote/i.test(message)) return new ImportError('csv-quote', file, line, undefined, 'a quoted field is never closed');
  if (/Invalid unicode/i.test(message)) return new ImportError('csv-encoding', file, line, undefined, 'the bytes are not valid UTF-8 (use --encoding cp932 for Shift_JIS files)');
  if (/Maximum line size|does not match the number of columns|Error when sniffing|state machine reached an invalid state/i.test(message)) {
    // DuckDB's reader (or its sniffer, or its parser) reports these far from the cause: find it ourselves.
    // A quote that is never closed swallows the rest of the file into one "line".
    const { unclosedQuoteLine, uneven } = diagnoseRecords(path, delimiter);
    if (unclosedQuoteLine !== undefined) return new ImportError('csv-quote', file, unclosedQuoteLine, undefined, 'a quoted field opens here and is never closed (unbalanced ")');
    if (uneven) return new ImportError('csv-columns', file, uneven.line, undefined, `expected ${uneven.expected} fields but found ${uneven.found} (unbalanced quotes or a stray comma?)`);
    const doubled = doubledCarriageReturnLine(path);
    if (doubled !== undefined) {
      return new ImportError('csv-line-ends', file, doubled, undefined,
        'the line ends with "\\r\\r\\n" (a carriage return written twice, as some Windows tools do): save the file with ordinary line ends (CRLF or LF)');
    }
    // The sniffer's hints name the maximum line size too: only a line found over it, or DuckDB's
    // own "Maximum line size of N bytes exceeded", is one.
    const fault = firstLineFault(path, delimiter);
    if (fault) return new ImportError(LINE_FAULT_CODES[fault.kind], file, fault.line, undefined, lineFaultReason(fault));
    if (/Maximum line size of \d+ bytes exceeded/i.test(message)) return new ImportError('csv-line-size', file, line, undefined, 'a line is longer than 32 MB');
  }
  if (/No files found|Could not open file|No such file/i.test(message)) return new ImportError('file-missing', file, undefined, undefined, 'cannot open the file');
  if (lineMatch || /CSV|sniff/i.test(message)) {
    const reason = message.split('\n').find((l) => l.trim() !== '' && !/^(Invalid Input Error|CSV Error on Line|Original Line)/.test(l.trim())) ?? 'the CSV cannot be read';
    return new ImportError('csv-invalid', file, line, undefined, reason.trim().slice(0, 300));
  }
  return undefined;
}

const LINE_FAULT_CODES: Record<LineFault['kind'], string> = {
  'line-end-changes': 'csv-line-ends',
  'text-after-quote': 'csv-quote',
  'long-line': 'csv-line-size',
};

/** What one pass over a file that DuckDB could not read finds (see `diagnoseRecords`). */
export interface RecordDiagnosis {
  /** the physical line where the last quoted field opens, when the file ends inside quotes */
  readonly unclosedQuoteLine?: number;
  /** the first record (from its physical line) whose field count differs from the header's */
  readonly uneven?: { readonly line: number; readonly expected: number; readonly found: number };
}

/**
 * Reads the file once, byte by byte, as RFC 4180 has it: a quote toggles quoting ("" inside a
 * quoted field toggles twice and changes nothing); commas outside quotes (or the file's delimiter) separate fields; LF
 * outside quotes ends a record. `"`, `,` and LF never occur inside a multi-byte UTF-8 or CP932
 * character. Only runs when an import has already failed.
 */
export function diagnoseRecords(path: string, delimiter = ','): RecordDiagnosis {
  const separator = delimiter.charCodeAt(0);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let quoted = false;
    let line = 1;
    let openedAt = 0;
    let recordLine = 1;
    let fields = 1;
    let expected: number | undefined;
    let empty = true;
    let uneven: RecordDiagnosis['uneven'];
    const endRecord = () => {
      if (expected === undefined) expected = fields;
      else if (uneven === undefined && fields !== expected && !empty) uneven = { line: recordLine, expected, found: fields };
    };
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      for (let i = 0; i < n; i++) {
        const b = buffer[i]!;
        if (b === 0x22) {
          quoted = !quoted;
          if (quoted) openedAt = line;
        } else if (b === separator && !quoted) fields++;
        else if (b === 0x0a) {
          line++;
          if (quoted) continue;
          endRecord();
          recordLine = line;
          fields = 1;
          empty = true;
          continue;
        }
        if (b !== 0x0d) empty = false;
      }
    }
    if (quoted) return { unclosedQuoteLine: openedAt };
    if (!empty) endRecord();
    return { uneven };
  } finally {
    closeSync(fd);
  }
}

/** The file's first CSV record (UTF-8, BOM dropped), or undefined if it does not end within 32 MB. */
export function readFirstRecord(path: string, delimiter = ','): string[] | undefined {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let quoted = false;
    let total = 0;
    for (let n; total < MAX_RECORD_BYTES; ) {
      const buffer = Buffer.alloc(1 << 16);
      n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      let end = -1;
      for (let i = 0; i < n; i++) {
        if (buffer[i] === 0x22) quoted = !quoted;
        else if (buffer[i] === 0x0a && !quoted) {
          end = i;
          break;
        }
      }
      chunks.push(buffer.subarray(0, end === -1 ? n : end));
      total += n;
      if (end !== -1) return parseRecord(Buffer.concat(chunks).toString('utf8'), delimiter);
    }
    return quoted || total >= MAX_RECORD_BYTES ? undefined : parseRecord(Buffer.concat(chunks).toString('utf8'), delimiter);
  } finally {
    closeSync(fd);
  }
}

function parseRecord(text: string, delimiter: string): string[] {
  const line = text.replace(/^\uFEFF/, '').replace(/\r$/, '');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** The first line (1-based) ending with CR CR LF in the file's first megabyte, if any. */
function doubledCarriageReturnLine(path: string): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const at = buffer.subarray(0, read).indexOf('\r\r\n');
    if (at < 0) return undefined;
    let line = 1;
    for (let i = buffer.indexOf(10); i >= 0 && i < at; i = buffer.indexOf(10, i + 1)) line++;
    return line;
  } finally {
    closeSync(fd);
  }
}
