import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type { AtomicFile } from './atomic-file.js';
import { MAX_ROWS_LISTED, type ExportWriter, type LostCharacter, type WriteReport } from './writer.js';
import { exportSelect } from './select.js';

import type { CsvEncoding } from './formats.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * CSV through the engine's own writer (RFC 4180 quoting, CRLF line ends, multi-threaded), then, for
 * a BOM or CP932, one streaming pass that prefixes or re-encodes it.
 */
export function csvWriter(encoding: CsvEncoding): ExportWriter {
  return async ({ db, dialect, file, columns, headers, query, cells, signal, progress, logger }) => {
    const utf8Path = encoding === 'utf-8' ? file.tempPath : file.sidePath('utf8');
    await db.copyToFile(exportSelect(dialect, columns, headers, 'text', query, cells), utf8Path, 'csv', signal, progress);
    if (encoding === 'utf-8-bom') await rewrite(utf8Path, file, [], signal, BOM);
    if (encoding !== 'cp932') return {};
    const cp932 = new Cp932Csv();
    await rewrite(utf8Path, file, [cp932Transform(cp932)], signal);
    const report = cp932.report();
    const lost = (report.lostCharacters ?? []).reduce((n, c) => n + c.count, 0);
    if (lost > 0) logger.warn({ file: file.target, characters: lost, lostCharacters: report.lostCharacters }, 'characters CP932 cannot hold were written as "?"');
    return report;
  };
}

async function rewrite(from: string, file: AtomicFile, transforms: Transform[], signal: AbortSignal | undefined, prefix?: Buffer): Promise<void> {
  const out = createWriteStream(file.tempPath);
  if (prefix) out.write(prefix);
  await pipeline([createReadStream(from, { highWaterMark: 1 << 20 }), ...transforms, out], { signal });
}

function cp932Transform(cp932: Cp932Csv): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, cp932.encode(chunk));
    },
    flush(done) {
      done(null, cp932.encode(undefined));
    },
  });
}

/**
 * Characters CP932 lacks that Windows writes as their CP932 look-alike (WideCharToMultiByte's best
 * fit), as Japanese Excel and most shop systems do, instead of "?".
 */
export const CP932_LOOK_ALIKES: Readonly<Record<string, string>> = {
  '\u301C': '\uFF5E', // 〜 wave dash → ～ fullwidth tilde
  '\u2212': '\uFF0D', // − minus sign → － fullwidth hyphen-minus
  '\u2016': '\u2225', // ‖ double vertical line → ∥ parallel to
  '\u00A2': '\uFFE0', // ¢ → ￠
  '\u00A3': '\uFFE1', // £ → ￡
  '\u00AC': '\uFFE2', // ¬ → ￢
  '\u2014': '\u2015', // — em dash → ― horizontal bar
  '\u00A6': '\uFFE4', // ¦ → ￤
  // CP932's 0x5C and 0x7E are the backslash and the tilde (Japanese fonts of today draw them so):
  // written there, ¥ and ‾ would read back as \ and ~. Their full-width forms keep them.
  '\u00A5': '\uFFE5', // ¥ yen sign → ￥
  '\u203E': '\uFFE3', // ‾ overline → ￣
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(CP932_LOOK_ALIKES).join('')}]`, 'g');

const codePointOf = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * UTF-8 CSV → CP932, chunk by chunk. Look-alikes are mapped as Windows maps them; a character
 * CP932 still cannot hold (emoji, some rare kanji) becomes "?", as in every Japanese Excel export,
 * and is reported with the rows it was in (the header is row 1; a quoted line break does not
 * start a row).
 */
export class Cp932Csv {
  private readonly decoder = new TextDecoder('utf-8');
  private inQuotes = false;
  private row = 1;
  private lookAlikes = 0;
  private readonly lost = new Map<string, { count: number; rows: number[] }>();
  private readonly encodable = new Map<string, boolean>();

  /** The next chunk of UTF-8 as CP932; `undefined` ends the input. */
  encode(chunk: Buffer | undefined): Buffer {
    const text = chunk === undefined ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
    const mapped = text.replace(LOOK_ALIKE, (ch) => (this.lookAlikes++, CP932_LOOK_ALIKES[ch]!));
    const bytes = iconv.encode(mapped, 'cp932');
    // "?" (0x3F) is never the second byte of a CP932 character: more of them than the text had were lost characters.
    if (countOf(bytes, 0x3f) > countOf(mapped, '?')) this.findLost(mapped);
    else this.countRows(mapped);
    return bytes;
  }

  report(): WriteReport {
    const lostCharacters: LostCharacter[] = [...this.lost].map(([character, { count, rows }]) => ({ character, codePoint: codePointOf(character), count, rows }));
    return { cp932LookAlikes: this.lookAlikes, lostCharacters };
  }

  /** Follows the rows through a chunk without a lost character: jumps from quote to quote and line end to line end. */
  private countRows(text: string): void {
    let i = 0;
    if (this.inQuotes) {
      const close = text.indexOf('"');
      if (close === -1) return;
      this.inQuotes = false;
      i = close + 1;
    }
    let quote = text.indexOf('"', i);
    for (;;) {
      const lineEnd = text.indexOf('\n', i);
      if (lineEnd !== -1 && (quote === -1 || lineEnd < quote)) {
        this.row++;
        i = lineEnd + 1;
        continue;
      }
      if (quote === -1) return;
      const close = text.indexOf('"', quote + 1);
      if (close === -1) {
        this.inQuotes = true;
        return;
      }
      i = close + 1;
      quote = text.indexOf('"', i);
    }
  }

  /** Character by character, for the rare chunk that lost some. */
  private findLost(text: string): void {
    for (const ch of text) {
      if (ch === '"') this.inQuotes = !this.inQuotes;
      else if (ch === '\n') {
        if (!this.inQuotes) this.row++;
      } else if (ch.charCodeAt(0) > 0x7f && !this.canEncode(ch)) {
        const entry = this.lost.get(ch) ?? { count: 0, rows: [] };
        entry.count++;
        if (entry.rows.at(-1) !== this.row && entry.rows.length < MAX_ROWS_LISTED) entry.rows.push(this.row);
        this.lost.set(ch, entry);
      }
    }
  }

  private canEncode(ch: string): boolean {
    let known = this.encodable.get(ch);
    if (known === undefined) {
      const bytes = iconv.encode(ch, 'cp932');
      known = !(bytes.length === 1 && bytes[0] === 0x3f);
      this.encodable.set(ch, known);
    }
    return known;
  }
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
