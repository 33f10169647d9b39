/**
 * `kumiwake serve`'s requests at their edges, in-process (the application's fetch, no socket):
 * the login body's limit, bodies with a key given twice, the query parameters of the mail
 * picker, long Japanese names of downloads, and the page's own names in every message (never
 * the CLI's flags, never a server path). Expected figures come from the fixture shop.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { createApp } from '../../src/server/app.js';
import { tempDir } from '../helpers/cli.js';

const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;
const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const TOKEN = 'a-long-enough-test-token-1234';
const PAGE = { 'x-kumiwake': '1' };
const HOST = { host: '127.0.0.1' };
const quiet = () => {};
const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

/** A body of `total` bytes made as it is read, counting what was read. */
function lazyBody(total: number, chunk: Uint8Array): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => sent };
}

describe('kumiwake serve: requests at their edges', () => {
  let dir: string;
  let workspace: Workspace;
  let app: Hono;
  let locked: Hono;

  const post = async (path: string, body: string | object, on: Hono = app) => {
    const response = await on.request(path, { method: 'POST', headers: { ...HOST, ...PAGE, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
  };
  const get = async (path: string) => {
    const response = await app.request(path, { headers: HOST });
    return { status: response.status, json: await response.json() as any };
  };

  beforeAll(async () => {
    dir = tempDir();
    workspace = await openWorkspace({ db: join(dir, 'shop.duckdb'), interactive: true });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await workspace.import({ table, files: [join(SHOP, `${file}.csv`)] });
    }
    const options = { host: '127.0.0.1', webRoot: WEB_ROOT, logger, jobsDir: join(dir, 'jobs'), outputRoot: join(dir, 'out') };
    app = createApp(workspace, options);
    locked = createApp(workspace, { ...options, token: TOKEN });
  });
  afterAll(async () => {
    await workspace?.close();
  });

  it('reads a login form of a few KB at most, refusing a larger one as it arrives (413), before the token is checked', async () => {
    const form = { ...HOST, 'content-type': 'application/x-www-form-urlencoded' };
    const huge = lazyBody(50 * 1024 ** 2, new TextEncoder().encode(`token=${'a'.repeat(65_530)}`));
    const refused = await locked.request('/login', { method: 'POST', headers: form, body: huge.stream, duplex: 'half' } as RequestInit);
    expect(refused.status).toBe(413);
    expect(huge.pulled()).toBeLessThan(1024 ** 2);
    const declared = await locked.request('/login', { method: 'POST', headers: { ...form, 'content-length': String(300 * 1024 ** 2) }, body: 'token=x' });
    expect(declared.status).toBe(413);
    // the form itself still signs in, and a wrong token is still a 401
    const right = await locked.request('/login', { method: 'POST', headers: form, body: `token=${encodeURIComponent(TOKEN)}` });
    expect(right.status).toBe(303);
    expect(right.headers.get('set-cookie')).toMatch(/^kumiwake_session=/);
    expect((await locked.request('/login', { method: 'POST', headers: form, body: 'token=nope' })).status).toBe(401);
  });

  it('downloads a segment, its breakdown and its entered/left lists under a long Japanese name, cut to 255 bytes of UTF-8 with its extension', async () => {
    const name = '顧'.repeat(90); // 270 bytes: a valid segment name (100 characters at most)
    await workspace.segments.save(name, { where: { kind: 'field', field: 'gender', op: 'eq', value: 'F' } });
    const jobsDir = join(dir, 'jobs');
    mkdirSync(jobsDir, { recursive: true });
    writeFileSync(join(jobsDir, 'long.json'), JSON.stringify({ segment: name, outputs: [{ path: 'long/{date}.csv' }] }));
    for (const asOf of ['2024-04-15', '2025-03-31']) expect((await workspace.runJob('long', { jobsDir, outputRoot: join(dir, 'out'), asOf })).status).toBe('succeeded');
    const suggested = (disposition: string | null) => decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition ?? '')![1]!);
    for (const [path, body, extension] of [
      ['/api/download', { segment: name, format: 'csv' }, '.csv'],
      ['/api/download', { segment: name, format: 'xlsx' }, '.xlsx'],
      ['/api/download/breakdown', { segment: name, by: ['gender', 'prefecture'], format: 'csv' }, '.csv'],
      ['/api/download/diff', { segment: name, format: 'csv' }, '.csv'],
    ] as const) {
      const answer = await post(path, body);
      expect(answer.status, answer.text.slice(0, 300)).toBe(200);
      const file = suggested(answer.headers.get('content-disposition'));
      expect(Buffer.byteLength(file)).toBeLessThanOrEqual(255);
      expect(file.endsWith(extension)).toBe(true);
      expect(file.startsWith('顧'.repeat(80))).toBe(true);
    }
  });

  it('keeps an upload with a long Japanese name, cut to 255 bytes of UTF-8 with its extension', async () => {
    const name = `${'あ'.repeat(100)}.csv`;
    const sent = await app.request(`/api/uploads?table=products&name=${encodeURIComponent(name)}`, { method: 'POST', headers: { ...HOST, ...PAGE }, body: 'product_code,category\nP95,ペン\n' });
    const answer = await sent.json() as any;
    expect(sent.status, JSON.stringify(answer)).toBe(201);
    expect(answer.preview.file).toBe(`${'あ'.repeat(83)}.csv`); // 249 + 4 bytes
    const imported = await post(`/api/uploads/${answer.upload}/import`, {});
    expect(imported.json.result.files).toEqual([`${'あ'.repeat(83)}.csv`]);
  });

  it('refuses a key given twice in a body, as the CLI refuses it in a file, naming its JSON path', async () => {
    await workspace.segments.save('A2', { where: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } });
    const twice = await post('/api/count', '{"segment":"A2","segment":"nowhere"}');
    expect([twice.status, twice.json.error]).toEqual([400, { code: 'duplicate-key', message: 'segment: given twice in one object, and JSON keeps only the last: remove one' }]);
    const inside = await post('/api/count', '{"definition": {"where": {"all": [{"kind": "field", "field": "gender", "op": "eq", "value": "F", "value": "M"}]}}}');
    expect([inside.status, inside.json.error.message]).toEqual([400, 'definition.where.all[0].value: given twice in one object, and JSON keeps only the last: remove one']);
    // the same key in two objects is no repetition
    expect((await post('/api/count', '{"definition": {"where": {"all": [{"kind": "field", "field": "gender", "op": "eq", "value": "F"}, {"kind": "reachable", "channel": "email"}]}}}')).status).toBe(200);
    expect((await post('/api/count', { segment: 'A2' })).json.count).toBe(1);
  });

  it('names each input as the page sends it in its faults (asOf, by[0], columns[0], from), never a CLI flag or command', async () => {
    await workspace.segments.save('women', { where: { kind: 'field', field: 'gender', op: 'eq', value: 'F' } });
    const jobsDir = join(dir, 'jobs');
    mkdirSync(jobsDir, { recursive: true });
    writeFileSync(join(jobsDir, 'women.json'), JSON.stringify({ segment: 'women' }));
    for (const asOf of ['2024-04-15', '2025-03-31']) expect((await workspace.runJob('women', { jobsDir, outputRoot: join(dir, 'out'), asOf })).status).toBe('succeeded');
    const fault = async (answer: Promise<{ status: number; json: any }>) => {
      const { status, json } = await answer;
      return [status, json.error.message];
    };
    const notADate = 'asOf "2026-02-30" is not a date (YYYY-MM-DD)';
    expect(await fault(post('/api/count', { definition: {}, asOf: '2026-02-30' }))).toEqual([400, notADate]);
    expect(await fault(post('/api/count', { definition: {}, asOf: '2026-02-30', conditions: true }))).toEqual([400, notADate]);
    expect(await fault(post('/api/members', { definition: {}, asOf: '2026-02-30' }))).toEqual([400, notADate]);
    expect(await fault(post('/api/why', { customerId: '001', definition: {}, asOf: '2026-02-30' }))).toEqual([400, notADate]);
    expect(await fault(get('/api/customers/001?asOf=2026-02-30'))).toEqual([400, notADate]);
    expect(await fault(post('/api/jobs/women/run', { asOf: '2026-02-30' }))).toEqual([400, notADate]);
    expect(await fault(post('/api/count', { definition: {}, asOf: '0000-01-01' }))).toEqual([400, 'asOf "0000-01-01" is out of range: dates run from 0001-01-01 to 9999-12-31']);

    const [status, message] = await fault(post('/api/breakdown', { definition: {}, by: ['gender', 'attr:x'] }));
    expect([status, message]).toEqual([400, 'by[1] "attr:x": no customers import brought the attribute group "x" (its column attr:x is not in the data)']);
    expect((await fault(post('/api/breakdown', { definition: {}, by: ['colour'] })))[1]).toMatch(/^by\[0\] "colour": not a customer column/);
    expect((await fault(post('/api/download/breakdown', { definition: {}, by: ['gender', 'gender'], format: 'csv' })))[1]).toBe('by names "gender" twice');
    expect((await fault(post('/api/download', { definition: {}, format: 'csv', columns: ['customer_id', 'nope'] })))[1]).toMatch(/^columns\[1\]: unknown column "nope"; known: /);

    expect(await fault(post('/api/download/diff', { segment: 'women', format: 'csv', from: -1 }))).toEqual([400, 'from -1: a run id is a whole number, 1 or more']);
    expect(await fault(post('/api/diff', { segment: 'women', from: 99 }))).toEqual([400, 'from 99: no run 99 of segment women is recorded']);
    expect(await fault(post('/api/diff', { segment: 'nobody' }))).toEqual([400, 'no job run of segment nobody is recorded']);

    const unknown = 'there is no saved segment "nowhere"';
    expect(await fault(post('/api/count', { segment: 'nowhere' }))).toEqual([404, unknown]);
    expect(await fault(get('/api/segments/nowhere'))).toEqual([404, unknown]);
    expect(await fault(get('/api/segments/nowhere/history'))).toEqual([404, unknown]);
    const removed = await app.request('/api/segments/nowhere', { method: 'DELETE', headers: { ...HOST, ...PAGE } });
    expect([removed.status, ((await removed.json()) as any).error.message]).toEqual([404, unknown]);
    const job = await post('/api/jobs', { name: 'orphan', job: { segment: 'nowhere' } });
    expect([job.status, job.json.error.faults]).toEqual([400, [{ code: 'segment-unknown', path: 'segment', message: unknown }]]);
  });

  it('the mail picker refuses a filter it cannot read (400 naming it) and reads kinds and days as the importer does', async () => {
    const ids = async (query: string) => {
      const answer = await get(`/api/mails?${query}`);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return answer.json.mails.map((m: { mailId: string }) => m.mailId);
    };
    const refused = async (query: string) => {
      const answer = await get(`/api/mails?${query}`);
      return [answer.status, answer.json.error?.code, answer.json.error?.message];
    };
    // M2 2025-03-20 scenario, M1 2025-03-01 manual, S1 2025-01-01 auto (test/fixtures/shop/mails.csv)
    expect(await ids('')).toEqual(['M2', 'M1', 'S1']);
    expect(await ids('limit=')).toEqual(['M2', 'M1', 'S1']); // empty: not given, the default 100
    expect(await ids('limit=2')).toEqual(['M2', 'M1']);
    for (const limit of ['0', '-1', '1.5', 'abc', '1001']) {
      expect(await refused(`limit=${limit}`)).toEqual([400, 'bad-argument', `"limit" must be a whole number from 1 to 1000, not "${limit}"`]);
    }
    expect(await refused('sentFrom=garbage')).toEqual([400, 'bad-argument', expect.stringMatching(/^sentFrom: "garbage" is not a date/)]);
    expect(await refused('sentFrom=2026-99-99')).toEqual([400, 'bad-argument', expect.stringMatching(/^sentFrom: "2026-99-99" /)]);
    expect(await refused('sentTo=2026-02-30')).toEqual([400, 'bad-argument', expect.stringMatching(/^sentTo: "2026-02-30" /)]);
    expect(await refused('sentfrom=2025-03-01')).toEqual([400, 'unknown-parameter', '"sentfrom" is not a parameter of /api/mails (expected q, kind, store, sentFrom, sentTo, limit)']);
    const [status, code, message] = await refused('kind=automatic');
    expect([status, code]).toEqual([400, 'unknown-mail-kind']);
    expect(message).toMatch(/^kind "automatic": unknown mail kind \(expected manual, scheduled, scenario, auto or auto_scenario, or as the importer reads them: .*手動/);
    for (const kind of ['manual', 'MANUAL', '手動', ' manual ']) expect(await ids(`kind=${encodeURIComponent(kind)}`), kind).toEqual(['M1']);
    expect(await ids(`kind=${encodeURIComponent('シナリオ')}`)).toEqual(['M2']);
    expect(await ids(`sentFrom=2025/03/01&sentTo=${encodeURIComponent('2025年3月19日')}`)).toEqual(['M1']);
    expect(await ids('sentFrom=2025-03-01&sentTo=2025-03-19')).toEqual(['M1']);
  });
});
