import { Readable, Transform } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { repeatedJsonKey, type MembersRequest, type SegmentInput } from '../index.js';
import { RequestFault } from './faults.js';

/**
 * The shapes the page sends, checked by hand and closed like a definition: an unknown property
 * (`sql`, `query`, …) is refused, so nothing but a definition or a saved segment's name ever
 * reaches the library, which parses the definition with the CLI's own parser.
 */
type Body = Record<string, unknown>;

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function jsonBody(request: Request): Promise<Body> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new RequestFault('not-json', 'send the request body as application/json', 415);
  const body = await limitedText(request, MAX_BODY_BYTES, tooLarge);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new RequestFault('not-json', `the request body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RequestFault('not-an-object', 'the request body must be a JSON object');
  // As the CLI reads a definition file: JSON.parse would keep the last of a key given twice
  // (`{"segment": "A2", "segment": "dormant"}` counted the second) without a word.
  const twice = repeatedJsonKey(body);
  if (twice) throw new RequestFault('duplicate-key', `${twice.path}: given twice in one object, and JSON keeps only the last: remove one`);
  return parsed as Body;
}

/**
 * A request body as text, at most `limit` bytes: a declared length over it is refused before a
 * byte is read, and a body sent without its length (chunked) is counted as it comes and refused
 * as it passes the limit, never held whole first. text() drops a leading BOM, as request.text() does.
 */
export async function limitedText(request: Request, limit: number, fault: () => Error): Promise<string> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > limit) throw fault();
  if (!request.body) return '';
  const counted = byteLimit(limit, fault);
  const [, body] = await Promise.all([pipeline(Readable.fromWeb(request.body as ReadableStream), counted), text(counted)]);
  return body;
}

const tooLarge = () => new RequestFault('too-large', `the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`, 413);

/** Counts a body's bytes as they pass and fails it with `fault` past `limit` (JSON bodies, uploads). */
export function byteLimit(limit: number, fault: () => Error): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? fault() : null, chunk);
    },
  });
}

function closed(body: Body, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new RequestFault('unknown-property', `"${key}" is not a property of this request (expected ${allowed.join(', ')})`);
  }
}

function optional<T>(body: Body, key: string, type: 'string' | 'number' | 'boolean'): T | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new RequestFault('bad-argument', `"${key}" must be a ${type}`);
  return value as T;
}

export function requiredText(body: Body, key: string): string {
  const value = optional<string>(body, key, 'string');
  if (value === undefined) throw new RequestFault('missing-property', `"${key}" is required`);
  return value;
}

/** `{definition}` or `{segment: NAME}`: exactly one. */
function segmentInput(body: Body): SegmentInput {
  const hasDefinition = Object.hasOwn(body, 'definition');
  const hasSegment = Object.hasOwn(body, 'segment');
  if (hasDefinition === hasSegment) throw new RequestFault('segment-or-definition', 'give exactly one of "definition" (a segment definition) and "segment" (a saved segment\'s name)');
  return hasDefinition ? { definition: body.definition } : { segment: requiredText(body, 'segment') };
}

export interface CountBody {
  readonly input: SegmentInput;
  readonly asOf?: string;
  /** also count every node of the tree (per-condition and funnel counts) */
  readonly conditions: boolean;
}

export function countBody(body: Body): CountBody {
  closed(body, ['definition', 'segment', 'asOf', 'conditions']);
  return { input: segmentInput(body), asOf: optional<string>(body, 'asOf', 'string'), conditions: optional<boolean>(body, 'conditions', 'boolean') === true };
}

export function membersBody(body: Body): { input: SegmentInput; request: MembersRequest } {
  closed(body, ['definition', 'segment', 'asOf', 'columns', 'sort', 'descending', 'offset', 'limit']);
  const columns = body.columns;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw new RequestFault('bad-argument', '"columns" must be a list of column names');
  }
  return {
    input: segmentInput(body),
    request: {
      asOf: optional<string>(body, 'asOf', 'string'),
      columns: columns as string[] | undefined,
      sort: optional<string>(body, 'sort', 'string'),
      descending: optional<boolean>(body, 'descending', 'boolean'),
      offset: optional<number>(body, 'offset', 'number'),
      limit: optional<number>(body, 'limit', 'number'),
    },
  };
}

/** POST /api/segments: a new saved segment (`force` replaces one of that name). */
export function saveBody(body: Body): { name: string; definition: unknown; force: boolean } {
  closed(body, ['name', 'definition', 'force']);
  if (!Object.hasOwn(body, 'definition')) throw new RequestFault('missing-property', '"definition" is required');
  return { name: requiredText(body, 'name'), definition: body.definition, force: optional<boolean>(body, 'force', 'boolean') === true };
}

/** PUT /api/segments/:name: `{definition}` saves over it, `{name}` renames it (not both). */
export function updateBody(body: Body): { definition: unknown } | { rename: string } {
  closed(body, ['definition', 'name']);
  const hasDefinition = Object.hasOwn(body, 'definition');
  if (hasDefinition === Object.hasOwn(body, 'name')) throw new RequestFault('definition-or-name', 'give exactly one of "definition" (save over the segment) and "name" (rename it)');
  return hasDefinition ? { definition: body.definition } : { rename: requiredText(body, 'name') };
}

/** POST /api/breakdown: a segment and the fields to break it down by (never a file to write). */
export function breakdownBody(body: Body): { input: SegmentInput; by: string[]; asOf?: string } {
  closed(body, ['definition', 'segment', 'asOf', 'by']);
  const by = body.by;
  if (!Array.isArray(by) || by.length === 0 || !by.every((f) => typeof f === 'string')) {
    throw new RequestFault('bad-argument', '"by" must be a list of one or more fields (store, prefecture, channel, rfm, gender, age_band, attr:NAME, …)');
  }
  return { input: segmentInput(body), by: by as string[], asOf: optional<string>(body, 'asOf', 'string') };
}

/** POST /api/why: one customer explained against a segment. */
export function whyBody(body: Body): { customerId: string; input: SegmentInput; asOf?: string } {
  closed(body, ['customerId', 'definition', 'segment', 'asOf']);
  return { customerId: requiredText(body, 'customerId'), input: segmentInput(body), asOf: optional<string>(body, 'asOf', 'string') };
}

/** What a download may choose of the export's options (`--format`, `--encoding`, `--headers`, `--values`, `--columns`); never a path. */
export interface DownloadOptions {
  readonly format: string;
  readonly encoding?: string;
  readonly headers?: string;
  readonly values?: string;
  readonly columns?: string[];
}

const DOWNLOAD_OPTIONS = ['format', 'encoding', 'headers', 'values', 'columns'];

function downloadOptions(body: Body): DownloadOptions {
  const columns = body.columns;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw new RequestFault('bad-argument', '"columns" must be a list of column names');
  }
  return {
    format: requiredText(body, 'format'),
    encoding: optional<string>(body, 'encoding', 'string'),
    headers: optional<string>(body, 'headers', 'string'),
    values: optional<string>(body, 'values', 'string'),
    columns: columns as string[] | undefined,
  };
}

/** POST /api/download: a segment's members as a file (`kumiwake export`). */
export function downloadBody(body: Body): { input: SegmentInput; asOf?: string; options: DownloadOptions } {
  closed(body, ['definition', 'segment', 'asOf', ...DOWNLOAD_OPTIONS]);
  return { input: segmentInput(body), asOf: optional<string>(body, 'asOf', 'string'), options: downloadOptions(body) };
}

/** POST /api/download/diff: who entered and left a saved segment between two job runs (`kumiwake diff --out`). */
export function diffDownloadBody(body: Body): { segment: string; from?: number; to?: number; options: DownloadOptions } {
  closed(body, ['segment', 'from', 'to', ...DOWNLOAD_OPTIONS]);
  return { segment: requiredText(body, 'segment'), from: optional<number>(body, 'from', 'number'), to: optional<number>(body, 'to', 'number'), options: downloadOptions(body) };
}

/** POST /api/download/breakdown: the breakdown table as a file (`count --by --out`). */
export function breakdownDownloadBody(body: Body): { input: SegmentInput; by: string[]; asOf?: string; format: string } {
  const { format, ...rest } = body;
  if (typeof format !== 'string') throw new RequestFault('missing-property', '"format" is required (csv or xlsx)');
  return { ...breakdownBody(rest), format };
}

/** `{text}`: a query to read into its definition (POST /api/query/parse). */
export function queryTextBody(body: Body): { text: string } {
  closed(body, ['text']);
  return { text: requiredText(body, 'text') };
}

/** `{definition}`: a definition to write as its query text (POST /api/query/print). */
export function queryDefinitionBody(body: Body): { definition: unknown } {
  closed(body, ['definition']);
  if (body.definition === undefined) throw new RequestFault('missing-property', '"definition" is required');
  return { definition: body.definition };
}
