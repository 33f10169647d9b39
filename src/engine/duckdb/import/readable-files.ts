import { copyFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from '../../../logger.js';
import { silentProgress, type ProgressReporter } from '../../../progress.js';
import type { DecodedCopies } from '../../../import/decoded-copies.js';
import { dropEofMark, endsWithEofMark } from '../../../import/eof-mark.js';
import { encodingToTry, transcodeToUtf8, type Encoding, type EncodingOption } from '../../../import/encoding.js';

/** A file at least this large shows progress while it is decoded or loaded. */
export const BIG_FILE = 16 << 20;

/** A user's file and the path DuckDB reads it from: the file itself, or its UTF-8 copy. */
export interface ReadableFile {
  readonly file: string;
  readonly path: string;
  readonly encoding: Encoding;
  /** bytes that are not CP932, each a U+FFFD in the copy (their rows are bad rows) */
  readonly undecodable: number;
}

/** What the attempts of one import command learn about its files, kept from one attempt to the next. */
export interface EncodingMemory {
  /** copies made by an earlier attempt, by `${encoding}:${file}` */
  readonly decoded: Map<string, { path: string; undecodable: number }>;
  /** encodings decided from a whole file */
  readonly decided: Map<string, Encoding>;
  /** files read as UTF-8 from their start only: DuckDB's reading proves the rest */
  readonly readAsUtf8: Set<string>;
}

interface ReadingOptions {
  readonly encoding?: EncodingOption;
  readonly signal?: AbortSignal;
  readonly log: Logger;
  readonly progress: ProgressReporter;
}

/**
 * Decodes CP932 files to UTF-8 copies first: DuckDB's reader only reads UTF-8 (and a UTF-8 file
 * ending with Ctrl-Z is read from a copy without it). A copy made by an earlier attempt of this
 * command (one that had to be staged) is used again if it was made for the same encoding.
 * The encoding is decided from the whole file: by DuckDB reading a file as UTF-8 through (one
 * whose start is UTF-8: encodingToTry), else by detectEncoding, or for a large file whose start is
 * not UTF-8 by the decoding workers as they make its copy. Nothing read in an encoding the
 * whole file does not have is kept, and bytes that are not CP932 are never replaced silently.
 */
export async function readableFiles(files: readonly string[], copies: DecodedCopies, memory: EncodingMemory, options: ReadingOptions): Promise<ReadableFile[]> {
  const { decoded, decided, readAsUtf8 } = memory;
  const { log, progress } = options;
  const readable: ReadableFile[] = [];
  // Files whose encoding their decoding decides (a large file whose start is not UTF-8).
  const decideWhileDecoding = new Set<string>();
  const toTry = (file: string): Encoding => {
    const { encoding, whole, decidedWhileDecoding, kanaLookAlike } = encodingToTry(file);
    // Said once a command: a later attempt (staged) asks again only of a file read as UTF-8 from its start.
    if (kanaLookAlike && !readAsUtf8.has(file)) {
      log.warn({ file }, `${file}: read as UTF-8, but its only characters beyond ASCII are also the bytes of CP932's half-width katakana (ﾏｲ reads as ϲ): if it comes from a Shift_JIS system, import it again with --encoding cp932`);
    }
    if (decidedWhileDecoding) decideWhileDecoding.add(file);
    else if (whole) decided.set(file, encoding);
    else readAsUtf8.add(file);
    return encoding;
  };
  for (const file of files) {
    const encoding: Encoding = options.encoding && options.encoding !== 'auto' ? options.encoding : decided.get(file) ?? toTry(file);
    const earlier = decoded.get(`${encoding}:${file}`);
    if (earlier) {
      readable.push({ file, path: earlier.path, encoding, undecodable: earlier.undecodable });
      continue;
    }
    const size = statSync(file).size;
    if (encoding === 'utf-8') {
      if (!endsWithEofMark(file)) {
        readable.push({ file, path: file, encoding, undecodable: 0 });
        continue;
      }
      const { copy } = await copies.write(file, readable.length, size, (to) => copyFileSync(file, to));
      dropEofMark(copy);
      log.info({ file }, 'the file ends with a Ctrl-Z (DOS end-of-file mark): read without it');
      decoded.set(`${encoding}:${file}`, { path: copy, undecodable: 0 });
      readable.push({ file, path: copy, encoding, undecodable: 0 });
      continue;
    }
    const bar = size > BIG_FILE ? progress(`decoding ${basename(file)}`) : silentProgress;
    let copy: string;
    let undecodable: number;
    const decide = decideWhileDecoding.has(file);
    let decodedAs: Encoding | undefined;
    try {
      ({ copy, result: { undecodable, encoding: decodedAs } } = await copies.write(file, readable.length, size,
        (to) => transcodeToUtf8(file, to, (n) => bar.update(n / size), options.signal, { decide })));
    } finally {
      bar.stop();
    }
    if (decide) {
      // A line of the sample is not UTF-8, so the file is CP932 or mixed (refused above).
      if (decodedAs !== 'cp932') throw new Error(`${file}: decided ${decodedAs} after its first lines were found not UTF-8`);
      decided.set(file, decodedAs);
    }
    if (endsWithEofMark(copy)) {
      dropEofMark(copy);
      log.info({ file }, 'the file ends with a Ctrl-Z (DOS end-of-file mark): read without it');
    }
    if (undecodable > 0) log.info({ file, undecodable }, 'bytes that are not CP932: their rows are bad rows');
    decoded.set(`${encoding}:${file}`, { path: copy, undecodable });
    readable.push({ file, path: copy, encoding, undecodable });
  }
  return readable;
}
