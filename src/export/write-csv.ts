import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type { Logger } from '../logger.js';
import type { Engine } from '../engine/engine.js';
import type { AtomicFile } from './atomic-file.js';
import type { ExportWriter } from './writer.js';
import { exportSelect } from './select.js';

import type { CsvEncoding } from './formats.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * CSV through DuckDB's own writer (RFC 4180 quoting, CRLF line ends, multi-threaded), then, for
 * a BOM or CP932, one streaming pass that prefixes or re-encodes it.
 */
export function csvWriter(encoding: CsvEncoding): ExportWriter {
  return async ({ db, dialect, file, columns, headers, signal, progress, logger }) => {
    const utf8Path = encoding === 'utf-8' ? file.tempPath : file.sidePath('utf8');
    await db.copyToFile(exportSelect(dialect, columns, headers, 'text'), utf8Path, 'csv', signal, progress);
    if (encoding === 'utf-8-bom') await rewrite(utf8Path, file, [], signal, BOM);
    if (encoding === 'cp932') await rewrite(utf8Path, file, [cp932Encoder(file.target, logger)], signal);
  };
}

async function rewrite(from: string, file: AtomicFile, transforms: Transform[], signal: AbortSignal | undefined, prefix?: Buffer): Promise<void> {
  const out = createWriteStream(file.tempPath);
  if (prefix) out.write(prefix);
  await pipeline([createReadStream(from, { highWaterMark: 1 << 20 }), ...transforms, out], { signal });
}

/**
 * UTF-8 → CP932. A character CP932 cannot hold (emoji, some rare kanji) becomes "?", as in every
 * Japanese Excel export; how many there were is logged.
 */
function cp932Encoder(target: string, log: Logger): Transform {
  const decoder = new TextDecoder('utf-8');
  let unmappable = 0;
  const encode = (text: string): Buffer => {
    const bytes = iconv.encode(text, 'cp932');
    unmappable += countOf(bytes, 0x3f) - countOf(text, '?');
    return bytes;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, encode(decoder.decode(chunk, { stream: true })));
    },
    flush(done) {
      const rest = encode(decoder.decode());
      if (unmappable > 0) log.warn({ file: target, characters: unmappable }, 'characters CP932 cannot hold were written as "?"');
      done(null, rest);
    },
  });
}

function countOf(haystack: Buffer | string, needle: number | string): number {
  let n = 0;
  if (typeof haystack === 'string') {
    for (let i = haystack.indexOf(needle as string); i !== -1; i = haystack.indexOf(needle as string, i + 1)) n++;
  } else {
    for (let i = haystack.indexOf(needle as number); i !== -1; i = haystack.indexOf(needle as number, i + 1)) n++;
  }
  return n;
}
