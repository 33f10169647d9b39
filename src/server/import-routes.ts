import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Hono } from 'hono';
import { fitFileName, KumiwakeError, tableNames, type Workspace } from '../index.js';
import { RequestFault } from './faults.js';
import type { OneAtATime } from './one-at-a-time.js';
import { byteLimit, jsonBody } from './requests.js';

/** An upload's size limit: shop exports are tens to hundreds of MB; the file goes to disk, never memory. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** An upload not imported within this time is removed. */
const UPLOAD_TTL_MS = 30 * 60_000;
const IMPORT_MODES = ['upsert', 'append', 'replace'] as const;

interface Upload {
  readonly folder: string;
  readonly file: string;
  readonly table: string;
  readonly timer: ReturnType<typeof setTimeout>;
  importing: boolean;
  progress?: { label: string; fraction: number };
}

/**
 * A rejects CSV (read as text) with each imported file's path replaced by its name, line by line
 * (a path holds no line break, so none is split between two chunks).
 */
function fileNamesOnly(files: readonly string[]): Transform {
  const named = (text: string) => files.reduce((out, f) => out.split(f).join(basename(f)), text);
  let rest = '';
  return new Transform({
    decodeStrings: false, // the file is read as text (whole characters)
    transform(chunk: string, _encoding, done) {
      const lines = rest + chunk;
      const end = lines.lastIndexOf('\n') + 1;
      rest = lines.slice(end);
      done(null, named(lines.slice(0, end)));
    },
    flush(done) {
      done(null, named(rest));
    },
  });
}

/**
 * A file name for the upload's folder: what the user called it, one path component, or
 * `upload.csv`; cut to what a file system takes (bytes, not characters: あ is 3), its extension kept.
 */
const safeName = (name: string | undefined) => {
  const cleaned = basename((name ?? '').replace(/\\/g, '/')).replace(/[^\p{L}\p{N}\p{M}_.\-]/gu, '_').replace(/^\.+/, '');
  return cleaned === '' ? 'upload.csv' : fitFileName(cleaned);
};

const importing = () => new KumiwakeError('upload-importing', 'this file is being imported: it is removed when its import ends');

const tooLarge = (limit: number) => new RequestFault('too-large', `the file is over the upload limit (${limit >= 1024 ** 3 ? `${limit / 1024 ** 3} GB` : `${limit.toLocaleString('en')} bytes`})`, 413);

/**
 * Imports from the page: a CSV is uploaded as the request body and streamed to a private temp
 * folder (never into memory, at most MAX_UPLOAD_BYTES), previewed (encoding, header mapping),
 * then imported by the library with its progress polled; the upload is removed when the import
 * ends, whatever its outcome, when the page discards it, or after UPLOAD_TTL_MS.
 */
/**
 * The uploads waiting for their import, each in its private temp folder: discarded when the
 * import ends, when the page discards one (not while it is imported), 30 minutes after it came
 * (the timer does not keep the process alive), and all of them when the server stops.
 */
export class Uploads {
  private readonly waiting = new Map<string, Upload>();

  add(id: string, upload: Omit<Upload, 'timer' | 'importing'>): Upload {
    // An import running at that time discards it when it ends.
    const timer = setTimeout(() => { if (!this.waiting.get(id)?.importing) this.discard(id); }, UPLOAD_TTL_MS).unref();
    const added: Upload = { ...upload, timer, importing: false };
    this.waiting.set(id, added);
    return added;
  }

  get(id: string): Upload | undefined {
    return this.waiting.get(id);
  }

  discard(id: string): void {
    const upload = this.waiting.get(id);
    if (!upload) return;
    this.waiting.delete(id);
    clearTimeout(upload.timer);
    rmSync(upload.folder, { recursive: true, force: true });
  }

  /** The server stops: no upload outlives it. */
  discardAll(): void {
    for (const id of [...this.waiting.keys()]) this.discard(id);
  }
}

