import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAscii, isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { ImportError } from '../errors.js';
import { throwIfAborted } from '../interrupt.js';
import { buildCp932Tables, cp932ToUtf8, type Cp932Tables } from './cp932.js';

export type Encoding = 'utf-8' | 'cp932';
export type EncodingOption = 'auto' | Encoding;

const BLOCK = 4 << 20;

/**
 * Refuses a UTF-16 file (Excel's "Unicode text" save, tab-separated, starting with the byte-order
 * mark FF FE or FE FF) before anything reads it as UTF-8 or CP932: read so, every other byte is a
 * NUL and the header comes out garbled, far from the cause.
 */
export function refuseUtf16(path: string, shown = path): void {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(2);
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new ImportError('csv-encoding', shown, undefined, undefined,
      'the file is UTF-16 (as Excel saves "Unicode text"): save it as "CSV UTF-8" (or CSV in Shift_JIS) and import that file');
  }
}

/**
 * Decides a file's encoding from the whole file, never from a sample: valid UTF-8 throughout
 * (with or without a BOM) is UTF-8; a file that is not UTF-8 anywhere it has non-ASCII text is
 * CP932 (Windows Shift_JIS), the encoding of Japanese EC exports. A file in which some lines are
 * UTF-8 and others are not is refused, naming the line, rather than read one way and turned to
 * mojibake: a UTF-8 file with one bad byte deep inside, or two files joined end to end. So is a
 * file starting with a UTF-8 byte-order mark that holds a line that is not UTF-8.
 * A valid UTF-8 line whose only non-ASCII bytes are CP932's half-width katakana (0xA1-0xDF) is
 * a weak sign: such pairs read both ways (ﾅｵ, C5 B5, is UTF-8's ŵ; £, C2 A3, is CP932's ﾂ｣), and
 * a share of the katakana lines of a CP932 file is valid UTF-8 by chance. So in a file that is
 * not UTF-8 throughout, such lines decide nothing unless they outnumber the lines that are not
 * UTF-8 (a UTF-8 file of £ prices with one broken byte is mixed, a CP932 file of katakana names is
 * CP932). A file valid throughout is UTF-8, such lines and all (its only doubtful case, a CP932
 * file whose every katakana run pairs up, takes --encoding cp932).
 * Reads the file block by block, cut at line ends (0x0A is never part of a UTF-8 or CP932
 * character): Node's native UTF-8 check runs at memory speed on the UTF-8 files that are the
 * bulk of the data; only blocks that fail are checked line by line.
 */
export function detectEncoding(path: string): Encoding {
  const fd = openSync(path, 'r');
  let utf8At: number | undefined; // byte offset of the first line that is UTF-8 with non-ASCII text
  let otherAt: number | undefined; // byte offset of the first line that is not UTF-8
  // Valid UTF-8 lines of half-width katakana bytes only (the first, how many), and lines that are
  // not UTF-8: counted only until utf8At is found, as a line of it settles the file.
  let kanaAt: number | undefined;
  let kanaLines = 0;
  let otherLines = 0;
  let bom = false;
  try {
    // One buffer, reused: a fresh 4 MB buffer per block cost the kernel 2.2 s of page faults for a
    // 2.4 GB file (the reading itself 0.45 s). It grows only for a line longer than a block.
    let buffer = Buffer.allocUnsafe(2 * BLOCK);
    let carried = 0; // the start of a line the last block cut, at buffer[0..carried)
    let position = 0;
    for (;;) {
      if (buffer.length < carried + BLOCK) {
        const grown = Buffer.allocUnsafe(2 * (carried + BLOCK));
        buffer.copy(grown, 0, 0, carried);
        buffer = grown;
      }
      const read = readSync(fd, buffer, carried, BLOCK, position);
      const start = position - carried; // file offset of buffer[0]
      position += read;
      const filled = carried + read;
      if (start === 0) bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
      const cut = read === 0 ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      const block = buffer.subarray(0, cut);
      const valid = isUtf8(block);
      if (!valid || (utf8At === undefined && !isAscii(block))) {
        // Line by line only where the block is not UTF-8, or until the first UTF-8 line of
        // non-ASCII text: usually the block's first such line, which settles it.
        for (let from = valid ? firstNonAsciiLine(block) : 0; from < block.length && (otherAt === undefined || utf8At === undefined); ) {
          let to = block.indexOf(0x0a, from);
          if (to === -1) to = block.length;
          const line = block.subarray(from, to);
          if (!valid && !isUtf8(line)) {
            otherAt ??= start + from;
            otherLines++;
          } else if (utf8At === undefined && !isAscii(line)) {
            if (!halfWidthKanaOnly(line)) utf8At = start + from;
            else {
              kanaAt ??= start + from;
              kanaLines++;
            }
          }
          if (valid && utf8At !== undefined) break;
          from = to + 1;
        }
      }
      if (otherAt !== undefined && (utf8At !== undefined || bom)) break;
      if (read === 0) break;
      buffer.copyWithin(0, cut, filled);
      carried = filled - cut;
    }
  } finally {
    closeSync(fd);
  }
  if (otherAt === undefined) return 'utf-8';
  if (bom) {
    const line = lineAt(path, otherAt);
    throw new ImportError('encoding-mixed', path, line, undefined,
      `line ${line} is not UTF-8, though the file starts with a UTF-8 byte-order mark; fix that line (nothing was read as another encoding)`);
  }
  if (utf8At === undefined && kanaLines > otherLines) utf8At = kanaAt;
  if (utf8At === undefined) return 'cp932';
  const [utf8Line, otherLine] = [lineAt(path, utf8At), lineAt(path, otherAt)];
  throw new ImportError('encoding-mixed', path, Math.max(utf8Line, otherLine), undefined,
    `mixed encodings: line ${utf8Line} is UTF-8 but line ${otherLine} is not (Shift_JIS, or a broken byte?); save the file in one encoding, or force one reading with --encoding (nothing is re-read or replaced silently)`);
}

