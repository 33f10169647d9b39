import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAscii, isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { ImportError } from '../errors.js';
import { throwIfAborted } from '../interrupt.js';
import { buildCp932Tables, cp932ToUtf8, type Cp932Tables } from './cp932.js';
import { addBlockFacts, decideEncoding, mergeFacts, noFacts, type EncodingFacts, type Utf8Checks } from './encoding-facts.js';

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
 * bulk of the data; only blocks that fail are checked line by line (encoding-facts.ts, which the
 * decoding workers also run on a large CP932 file as they decode it: transcodeToUtf8's `decide`).
 */
export function detectEncoding(path: string): Encoding {
  const fd = openSync(path, 'r');
  const facts = noFacts();
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
      if (start === 0) facts.bom = startsWithBom(buffer);
      const cut = read === 0 ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      addBlockFacts(buffer.subarray(0, cut), start, facts, UTF8_CHECKS);
      if (facts.otherAt !== undefined && (facts.utf8At !== undefined || facts.bom)) break;
      if (read === 0) break;
      buffer.copyWithin(0, cut, filled);
      carried = filled - cut;
    }
  } finally {
    closeSync(fd);
  }
  return decideEncoding(path, facts);
}

const UTF8_CHECKS: Utf8Checks = { isUtf8, isAscii };

const startsWithBom = (bytes: Uint8Array) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/** Bytes of a file's start read to decide whether DuckDB may read it as UTF-8 before detectEncoding. */
export const UTF8_SAMPLE_BYTES = BLOCK;

/**
 * The encoding to read a file in first. A file whose first UTF8_SAMPLE_BYTES (whole lines) are
 * UTF-8 is read as UTF-8 straight away, `whole: false`: DuckDB's reader refuses any byte sequence
 * that is not UTF-8 anywhere in a file (header, unused columns, quoted line breaks: checked), so a
 * file it reads through is UTF-8 throughout, which is what detectEncoding would have found after
 * reading the whole file once more (at 1x, 1.27 s for the 2.4 GB order lines). Should DuckDB refuse
 * it, the caller asks detectEncoding, which names the lines of a mixed file or says CP932. A file
 * smaller than the sample is decided by detectEncoding now; a larger one that is not UTF-8 in it, as
 * it is decoded (`decidedWhileDecoding`).
 */
export function encodingToTry(path: string): FirstReading {
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
  const lookAlike = (encoding: Encoding) => (encoding === 'utf-8' && halfWidthKanaLookAlike(sample) ? { kanaLookAlike: true as const } : {});
  if (whole || sample.length === 0) {
    const encoding = detectEncoding(path);
    return { encoding, whole: true, ...lookAlike(encoding) };
  }
  if (!isUtf8(sample)) return { encoding: 'cp932', whole: true, decidedWhileDecoding: true };
  return { encoding: 'utf-8', whole: false, ...lookAlike('utf-8') };
}

/**
 * Whether bytes read as UTF-8 may be CP932 after all: no BOM, and every byte above ASCII is one of
 * CP932's half-width katakana (0xA1-0xDF), which pair up as two-byte UTF-8 characters (ﾏｲ is the
 * bytes of ϲ). A file with a kanji anywhere in its start reads as CP932 or is refused; this one
 * reads as UTF-8 of Greek or Latin letters, which a Japanese shop's file seldom is.
 */
function halfWidthKanaLookAlike(bytes: Uint8Array): boolean {
  if (startsWithBom(bytes)) return false;
  let high = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte < 0x80) continue;
    if (byte < 0xa1 || byte > 0xdf) return false;
    high = true;
  }
  return high;
}