export function addImportRoutes(app: Hono, workspace: Workspace, turns: OneAtATime, options: { maxUploadBytes?: number; uploads?: Uploads } = {}): void {
  const maxBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const uploads = options.uploads ?? new Uploads();
  const discard = (id: string) => uploads.discard(id);
  const uploadOf = (id: string) => {
    const upload = uploads.get(id);
    if (!upload) throw new RequestFault('upload-unknown', `no upload ${id} (it was imported, discarded or expired: upload the file again)`, 404);
    return upload;
  };
  /** Messages name the file as the user knows it, not the temp folder it was saved in. */
  const shown = (text: string, upload: Upload) => text.split(`${upload.folder}${sep}`).join('');
  const userFacing = (error: unknown, upload: Upload) => {
    if (error instanceof Error) error.message = shown(error.message, upload);
    return error;
  };

  app.post('/api/uploads', async (c) => {
    const table = c.req.query('table') ?? '';
    if (!(tableNames as readonly string[]).includes(table)) throw new RequestFault('bad-argument', `"table" must be one of ${tableNames.join(', ')}`);
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const body = c.req.raw.body;
    if (!body) throw new RequestFault('missing-property', 'send the CSV file as the request body');
    const folder = mkdtempSync(join(tmpdir(), 'kumiwake-upload-')); // private (0700)
    const file = join(folder, safeName(c.req.query('name')));
    const id = randomUUID();
    try {
      await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), byteLimit(maxBytes, () => tooLarge(maxBytes)), createWriteStream(file, { flags: 'wx' }));
      if (statSync(file).size === 0) throw new RequestFault('file-empty', `${basename(file)}: the file is empty`);
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    const upload = uploads.add(id, { folder, file, table });
    try {
      const preview = await workspace.previewImport(file, table);
      const fault = preview.fault === undefined ? {} : { fault: shown(preview.fault, upload) };
      return c.json({ upload: id, bytes: statSync(file).size, preview: { ...preview, ...fault } }, 201);
    } catch (error) {
      discard(id);
      throw userFacing(error, upload);
    }
  });

  app.delete('/api/uploads/:id', (c) => {
    // Its import (running, or waiting for its turn) reads the file: it is removed when that ends.
    if (uploadOf(c.req.param('id')).importing) throw importing();
    discard(c.req.param('id'));
    return c.json({ discarded: c.req.param('id') });
  });

  app.get('/api/uploads/:id/progress', (c) => {
    const upload = uploadOf(c.req.param('id'));
    return c.json({ importing: upload.importing, progress: upload.progress ?? null });
  });

  app.post('/api/uploads/:id/import', async (c) => {
    const id = c.req.param('id');
    uploadOf(id);
    const body = await jsonBody(c.req.raw);
    const upload = uploadOf(id); // still there once the body has come
    for (const key of Object.keys(body)) {
      if (!['mode', 'maxRejects', 'encoding'].includes(key)) throw new RequestFault('unknown-property', `"${key}" is not a property of this request (expected mode, maxRejects, encoding)`);
    }
    // Every option is checked before the import starts: a refused request keeps the upload (the
    // page corrects the option and imports it again without sending the file once more).
    const mode = body.mode ?? 'upsert';
    if (!(IMPORT_MODES as readonly unknown[]).includes(mode)) throw new RequestFault('bad-argument', `"mode" must be one of ${IMPORT_MODES.join(', ')}, not ${JSON.stringify(mode)}`);
    const maxRejects = body.maxRejects ?? 0;
    if (typeof maxRejects !== 'number' || !Number.isInteger(maxRejects) || maxRejects < 0) {
      throw new RequestFault('bad-argument', `"maxRejects" must be a whole number, 0 or more, not ${JSON.stringify(maxRejects)}`);
    }
    const encoding = body.encoding ?? 'auto';
    if (!['auto', 'utf-8', 'cp932'].includes(encoding as string)) throw new RequestFault('bad-argument', `"encoding" must be auto, utf-8 or cp932, not ${JSON.stringify(encoding)}`);
    if (upload.importing) throw importing();
    upload.importing = true;
    upload.progress = { label: 'waiting', fraction: 0 };
    try {
      const result = await turns.run(undefined, () => workspace.import({
        table: upload.table as 'customers', files: [upload.file], mode: mode as 'upsert', maxRejects, encoding: encoding as 'auto',
        progress: (label) => {
          upload.progress = { label, fraction: 0 };
          return { update: (fraction) => { upload.progress = { label, fraction }; }, stop: () => {} };
        },
      }));
      const [record] = await turns.run(undefined, () => workspace.imports(1));
      // The file as uploaded, never the temp folder it was saved in (as GET /api/imports names it).
      return c.json({ result: { ...result, files: result.files.map((f) => basename(f)), rejectsFile: result.rejectsFile === null ? null : basename(result.rejectsFile) }, importId: record?.importId ?? null });
    } catch (error) {
      throw userFacing(error, upload);
    } finally {
      discard(id);
    }
  });

  app.get('/api/imports', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50);
    const records = await turns.run(c.req.raw.signal, () => workspace.imports(limit));
    // Paths on the server are not the page's business: names only.
    return c.json({
      tables: tableNames, // what an upload may fill: the catalog's tables, as `kumiwake import` names them
      imports: records.map((r) => ({
        ...r, files: r.files.map((f) => basename(f)), rejectsFile: r.rejectsFile === null ? null : basename(r.rejectsFile),
        error: r.error === null ? null : r.files.reduce((text, f) => text.split(f).join(basename(f)), r.error),
      })),
    });
  });

  /** The rejects CSV of an import, found by its id in the history (never a path from the request). */
  app.get('/api/imports/:id/rejects', async (c) => {
    const id = Number(c.req.param('id'));
    const record = await turns.run(c.req.raw.signal, () => workspace.importRecord(id));
    if (!record?.rejectsFile) throw new KumiwakeError('rejects-missing', `import ${c.req.param('id')} has no rejects file`);
    if (!statSync(record.rejectsFile, { throwIfNoEntry: false })?.isFile()) {
      throw new KumiwakeError('rejects-missing', `the rejects file of import ${id} (${basename(record.rejectsFile)}) is no longer beside the database`);
    }
    // A file of the server's own (beside the database), kept: streamed line by line, its `file`
    // column naming each file as uploaded (the importer wrote the temp path it read).
    const named = createReadStream(record.rejectsFile, { encoding: 'utf8' }).pipe(fileNamesOnly(record.files));
    return new Response(Readable.toWeb(named) as ReadableStream, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="rejects.csv"; filename*=UTF-8''${encodeURIComponent(basename(record.rejectsFile))}`,
      },
    });
  });
}
