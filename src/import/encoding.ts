import { createReadStream, createWriteStream, openSync, readSync, closeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ImportError } from '../errors.js';

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

const DECODER_WORKER = `
  const { parentPort } = require('node:worker_threads');
  const decoder = new TextDecoder('shift_jis');
  parentPort.on('message', ({ id, bytes }) => {
    const utf8 = Buffer.from(decoder.decode(bytes), 'utf8');
    parentPort.postMessage({ id, utf8 }, [utf8.buffer]);
  });`;

const CHUNK = 8 << 20;

/**
 * Streams a CP932 file into a UTF-8 copy at `target`, reporting bytes read. The file is cut into
 * chunks at line ends (0x0A is never part of a CP932 character) and decoded by one worker per
 * core while this thread reads and writes in order. Node's TextDecoder "shift_jis" is the WHATWG
 * Shift_JIS decoder, which is Windows' CP932 (NEC and IBM extensions included).
 */
export async function transcodeToUtf8(source: string, target: string, onBytes?: (bytesRead: number) => void): Promise<void> {
  const workers = Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, () => new Worker(DECODER_WORKER, { eval: true }));
  const pending = new Map<number, { resolve: (utf8: Uint8Array) => void; reject: (e: Error) => void }>();
  for (const worker of workers) {
    worker.on('message', ({ id, utf8 }: { id: number; utf8: Uint8Array }) => {
      pending.get(id)?.resolve(utf8);
      pending.delete(id);
    });
    worker.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const decode = (id: number, bytes: Buffer) =>
    new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      workers[id % workers.length]!.postMessage({ id, bytes });
    });
  const out = createWriteStream(target);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const write = async (bytes: Uint8Array) => {
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  try {
    const inFlight: Promise<Uint8Array>[] = [];
    let carry = Buffer.alloc(0);
    let read = 0;
    let id = 0;
    for await (const chunk of createReadStream(source, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
      read += chunk.length;
      onBytes?.(read);
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = data.lastIndexOf(0x0a) + 1;
      carry = Buffer.from(data.subarray(cut));
      if (cut > 0) inFlight.push(decode(id++, data.subarray(0, cut)));
      while (inFlight.length > workers.length * 2) await write(await inFlight.shift()!);
    }
    if (carry.length > 0) inFlight.push(decode(id++, carry));
    for (const next of inFlight) await write(await next);
    out.end();
    await finished;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
