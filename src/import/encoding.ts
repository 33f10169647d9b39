import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ImportError } from '../errors.js';
import { throwIfAborted } from '../interrupt.js';
import { buildCp932Tables, cp932ToUtf8, type Cp932Tables } from './cp932.js';

export type Encoding = 'utf-8' | 'cp932';
export type EncodingOption = 'auto' | Encoding;

const SAMPLE_BYTES = 1 << 20;

/**
 * Guesses a file's encoding from its first megabyte: a UTF-8 BOM or valid UTF-8 means UTF-8,
 * anything else is taken as CP932 (Windows Shift_JIS), the encoding of Japanese EC exports.
 * A file whose sample is plain ASCII reads the same either way; if a later byte turns out not to
 * be UTF-8, the importer retries the file as CP932.
 */
export function detectEncoding(path: string): Encoding {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const length = readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    if (looksLikeUtf8(buffer.subarray(0, length), length === SAMPLE_BYTES)) return 'utf-8';
    refuseMixedEncodings(path, buffer.subarray(0, length), length === SAMPLE_BYTES);
    return 'cp932';
  } finally {
    closeSync(fd);
  }
}

/**
 * A file whose lines are partly UTF-8 (with non-ASCII text) and partly not was put together
 * from two sources (e.g. a UTF-8 file appended to a CP932 one): read as either encoding, some
 * names would turn to mojibake. It is refused; `--encoding` forces one reading.
 */
function refuseMixedEncodings(path: string, sample: Uint8Array, truncated: boolean): void {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let utf8Line: number | undefined;
  let otherLine: number | undefined;
  let start = 0;
  for (let line = 1; start < sample.length && (utf8Line === undefined || otherLine === undefined); line++) {
    let end = sample.indexOf(0x0a, start);
    if (end === -1) {
      if (truncated) break; // the sample's last line may be cut inside a character
      end = sample.length;
    }
    const bytes = sample.subarray(start, end);
    if (bytes.some((b) => b >= 0x80)) {
      try {
        strict.decode(bytes);
        utf8Line ??= line;
      } catch {
        otherLine ??= line;
      }
    }
    start = end + 1;
  }
  if (utf8Line !== undefined && otherLine !== undefined) {
    throw new ImportError('encoding-mixed', path, Math.max(utf8Line, otherLine), undefined,
      `mixed encodings: line ${utf8Line} is UTF-8 but line ${otherLine} is not (Shift_JIS?); save the file in one encoding, or force one reading with --encoding`);
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
 * Writes a UTF-8 copy of a CP932 file at `target`, reporting bytes read. The file is cut into
 * chunks at line ends (0x0A is never part of a CP932 character) and decoded (cp932.ts) by one
 * worker per core while this thread reads and writes in order.
 */
export async function transcodeToUtf8(source: string, target: string, onBytes?: (bytesRead: number) => void, signal?: AbortSignal): Promise<void> {
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
      while (inFlight.length > (read === 0 ? 0 : workers.length * 2)) writeAll(output, await inFlight.shift()!);
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
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
}