/** Bytes of a file's start read to decide whether DuckDB may read it as UTF-8 before detectEncoding. */
export const UTF8_SAMPLE_BYTES = BLOCK;

/**
 * The encoding to read a file in first. A file whose first UTF8_SAMPLE_BYTES (whole lines) are
 * UTF-8 is read as UTF-8 straight away, `whole: false`: DuckDB's reader refuses any byte sequence
 * that is not UTF-8 anywhere in a file (header, unused columns, quoted line breaks: checked), so a
 * file it reads through is UTF-8 throughout, which is what detectEncoding would have found after
 * reading the whole file once more (at 1x, 1.27 s for the 2.4 GB order lines). Should DuckDB refuse
 * it, the caller asks detectEncoding, which names the lines of a mixed file or says CP932. Any
 * other file (smaller than the sample, or not UTF-8 in it) is decided by detectEncoding now.
 */
export function encodingToTry(path: string): { encoding: Encoding; whole: boolean } {
  const fd = openSync(path, 'r');
  let sample: Buffer;
  let whole: boolean;
  try {
    const buffer = Buffer.allocUnsafe(UTF8_SAMPLE_BYTES + 1);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    whole = read <= UTF8_SAMPLE_BYTES;
    sample = buffer.subarray(0, whole ? read : buffer.lastIndexOf(0x0a, UTF8_SAMPLE_BYTES - 1) + 1);
  } finally {
    closeSync(fd);
  }
  if (whole || sample.length === 0 || !isUtf8(sample)) return { encoding: detectEncoding(path), whole: true };
  return { encoding: 'utf-8', whole: false };
}

/**
 * Whether every non-ASCII byte of `bytes` is one of CP932's half-width katakana (0xA1-0xDF): read
 * as UTF-8, such bytes can only form two-byte characters (up to U+07FF: é, £ among them), so a
 * line of them that is valid UTF-8 may as well be CP932 katakana (see detectEncoding).
 */
function halfWidthKanaOnly(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80 && (b < 0xa1 || b > 0xdf)) return false;
  return true;
}

/** Offset, within a block of whole lines, of the first line holding a byte over 0x7F. */
function firstNonAsciiLine(block: Buffer): number {
  const at = block.findIndex((b) => b >= 0x80);
  return at <= 0 ? 0 : block.lastIndexOf(0x0a, at) + 1;
}

/** The 1-based physical line holding byte `offset` (error path only). */
function lineAt(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(BLOCK);
    let line = 1;
    for (let position = 0; position < offset; ) {
      const read = readSync(fd, buffer, 0, Math.min(BLOCK, offset - position), position);
      if (read === 0) break;
      for (let i = buffer.indexOf(0x0a, 0); i !== -1 && i < read; i = buffer.indexOf(0x0a, i + 1)) line++;
      position += read;
    }
    return line;
  } finally {
    closeSync(fd);
  }
}

