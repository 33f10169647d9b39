import { closeSync, openSync, readSync } from 'node:fs';

/** Lines longer than this are refused by DuckDB's reader (stage.ts max_line_size). */
export const MAX_RECORD_BYTES = 32 << 20;

export type LineEnd = 'CRLF' | 'LF';

/**
 * The first line of a file that DuckDB refuses while blaming something else: its sniffer gives up
 * on a small file ("Error when sniffing", whose hints mention the maximum line size), its parser
 * on a large one ("state machine reached an invalid state"), or the reader runs on past the line
 * and says the maximum line size was exceeded.
 */
export type LineFault =
  /** a line ends differently from the file's first line (files joined together) */
  | { readonly kind: 'line-end-changes'; readonly line: number; readonly ending: LineEnd; readonly before: LineEnd }
  /** a quoted field is closed and more text follows before the delimiter: `"ab"c` */
  | { readonly kind: 'text-after-quote'; readonly line: number; readonly field: number }
  /** a record longer than the reader's limit, from the physical line where it starts */
  | { readonly kind: 'long-line'; readonly line: number };

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;

// Where the scan is within a field. DuckDB 1.5 (strict_mode, quote = escape = '"') reads a quote
// inside an unquoted field (a"b) as text, skips spaces before an opening quote and after a closing
// one, and refuses anything else after a closing quote, a tab included: so only that is a fault.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: closes it, or is the first of ""
const AFTER_CLOSING = 4;

/**
 * Streams the file (1 MB at a time) and stops at the first fault, so a fault early in a large
 * file costs little; a file without one is read once to its end. Lines are physical lines, the
 * header line 1, as `diagnoseRecords` counts them; line ends inside quoted fields (a cell's line
 * breaks, LF alone in a CRLF file as Excel writes them) are text, not line ends. `"`, `,`, CR and
 * LF never occur inside a multi-byte UTF-8 or CP932 character. Only runs when an import has
 * already failed.
 */
export function firstLineFault(path: string, delimiter = ','): LineFault | undefined {
  const separator = delimiter.charCodeAt(0);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let state = FIELD_START;
    let line = 1;
    let field = 1;
    let recordLine = 1;
    let recordStart = 0;
    let offset = 0;
    let previous = -1;
    let firstEnding: LineEnd | undefined;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; offset += n) {
      for (let i = 0; i < n; previous = buffer[i]!, i++) {
        const b = buffer[i]!;
        if (b === LF && state !== QUOTED) {
          const ending: LineEnd = previous === CR ? 'CRLF' : 'LF';
          firstEnding ??= ending;
          if (ending !== firstEnding) return { kind: 'line-end-changes', line, ending, before: firstEnding };
          if (offset + i + 1 - recordStart > MAX_RECORD_BYTES) return { kind: 'long-line', line: recordLine };
          line++;
          recordLine = line;
          recordStart = offset + i + 1;
          field = 1;
          state = FIELD_START;
        } else if (b === LF) line++;
        else if (state === QUOTED) {
          if (b === QUOTE) state = QUOTE_IN_QUOTED;
        } else if (b === separator) {
          field++;
          state = FIELD_START;
        } else if (state === FIELD_START) {
          if (b === QUOTE) state = QUOTED;
          else if (b !== SPACE) state = UNQUOTED;
        } else if (state === QUOTE_IN_QUOTED && b === QUOTE) state = QUOTED;
        else if (state === QUOTE_IN_QUOTED || state === AFTER_CLOSING) {
          // CR before the line's LF, or blanks, may follow a closing quote; nothing else may.
          if (b !== SPACE && b !== CR) return { kind: 'text-after-quote', line, field };
          state = AFTER_CLOSING;
        }
      }
    }
    // The last line need not end in a line end.
    if (offset - recordStart > MAX_RECORD_BYTES) return { kind: 'long-line', line: recordLine };
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The sentence saying what the fault is and how to mend the file. */
export function lineFaultReason(fault: LineFault): string {
  switch (fault.kind) {
    case 'line-end-changes':
      return `this line ends in ${fault.ending} where the lines before end in ${fault.before} (files joined together?): give every line the same ending`;
    case 'text-after-quote':
      return `field ${fault.field} has text after its closing quote (a stray " inside it?): ` +
        'a " inside a field must be doubled ("") and the whole field quoted';
    case 'long-line':
      return 'a line is longer than 32 MB';
  }
}
