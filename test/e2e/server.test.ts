/**
 * `kumiwake serve` without a browser: who may reach it (token, Host, cross-site), what it accepts
 * (definitions through the library's parser, never SQL) and what it answers (counts checked by hand
 * on the fixture shop, faults as 4xx JSON with their paths).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, parseQuery, printQuery, type Workspace } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { CLI, runCli, servedUrl, tempDir } from '../helpers/cli.js';

const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;
const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const TOKEN = 'a-long-enough-test-token-1234';
const AS_OF = '2025-03-31';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any;
}

/** A request with any headers (Host included, which fetch does not let a caller set). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PAGE = { 'x-kumiwake': '1' };

/** A POST from the page whose answer is a file: its status, headers and bytes. */
async function fetchBytes(url: string, body: unknown): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(url, { method: 'POST', headers: { ...PAGE, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('kumiwake serve: the web builder server', () => {
  let dir: string;
  let db: string;
  let workspace: Workspace;
  let open: RunningServer;
  let locked: RunningServer;

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    workspace = await openWorkspace({ db, interactive: true });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await workspace.import({ table, files: [join(SHOP, `${file}.csv`)] });
    }
    open = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
    locked = await startServer(workspace, { host: '127.0.0.1', port: 0, token: TOKEN, webRoot: WEB_ROOT });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
    await workspace?.close();
  });

  it('refuses a host other than loopback without a token, and a short token', async () => {
    await expect(startServer(workspace, { host: '0.0.0.0', port: 0, webRoot: WEB_ROOT })).rejects.toMatchObject({ code: 'token-required' });
    await expect(startServer(workspace, { host: '127.0.0.1', port: 0, token: 'short', webRoot: WEB_ROOT })).rejects.toMatchObject({ code: 'bad-argument' });
    const cli = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'never.duckdb')], { KUMIWAKE_TOKEN: '' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--host 0\.0\.0\.0 .*access token with --token or KUMIWAKE_TOKEN/);
  });

  it('the CLI prints the URL it serves and answers there', async () => {
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', join(dir, 'served.duckdb')]);
    try {
      const url = await servedUrl(proc);
      const page = await send(url);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module" src="/app.js">');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    } finally {
      proc.kill('SIGTERM');
    }
  });

  it('with a token: bearer or the login cookie, nothing without', async () => {
    const api = `${locked.url}api/segments`;
    expect((await send(api)).status).toBe(401);
    expect((await send(api, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await send(api, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const page = await send(locked.url);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login');

    const origin = locked.url.replace(/\/$/, '');
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin };
    const wrong = await send(`${locked.url}login`, { headers: form, body: 'token=nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const right = await send(`${locked.url}login`, { headers: form, body: `token=${encodeURIComponent(TOKEN)}` });
    expect(right.status).toBe(303);
    const cookie = String(right.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await send(api, { headers: { cookie: session } })).status).toBe(200);
    expect((await send(api, { headers: { cookie: 'kumiwake_session=forged' } })).status).toBe(401);
    // A cross-site login form is refused too.
    expect((await send(`${locked.url}login`, { headers: { ...form, origin: 'http://evil.example' }, body: `token=${TOKEN}` })).status).toBe(403);
  });

  it('refuses cross-site state-changing requests and a wrong Host (DNS rebinding)', async () => {
    const count = `${open.url}api/count`;
    const body = { definition: {} };
    expect((await send(count, { body, headers: PAGE })).status).toBe(200);
    expect((await send(count, { body })).status).toBe(403);
    expect((await send(count, { body, headers: { ...PAGE, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await send(count, { body, headers: { ...PAGE, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await send(count, { body, headers: { ...PAGE, origin: open.url.replace(/\/$/, ''), 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    const rebound = await send(`${open.url}api/segments`, { headers: { host: `attacker.example:${open.port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.json().error.code).toBe('bad-host');
    expect((await send(`${open.url}api/segments`, { headers: { host: `localhost:${open.port}` } })).status).toBe(200);
    // Saving and deleting are state-changing too.
    expect((await send(`${open.url}api/segments`, { body: { name: 'x', definition: {} } })).status).toBe(403);
    expect((await send(`${open.url}api/segments/x`, { method: 'DELETE' })).status).toBe(403);
  });

  it('counts as the hand computation on the fixture shop says', async () => {
    // Visible customers: 001, 002, 003, 005 (004 is deleted). Not in 大阪府: 001, 003 (none), 005.
    // Never bought P2 in a counted line: 003 and 005 (001 did, in O1).
    const definition = {
      where: { all: [{ not: { kind: 'field', field: 'prefecture', op: 'eq', value: '大阪府' } }, { kind: 'purchases', products: [{ products: ['P2'], count: { min: 0, max: 0 } }] }] },
    };
    const answer = await send(`${open.url}api/count`, { body: { definition, asOf: AS_OF }, headers: PAGE });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ count: 2, asOf: AS_OF });
    // Email-reachable: only 001 (003's mail status is address_error, 005 has withdrawn).
    const email = await send(`${open.url}api/count`, { body: { definition: { where: { kind: 'reachable', channel: 'email' } }, asOf: AS_OF }, headers: PAGE });
    expect(email.json()).toMatchObject({ count: 1, reachable: { email: 1 } });
    // With conditions: each node alone (not 大阪府: 001, 003, 005) and the funnel inside the AND.
    const nodes = (await send(`${open.url}api/count`, { body: { definition, asOf: AS_OF, conditions: true }, headers: PAGE })).json();
    const neverP2 = (await workspace.count({ definition: { where: definition.where.all[1] } }, { asOf: AS_OF })).count;
    expect(nodes.count).toBe(2);
    expect(nodes.conditions.map((n: { path: string; alone: number; cumulative: number | null }) => [n.path, n.alone, n.cumulative])).toEqual([
      ['where', 2, null], ['where.all[0]', 3, 3], ['where.all[0].not', 1, null], ['where.all[1]', neverP2, 2],
    ]);
    const members = await send(`${open.url}api/members`, { body: { definition, asOf: AS_OF, sort: 'customer_id', descending: true, columns: ['customer_id', 'prefecture'] }, headers: PAGE });
    expect(members.json()).toMatchObject({ total: 2, rows: [{ customer_id: '005', prefecture: '北海道' }, { customer_id: '003', prefecture: null }] });
  });

  it('a bad definition is a 400 with each fault at its JSON path; unknown and taken names are 404 and 409', async () => {
    const bad = await send(`${open.url}api/count`, {
      body: { definition: { where: { all: [{ kind: 'purchases', orderCount: { min: 3, max: 1 } }, { kind: 'field', field: 'colour', op: 'eq', value: 'x' }] } } }, headers: PAGE,
    });
    expect(bad.status).toBe(400);
    const faults = bad.json().error.faults as Array<{ path: string; code: string }>;
    expect(faults.map((f) => [f.path, f.code])).toEqual([['where.all[0].orderCount', 'min-greater-than-max'], ['where.all[1].field', 'unknown-field']]);
    expect((await send(`${open.url}api/count`, { body: '{"definition": ', headers: PAGE })).status).toBe(400);
    expect((await send(`${open.url}api/count`, { body: { segment: 'nowhere' }, headers: PAGE })).status).toBe(404);
    expect((await send(`${open.url}api/segments/nowhere`)).status).toBe(404);

    const save = (name: string, definition: unknown) => send(`${open.url}api/segments`, { body: { name, definition }, headers: PAGE });
    expect((await save('tokyo', { where: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } })).status).toBe(201);
    expect((await save('tokyo', {})).status).toBe(409);
    expect((await save('uses-tokyo', { where: { kind: 'segment', name: 'tokyo' } })).status).toBe(201);
    const used = await send(`${open.url}api/segments/tokyo`, { method: 'DELETE', headers: PAGE });
    expect(used.status).toBe(409);
    expect(used.json().error.code).toBe('segment-in-use');
    const renamed = await send(`${open.url}api/segments/uses-tokyo`, { method: 'PUT', body: { name: 'in-tokyo' }, headers: PAGE });
    expect(renamed.json()).toMatchObject({ name: 'in-tokyo' });
    const listed = (await send(`${open.url}api/segments`)).json().segments.map((s: { name: string }) => s.name);
    expect([...listed].sort()).toEqual(['in-tokyo', 'tokyo']);
    expect((await send(`${open.url}api/count`, { body: { segment: 'in-tokyo', asOf: AS_OF }, headers: PAGE })).json().count).toBe(1);
    expect((await send(`${open.url}api/segments/in-tokyo`, { method: 'DELETE', headers: PAGE })).status).toBe(200);
    expect((await send(`${open.url}api/segments/tokyo`, { method: 'DELETE', headers: PAGE })).status).toBe(200);
  });

  it('breaks a segment down, shows a customer and why they are in or out, as worked out by hand', async () => {
    // Visible customers by gender: 001 and 005 female, 002 male, 003 none; only 001 is reachable by email.
    const genders = (await send(`${open.url}api/breakdown`, { body: { definition: {}, by: ['gender'], asOf: AS_OF }, headers: PAGE })).json();
    expect(genders.breakdown.map((r: { key: { gender: string | null }; count: number; reachable: { email: number } }) => [r.key.gender, r.count, r.reachable.email]))
      .toEqual([['female', 2, 1], ['male', 1, 0], [null, 1, 0]]);
    expect(genders.total.count).toBe(4);
    const unknown = await send(`${open.url}api/breakdown`, { body: { definition: {}, by: ['colour'] }, headers: PAGE });
    expect([unknown.status, unknown.json().error.code]).toEqual([400, 'unknown-breakdown-field']);
    const fault = await send(`${open.url}api/breakdown`, { body: { definition: { where: { kind: 'age', min: 'x' } }, by: ['gender'] }, headers: PAGE });
    expect(fault.status).toBe(400);
    expect(fault.json().error.faults[0].path).toBe('where.min');
    expect((await send(`${open.url}api/breakdown`, { body: { definition: {}, by: ['gender'], out: '/tmp/x.csv' }, headers: PAGE })).status).toBe(400);

    // 001: orders O1 (1,000 + 500) and O2 (3,000), lives in 東京都.
    const customer = (await send(`${open.url}api/customers/001?asOf=${AS_OF}`)).json();
    expect(customer.lifetime).toMatchObject({ orderCount: 2, sales: 4500 });
    expect(customer.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['O1', 'O2']);
    const badDay = await send(`${open.url}api/customers/001?asOf=2025-13-45`);
    expect(badDay.status).toBe(400);
    const missing = await send(`${open.url}api/customers/999`);
    expect([missing.status, missing.json().error.code]).toEqual([404, 'unknown-customer']);
    const notOsaka = { where: { all: [{ not: { kind: 'field', field: 'prefecture', op: 'eq', value: '大阪府' } }, { kind: 'purchases', orderCount: { min: 1 } }] } };
    const why = async (customerId: string) => (await send(`${open.url}api/why`, { body: { customerId, definition: notOsaka, asOf: AS_OF }, headers: PAGE })).json();
    const inside = await why('001');
    expect(inside.in).toBe(true);
    const outside = await why('002'); // in 大阪府; O3 is cancelled, so no counted order either
    expect(outside.in).toBe(false);
    expect(outside.nodes.map((n: { path: string; holds: boolean }) => [n.path, n.holds])).toEqual([['where', false], ['where.all[0]', false], ['where.all[0].not', true], ['where.all[1]', false]]);
    // Cross-site and token rules cover the new routes too.
    expect((await send(`${open.url}api/why`, { body: { customerId: '001', definition: {} } })).status).toBe(403);
    expect((await send(`${open.url}api/breakdown`, { body: { definition: {}, by: ['gender'] }, headers: { ...PAGE, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await send(`${locked.url}api/customers/001`)).status).toBe(401);
    expect((await send(`${locked.url}api/customers/001`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('downloads the members as a streamed file written by the export, and leaves no file behind', async () => {
    const downloads = () => readdirSync(tmpdir()).filter((f) => f.startsWith('kumiwake-download-'));
    const before = new Set(downloads());
    const csv = await fetchBytes(`${open.url}api/download`, { definition: {}, format: 'csv', encoding: 'utf-8-bom', headers: 'ja', values: 'ja', columns: ['customer_id', 'gender'], asOf: AS_OF });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-length')).toBe(String(csv.bytes.length));
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    expect(csv.headers.get('x-kumiwake-rows')).toBe('4');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    expect(lines).toEqual(['会員番号,性別', '001,女性', '002,男性', '003,', '005,女性']); // 004 is deleted
    const sjis = await fetchBytes(`${open.url}api/download`, { definition: { where: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } }, format: 'csv', encoding: 'cp932', headers: 'ja', asOf: AS_OF });
    expect(sjis.headers.get('content-type')).toBe('text/csv; charset=shift_jis');
    expect(iconv.decode(sjis.bytes, 'cp932').trim().split(/\r?\n/).map((l) => l.split(',')[0])).toEqual(['会員番号', '001']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(downloads().filter((f) => !before.has(f))).toEqual([]);

    const refused = async (body: Record<string, unknown>, headers: Record<string, string> = PAGE) => {
      const answer = await send(`${open.url}api/download`, { body, headers });
      return [answer.status, answer.status === 403 ? 'cross-site' : answer.json().error.code];
    };
    expect(await refused({ definition: {}, format: 'pdf' })).toEqual([400, 'bad-argument']);
    expect(await refused({ definition: {}, format: 'csv', out: '/tmp/elsewhere.csv' })).toEqual([400, 'unknown-property']);
    expect(await refused({ definition: {}, format: 'csv', encoding: 'latin-1' })).toEqual([400, 'bad-argument']);
    expect(await refused({ definition: {}, format: 'csv', columns: ['customer_id', 'secret; DROP TABLE customers'] })).toEqual([400, expect.stringMatching(/column/)]);
    expect(await refused({ definition: { where: { kind: 'age', min: 'x' } }, format: 'csv' })).toEqual([400, 'invalid-definition']);
    expect(await refused({ definition: {}, format: 'csv' }, {})).toEqual([403, 'cross-site']);
    expect((await send(`${locked.url}api/download`, { body: { definition: {}, format: 'csv' }, headers: PAGE })).status).toBe(401);
    expect(downloads().filter((f) => !before.has(f))).toEqual([]);
  });

  it('downloads a breakdown as the table count --by --out writes', async () => {
    const table = await fetchBytes(`${open.url}api/download/breakdown`, { definition: {}, by: ['gender'], format: 'csv', asOf: AS_OF });
    expect(table.status).toBe(200);
    // by gender (001, 005 female; 002 male; 003 none), then the total; only 001 is reachable (email, LINE, DM)
    expect(table.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)).toEqual([
      'gender,count,email,line,dm', 'female,2,1,1,1', 'male,1,0,0,0', ',1,0,0,0', 'total,4,1,1,1',
    ]);
    const refused = await send(`${open.url}api/download/breakdown`, { body: { definition: {}, by: ['gender'], format: 'parquet' }, headers: PAGE });
    expect([refused.status, refused.json().error.code]).toEqual([400, 'bad-argument']);
    const out = await send(`${open.url}api/download/breakdown`, { body: { definition: {}, by: ['gender'], format: 'csv', out: '/tmp/x.csv' }, headers: PAGE });
    expect([out.status, out.json().error.code]).toEqual([400, 'unknown-property']);
  });

  it('downloads who entered and left a saved segment between its two latest job runs', async () => {
    // Registered within the last 30 days: 002 (2024-03-31) at 2024-04-15; 001 (2025-03-01) at 2025-03-31.
    await workspace.segments.save('recent', { where: { kind: 'tenure', min: 0, max: 30 } });
    const jobsDir = join(dir, 'jobs');
    mkdirSync(jobsDir, { recursive: true });
    writeFileSync(join(jobsDir, 'recent.json'), JSON.stringify({ segment: 'recent', outputs: [{ path: '{job}/{date}.csv' }] }));
    for (const asOf of ['2024-04-15', '2025-03-31']) {
      expect((await workspace.runJob('recent', { jobsDir, outputRoot: join(dir, 'out'), asOf })).status).toBe('succeeded');
    }
    const diff = await fetchBytes(`${open.url}api/download/diff`, { segment: 'recent', format: 'xlsx', headers: 'canonical' });
    expect(diff.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(diff.bytes as unknown as ArrayBuffer);
    const rows = (book.worksheets[0]!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => [r[1], r[2]]);
    expect(rows).toEqual([['change', 'customer_id'], ['entered', '001'], ['left', '002']]);
    const none = await send(`${open.url}api/download/diff`, { body: { segment: 'nowhere', format: 'csv' }, headers: PAGE });
    expect(none.status).toBeGreaterThanOrEqual(400);
    expect(none.status).toBeLessThan(500);
    await workspace.segments.delete('recent');
  });

  it('accepts no SQL: unknown request properties are refused, SQL in a value is only a value', async () => {
    for (const body of [{ sql: 'SELECT * FROM customers' }, { definition: {}, sql: 'DROP TABLE customers' }, { query: 'SELECT 1' }]) {
      const answer = await send(`${open.url}api/count`, { body, headers: PAGE });
      expect(answer.status).toBe(400);
    }
    const injected = { where: { kind: 'field', field: 'prefecture', op: 'eq', value: "東京都' OR 1=1; DROP TABLE customers; --" } };
    const counted = await send(`${open.url}api/count`, { body: { definition: injected, asOf: AS_OF }, headers: PAGE });
    expect(counted.status).toBe(200);
    expect(counted.json().count).toBe(0);
    const field = await send(`${open.url}api/count`, { body: { definition: { where: { kind: 'field', field: 'name; DROP TABLE customers', op: 'is_empty' } } }, headers: PAGE });
    expect(field.status).toBe(400);
    expect(field.json().error.faults[0]).toMatchObject({ path: 'where.field', code: 'unknown-field' });
    const column = await send(`${open.url}api/members`, { body: { definition: {}, columns: ['customer_id; DROP TABLE customers'] }, headers: PAGE });
    expect(column.status).toBe(400);
    expect((await send(`${open.url}api/count`, { body: { definition: {}, asOf: AS_OF }, headers: PAGE })).json().count).toBe(4);
  });

  it('the mail picker searches the catalog by subject (folded), kind and send date', async () => {
    const search = async (query: string) => (await send(`${open.url}api/mails?${query}`)).json().mails.map((m: { mailId: string }) => m.mailId);
    expect(await search('')).toEqual(['M2', 'M1', 'S1']);
    expect(await search(`q=${encodeURIComponent('セール')}`)).toEqual(['M2', 'M1']);
    expect(await search('kind=auto')).toEqual(['S1']);
    expect(await search('sentFrom=2025-03-01&sentTo=2025-03-19')).toEqual(['M1']);
    const schema = (await send(`${open.url}api/schema`)).json();
    expect(schema.catalog.fields.find((f: { name: string }) => f.name === 'gender').choices).toContainEqual({ value: 'female', label: '女性' });
    expect(schema.definitionSchema.title).toMatch(/segment definition/);
  });

  it('reads and writes the query language for the text view: the library\'s definition and text, faults at line:column', async () => {
    const text = 'prefecture = 大阪府 and age 20..29';
    const parsed = await send(`${open.url}api/query/parse`, { body: { text }, headers: PAGE });
    expect(parsed.status).toBe(200);
    expect(parsed.json().definition).toEqual(parseQuery(text));
    const printed = await send(`${open.url}api/query/print`, { body: { definition: parsed.json().definition }, headers: PAGE });
    expect(printed.json()).toEqual({ text: printQuery(parseQuery(text)) });
    // 22 characters: the fault is at the text's end, column 23, where a condition was expected
    const bad = await send(`${open.url}api/query/parse`, { body: { text: 'prefecture = 大阪府 and (' }, headers: PAGE });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'query-syntax', line: 1, column: 23 });
    expect(bad.json().error.message).toMatch(/query 1:23: [\s\S]*\^/);
    const faulty = (await send(`${open.url}api/query/parse`, { body: { text: 'age 30..20' }, headers: PAGE })).json();
    expect(faulty.error.faults[0]).toMatchObject({ path: 'where', line: 1, column: 1 });
    expect((await send(`${open.url}api/query/parse`, { body: { text, sql: 'x' }, headers: PAGE })).status).toBe(400);
    expect((await send(`${open.url}api/query/print`, { body: { text } })).status).toBe(403);
  });

  it('refuses a query nested past 100 levels at the level too many, a 400 and never a stack overflow or a frozen server', async () => {
    const fault = (path: string, column: number) => ({ code: 'invalid-definition', faults: [{ code: 'too-deep', path, message: 'conditions are nested deeper than 100 levels', line: 1, column }] });
    const parens = await send(`${open.url}api/query/parse`, { body: { text: `${'('.repeat(10_000)}reachable(email)${')'.repeat(10_000)}` }, headers: PAGE });
    expect([parens.status, parens.json().error]).toEqual([400, expect.objectContaining(fault('where', 101))]);
    const nots = await send(`${open.url}api/query/parse`, { body: { text: `${'not '.repeat(100_000)}reachable(email)` }, headers: PAGE });
    expect([nots.status, nots.json().error]).toEqual([400, expect.objectContaining(fault(`where${'.not'.repeat(100)}`, 401))]);
  });

  it('prints only a definition /api/query/parse would accept: too deep or of version 2 is the 400 fault at its JSON path', async () => {
    const print = async (definition: string) => {
      const answer = await send(`${open.url}api/query/print`, { body: `{"definition": ${definition}}`, headers: PAGE });
      return [answer.status, answer.json().error?.faults ?? answer.json()];
    };
    // 10,000 levels (100 KB), written out: JSON.stringify itself recurses too deep for them
    const deep = `{"where":${'{"all":['.repeat(10_000)}{"kind":"reachable","channel":"email"}${']}'.repeat(10_000)}}`;
    const tooDeep = { code: 'too-deep', path: `where${'.all[0]'.repeat(100)}`, message: 'conditions are nested deeper than 100 levels' };
    expect(await print(deep)).toEqual([400, [tooDeep]]);
    expect(await print('{"version": 2}')).toEqual([400, [{ code: 'unsupported-version', path: 'version', message: 'version 2 is not supported (only 1)' }]]);
    expect(await print('{"where": {"kind": "age", "min": 20}}')).toEqual([200, { text: 'age >= 20' }]);
  });
});
