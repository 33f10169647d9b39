import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Hono } from 'hono';
import { CSV_ENCODINGS, EXPORT_FORMATS, fitFileName, PAGE_INPUTS as names, HEADER_STYLES, VALUE_STYLES, type CsvEncoding, type ExportFormat, type HeaderStyle, type ValueStyle, type Workspace } from '../index.js';
import { RequestFault } from './faults.js';
import type { OneAtATime } from './one-at-a-time.js';
import { breakdownDownloadBody, diffDownloadBody, downloadBody, jsonBody, type DownloadOptions } from './requests.js';

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
};

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) throw new RequestFault('bad-argument', `"${name}" must be one of ${allowed.join(', ')}, not "${value}"`);
}

/** The export's options as the library takes them (`--format`, `--encoding`, `--headers`, `--values`); the columns are checked by the export. */
function exportOptions(options: DownloadOptions) {
  oneOf('format', options.format, EXPORT_FORMATS);
  oneOf('encoding', options.encoding, CSV_ENCODINGS);
  oneOf('headers', options.headers, HEADER_STYLES);
  oneOf('values', options.values, VALUE_STYLES);
  return {
    format: options.format as ExportFormat,
    encoding: options.encoding as CsvEncoding | undefined,
    headers: options.headers as HeaderStyle | undefined,
    values: options.values as ValueStyle | undefined,
    columns: options.columns,
  };
}

/**
 * The file is written by the export's own machinery (whole or not at all) into a private temporary
 * folder, then streamed with its length (the page shows the progress) and removed once sent or
 * abandoned. A fault before the first byte is a JSON error, as for every other route.
 */
async function sendFile(name: string, format: ExportFormat, encoding: string | undefined, write: (out: string) => Promise<number>): Promise<Response> {
  const dir = await mkdtemp(join(tmpdir(), 'kumiwake-download-'));
  const remove = () => rm(dir, { recursive: true, force: true }).catch(() => undefined);
  try {
    // The folder is the download's own: the file in it needs no name of the segment's (a long
    // Japanese name, with the export's temporary suffix, would pass what a file name may take).
    const out = join(dir, `download.${format}`);
    const rows = await write(out);
    const { size } = await stat(out);
    const stream = createReadStream(out);
    stream.on('close', () => void remove());
    const charset = format !== 'csv' ? '' : encoding === 'cp932' ? '; charset=shift_jis' : '; charset=utf-8';
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'Content-Type': CONTENT_TYPES[format] + charset,
        'Content-Length': String(size),
        // An ASCII name for old clients, the segment's own (Japanese) name for the others (RFC 6266).
        // Cut to what a file system takes (255 bytes: 85 Japanese characters), the extension kept.
        'Content-Disposition': `attachment; filename="segment.${format}"; filename*=UTF-8''${encodeURIComponent(fitFileName(`${name}.${format}`))}`,
        'X-Kumiwake-Rows': String(rows),
      },
    });
  } catch (error) {
    await remove();
    // The page is not told where the server writes (a full disk's message names the file).
    if (error instanceof Error) error.message = error.message.split(`${dir}${sep}`).join('');
    throw error;
  }
}

/** A file name from a segment's name: no folder separators or control characters (its length is cut as the file is sent). */
const fileName = (name: string) => name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || 'segment';

/** Downloads: a segment's members, and a saved segment's entered/left lists between two job runs. */
export function addDownloadRoutes(app: Hono, workspace: Workspace, turns: OneAtATime): void {
  app.post('/api/download', async (c) => {
    const { input, asOf, options } = downloadBody(await jsonBody(c.req.raw));
    const spec = exportOptions(options);
    const name = fileName('segment' in input && typeof input.segment === 'string' ? input.segment : 'segment');
    return sendFile(name, spec.format, spec.encoding, (out) => turns.run(c.req.raw.signal, async () => (await workspace.export(input, { ...spec, out, asOf, names })).file.rows));
  });

  app.post('/api/download/breakdown', async (c) => {
    const { input, by, asOf, format } = breakdownDownloadBody(await jsonBody(c.req.raw));
    oneOf('format', format, ['csv', 'xlsx']);
    const name = `${fileName('segment' in input && typeof input.segment === 'string' ? input.segment : 'segment')}-by-${fileName(by.join('-'))}`;
    return sendFile(name, format as ExportFormat, 'utf-8-bom', (out) => turns.run(c.req.raw.signal, async () => {
      const answer = await workspace.breakdown(input, { by, asOf, out, format: format as 'csv' | 'xlsx', names });
      return answer.breakdown.length + 1; // the cells and the total row
    }));
  });

  app.post('/api/download/diff', async (c) => {
    const { segment, from, to, options } = diffDownloadBody(await jsonBody(c.req.raw));
    const spec = exportOptions(options);
    return sendFile(`${fileName(segment)}-entered-left`, spec.format, spec.encoding, (out) => turns.run(c.req.raw.signal, async () => {
      const diff = await workspace.diff({ segment, from, to, ...spec, out, limit: 0, names });
      return diff.file?.rows ?? 0;
    }));
  });
}