export function looksLikeUtf8(bytes: Uint8Array, truncated: boolean): boolean {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return true;
  try {
    // `stream: true` tolerates a multi-byte character cut by the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

// The worker runs cp932ToUtf8's own source (a worker file would not exist when the TypeScript
// sources run under the test runner); the tables are built once here and copied to each worker.
// Each worker decodes into one buffer it keeps and sends back an exact-size copy: a fresh
// three-times-larger buffer per chunk would leave hundreds of megabytes for the collector.
const DECODER_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const cp932ToUtf8 = ${cp932ToUtf8.toString()};
  let scratch = new Uint8Array(0);
  parentPort.on('message', ({ id, bytes, length }) => {
    if (scratch.length < length * 3) scratch = new Uint8Array(length * 3);
    const utf8 = cp932ToUtf8(bytes.subarray(0, length), workerData, scratch).slice();
    parentPort.postMessage({ id, utf8 }, [utf8.buffer]);
  });`;

let tables: Cp932Tables | undefined;

const CHUNK = 4 << 20;

/**
 * Writes a UTF-8 copy of a CP932 file at `target`, reporting bytes read, and says how many
 * characters could not be decoded. The file is cut into
 * chunks at line ends (0x0A is never part of a CP932 character) and decoded (cp932.ts) by one
 * worker per core while this thread reads and writes in order.
 */
export async function transcodeToUtf8(source: string, target: string, onBytes?: (bytesRead: number) => void, signal?: AbortSignal): Promise<TranscodeResult> {
  tables ??= buildCp932Tables();
  const workerData = tables;
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (utf8: Uint8Array) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  // A worker that ends on its own (out of memory) would leave its chunks waiting forever.
  const onExit = (code: number) => failAll(new Error(`a CP932 decoder thread stopped (exit code ${code})`));
  let input: number | undefined;
  let output: number | undefined;
  let undecodable = 0;
  const write = (utf8: Uint8Array) => {
    undecodable += countReplacements(utf8);
    writeAll(output!, utf8);
  };
  // Everything from the first worker on is inside the try: whatever fails (the target's folder
  // removed, a full disk, a worker's crash), the files are closed and every worker is stopped;
  // a worker left running would keep the process alive after the command has failed.
  try {
    for (let i = 0; i < Math.max(1, Math.min(4, availableParallelism())); i++) {
      const worker = new Worker(DECODER_WORKER, { eval: true, workerData });
      workers.push(worker);
      worker.on('message', ({ id, utf8 }: { id: number; utf8: Uint8Array }) => {
        pending.get(id)?.resolve(utf8);
        pending.delete(id);
      });
      worker.on('error', failAll);
      worker.on('exit', onExit);
    }
    // The chunk's memory moves to the worker (transferred, not copied); its first `length` bytes are decoded.
    const decode = (id: number, bytes: Uint8Array, length: number) => {
      const decoded = new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, bytes, length }, [bytes.buffer as ArrayBuffer]);
      });
      // A worker's failure rejects every chunk in flight; the first awaited one reports it, and the
      // others must not end the process as unhandled rejections.
      decoded.catch(() => undefined);
      return decoded;
    };
    input = openSync(source, 'r');
    output = openSync(target, 'w');
    const inFlight: Promise<Uint8Array>[] = [];
    let carry = new Uint8Array(0);
    let position = 0;
    for (let id = 0; ; id++) {
      throwIfAborted(signal);
      const buffer = new Uint8Array(carry.length + CHUNK);
      buffer.set(carry);
      const read = readSync(input, buffer, carry.length, CHUNK, position);
      position += read;
      onBytes?.(position);
      const filled = carry.length + read;
      // At the end of the file the rest goes whole; before it, up to the last line end.
      const cut = read === 0 ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      carry = buffer.slice(cut, filled);
      if (cut > 0) inFlight.push(decode(id, buffer, cut));
      while (inFlight.length > (read === 0 ? 0 : workers.length * 2)) write(await inFlight.shift()!);
      if (read === 0) break;
    }
  } finally {
    for (const fd of [input, output]) {
      if (fd === undefined) continue;
      try {
        closeSync(fd);
      } catch {
        // closing is best effort here: the error that brought us here is the one reported
      }
    }
    for (const worker of workers) worker.off('exit', onExit);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { undecodable };
}

export interface TranscodeResult {
  /**
   * Characters written as U+FFFD because their bytes are not CP932 (U+FFFD itself is not a CP932
   * character, so every one in the copy stands for such bytes). The loader refuses their rows.
   */
  readonly undecodable: number;
}

const REPLACEMENT_UTF8 = Buffer.from('\uFFFD', 'utf8');

function countReplacements(utf8: Uint8Array): number {
  const bytes = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
  let n = 0;
  for (let at = bytes.indexOf(REPLACEMENT_UTF8); at !== -1; at = bytes.indexOf(REPLACEMENT_UTF8, at + 3)) n++;
  return n;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
}