/** How encodingToTry says to read a file first. */
export interface FirstReading {
  readonly encoding: Encoding;
  /** decided from the whole file (false: read as UTF-8 from its start, for DuckDB to prove) */
  readonly whole: boolean;
  /**
   * A file larger than the sample, whose start is not UTF-8, is CP932 unless it is mixed: its copy
   * is decoded with `decide` (transcodeToUtf8), which reads the lines as detectEncoding would and
   * refuses a mixed file. At 1x the order lines in CP932 took 2.7-4.1 s to detect before the copy.
   */
  readonly decidedWhileDecoding?: true;
  /** read as UTF-8, though the sample's every byte beyond ASCII is a CP932 half-width katakana byte (halfWidthKanaLookAlike) */
  readonly kanaLookAlike?: true;
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
// With `start` (the chunk's file offset) it also gathers what the chunk's lines say about the
// file's encoding (encoding-facts.ts), by the same function detectEncoding runs.
const DECODER_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { isUtf8, isAscii } = require('node:buffer');
  const cp932ToUtf8 = ${cp932ToUtf8.toString()};
  const addBlockFacts = ${addBlockFacts.toString()};
  const noFacts = ${noFacts.toString()};
  let scratch = new Uint8Array(0);
  parentPort.on('message', ({ id, bytes, length, start }) => {
    const chunk = bytes.subarray(0, length);
    let facts;
    if (start !== undefined) {
      facts = noFacts();
      addBlockFacts(chunk, start, facts, { isUtf8, isAscii });
    }
    if (scratch.length < length * 3) scratch = new Uint8Array(length * 3);
    const utf8 = cp932ToUtf8(chunk, workerData, scratch).slice();
    parentPort.postMessage({ id, utf8, facts }, [utf8.buffer]);
  });`;

let tables: Cp932Tables | undefined;

const CHUNK = 4 << 20;

/**
 * Writes a UTF-8 copy of a CP932 file at `target`, reporting bytes read, and says how many
 * characters could not be decoded. The file is cut into
 * chunks at line ends (0x0A is never part of a CP932 character) and decoded (cp932.ts) by one
 * worker per core while this thread reads and writes in order. With `decide` the workers also read
 * the chunks' lines as detectEncoding does, and the result says the file's encoding: CP932, UTF-8
 * (the copy is then of no use), or the refusal of a mixed file (thrown, the copy left to the caller).
 */
export async function transcodeToUtf8(
  source: string, target: string, onBytes?: (bytesRead: number) => void, signal?: AbortSignal, options: { readonly decide?: boolean } = {},
): Promise<TranscodeResult> {
  tables ??= buildCp932Tables();
  const workerData = tables;
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (decoded: Decoded) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  // A worker that ends on its own (out of memory) would leave its chunks waiting forever.
  const onExit = (code: number) => failAll(new Error(`a CP932 decoder thread stopped (exit code ${code})`));
  let input: number | undefined;
  let output: number | undefined;
  let undecodable = 0;
  const chunkFacts: EncodingFacts[] = [];
  let bom = false;
  const write = ({ utf8, facts }: Decoded) => {
    undecodable += countReplacements(utf8);
    writeAll(output!, utf8);
    if (facts) chunkFacts.push(facts);
  };
  // Everything from the first worker on is inside the try: whatever fails (the target's folder
  // removed, a full disk, a worker's crash), the files are closed and every worker is stopped;
  // a worker left running would keep the process alive after the command has failed.
  try {
    for (let i = 0; i < Math.max(1, Math.min(4, availableParallelism())); i++) {
      const worker = new Worker(DECODER_WORKER, { eval: true, workerData });
      workers.push(worker);
      worker.on('message', ({ id, ...decoded }: { id: number } & Decoded) => {
        pending.get(id)?.resolve(decoded);
        pending.delete(id);
      });
      worker.on('error', failAll);
      worker.on('exit', onExit);
    }
    // The chunk's memory moves to the worker (transferred, not copied); its first `length` bytes
    // are decoded, and read for their encoding when `start` (their file offset) is given.
    const decode = (id: number, bytes: Uint8Array, length: number, start: number | undefined) => {
      const decoded = new Promise<Decoded>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, bytes, length, start }, [bytes.buffer as ArrayBuffer]);
      });
      // A worker's failure rejects every chunk in flight; the first awaited one reports it, and the
      // others must not end the process as unhandled rejections.
      decoded.catch(() => undefined);
      return decoded;
    };
    input = openSync(source, 'r');
    output = openSync(target, 'w');
    const inFlight: Promise<Decoded>[] = [];
    let carry = new Uint8Array(0);
    let position = 0;
    for (let id = 0; ; id++) {
      throwIfAborted(signal);
      const buffer = new Uint8Array(carry.length + CHUNK);
      buffer.set(carry);
      const read = readSync(input, buffer, carry.length, CHUNK, position);
      const start = position - carry.length; // file offset of buffer[0]
      if (start === 0) bom = startsWithBom(buffer);
      position += read;
      onBytes?.(position);
      const filled = carry.length + read;
      // At the end of the file the rest goes whole; before it, up to the last line end.
      const cut = read === 0 ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      carry = buffer.slice(cut, filled);
      if (cut > 0) inFlight.push(decode(id, buffer, cut, options.decide ? start : undefined));
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
  if (!options.decide) return { undecodable };
  return { undecodable, encoding: decideEncoding(source, mergeFacts(chunkFacts, bom)) };
}

/** A chunk as a worker gives it back: its UTF-8, and what its lines say about the encoding when asked. */
interface Decoded {
  readonly utf8: Uint8Array;
  readonly facts?: EncodingFacts;
}

export interface TranscodeResult {
  /**
   * Characters written as U+FFFD because their bytes are not CP932 (U+FFFD itself is not a CP932
   * character, so every one in the copy stands for such bytes). The loader refuses their rows.
   */
  readonly undecodable: number;
  /** the file's encoding, decided from its lines (asked with `decide`) */
  readonly encoding?: Encoding;
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
