import { closeSync, openSync, readSync } from 'node:fs';
import { ImportError } from '../errors.js';
import type { Encoding } from './encoding.js';

/**
 * What the lines of a file say about its encoding, gathered block by block (blocks of whole lines,
 * in file order or not) and decided once the whole file is read (decideEncoding). Offsets are
 * bytes from the file's start.
 */
export interface EncodingFacts {
  /** the file starts with a UTF-8 byte-order mark */
  bom: boolean;
  /** the first line that is not UTF-8 */
  otherAt?: number;
  otherLines: number;
  /** the first line that is UTF-8 with non-ASCII text other than half-width katakana bytes */
  utf8At?: number;
  /** valid UTF-8 lines whose only non-ASCII bytes are CP932's half-width katakana (0xA1-0xDF) */
  kanaAt?: number;
  kanaLines: number;
}

export const noFacts = (): EncodingFacts => ({ bom: false, otherLines: 0, kanaLines: 0 });

/** Node's native checks, passed in: the decoding workers run addBlockFacts' own source text. */
export interface Utf8Checks {
  readonly isUtf8: (bytes: Uint8Array) => boolean;
  readonly isAscii: (bytes: Uint8Array) => boolean;
}

/**
 * Adds what the lines of `block` (whole lines, starting at file offset `start`) say to `facts`.
 * A valid block is looked at line by line only until its first UTF-8 line of non-ASCII text; a
 * block that is not UTF-8 until both kinds of line are found. The counts are complete whenever
 * they decide anything: only while no UTF-8 line is found (see decideEncoding). Self-contained,
 * without references outside its body: the decoding workers run its source text.
 */
export function addBlockFacts(block: Uint8Array, start: number, facts: EncodingFacts, checks: Utf8Checks): void {
  const { isUtf8, isAscii } = checks;
  const valid = isUtf8(block);
  if (valid && (facts.utf8At !== undefined || isAscii(block))) return;
  const kanaOnly = (line: Uint8Array) => {
    for (const b of line) if (b >= 0x80 && (b < 0xa1 || b > 0xdf)) return false;
    return true;
  };
  // A valid block is looked at from its first line holding a byte over 0x7F.
  let from = 0;
  if (valid) {
    const high = block.findIndex((b) => b >= 0x80);
    from = high <= 0 ? 0 : block.lastIndexOf(0x0a, high) + 1;
  }
  while (from < block.length && (facts.otherAt === undefined || facts.utf8At === undefined)) {
    let to = block.indexOf(0x0a, from);
    if (to === -1) to = block.length;
    const line = block.subarray(from, to);
    if (!valid && !isUtf8(line)) {
      facts.otherAt ??= start + from;
      facts.otherLines++;
    } else if (facts.utf8At === undefined && !isAscii(line)) {
      if (!kanaOnly(line)) facts.utf8At = start + from;
      else {
        facts.kanaAt ??= start + from;
        facts.kanaLines++;
      }
    }
    if (valid && facts.utf8At !== undefined) break;
    from = to + 1;
  }
}

/** The facts of a file from those of its blocks, given in file order. */
export function mergeFacts(blocks: readonly EncodingFacts[], bom: boolean): EncodingFacts {
  const merged = noFacts();
  merged.bom = bom;
  for (const f of blocks) {
    merged.otherAt ??= f.otherAt;
    merged.utf8At ??= f.utf8At;
    merged.kanaAt ??= f.kanaAt;
    merged.otherLines += f.otherLines;
    merged.kanaLines += f.kanaLines;
  }
  return merged;
}

/**
 * The encoding the facts of the whole file `path` give (the rule is detectEncoding's, in
 * encoding.ts), or the refusal of a mixed file naming its lines.
 */
export function decideEncoding(path: string, facts: EncodingFacts): Encoding {
  const { otherAt, bom, kanaLines, otherLines, kanaAt } = facts;
  if (otherAt === undefined) return 'utf-8';
  if (bom) {
    const line = lineAt(path, otherAt);
    throw new ImportError('encoding-mixed', path, line, undefined,
      `line ${line} is not UTF-8, though the file starts with a UTF-8 byte-order mark; fix that line (nothing was read as another encoding)`);
  }
  const utf8At = facts.utf8At ?? (kanaLines > otherLines ? kanaAt : undefined);
  if (utf8At === undefined) return 'cp932';
  const [utf8Line, otherLine] = [lineAt(path, utf8At), lineAt(path, otherAt)];
  throw new ImportError('encoding-mixed', path, Math.max(utf8Line, otherLine), undefined,
    `mixed encodings: line ${utf8Line} is UTF-8 but line ${otherLine} is not (Shift_JIS, or a broken byte?); save the file in one encoding, or force one reading with --encoding (nothing is re-read or replaced silently)`);
}

const LINE_BLOCK = 4 << 20;

/** The 1-based physical line holding byte `offset` (error path only). */
function lineAt(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(LINE_BLOCK);
    let line = 1;
    for (let position = 0; position < offset; ) {
      const read = readSync(fd, buffer, 0, Math.min(LINE_BLOCK, offset - position), position);
      if (read === 0) break;
      for (let i = buffer.indexOf(0x0a, 0); i !== -1 && i < read; i = buffer.indexOf(0x0a, i + 1)) line++;
      position += read;
    }
    return line;
  } finally {
    closeSync(fd);
  }
}
