/**
 * `kumiwake serve`'s jobs and imports without a browser: job files saved through run's own reader
 * (faults with their JSON paths), the next run times, run now, the history, who entered and left
 * (listed and downloaded as CSV in UTF-8 BOM and CP932 and as xlsx), uploads previewed and imported
 * (file:line faults, the rejects file, the import history), and the token and cross-site checks.
 * Every expected figure is computed here by hand from the fixture shop or read from the library.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, tableNames, type Workspace } from '../../src/index.js';
import { Hono } from 'hono';
import { errorResponse } from '../../src/server/faults.js';
import { addImportRoutes } from '../../src/server/import-routes.js';
import { OneAtATime } from '../../src/server/one-at-a-time.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { CLI, servedUrl, tempDir } from '../helpers/cli.js';

const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;
const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const TOKEN = 'a-long-enough-test-token-1234';
const PAGE = { 'x-kumiwake': '1' };

/** gender F: 001, 005 (004 is deleted); Tokyo or Osaka: 001, 002 (test/fixtures/shop/customers.csv) */
const WOMEN = { where: { kind: 'field', field: 'gender', op: 'eq', value: 'F' } };
const TOKYO_OSAKA = { where: { any: ['東京都', '大阪府'].map((value) => ({ kind: 'field', field: 'prefecture', op: 'eq', value })) } };

async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...PAGE, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

const upload = (base: string, table: string, name: string, bytes: Buffer | string, headers: Record<string, string> = PAGE) =>
  fetch(`${base}api/uploads?table=${table}&name=${encodeURIComponent(name)}`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes) });

const uploadFolders = () => readdirSync(tmpdir()).filter((f) => f.startsWith('kumiwake-upload-'));

describe('kumiwake serve: jobs and imports', () => {
  let dir: string;
  let workspace: Workspace;
  let server: RunningServer;
  let locked: RunningServer;
  let base: string;
  /** the two runs of the weekly job: who entered and left between them */
  const compared = { from: 0, to: 0 };

  beforeAll(async () => {
    dir = tempDir();
    workspace = await openWorkspace({ db: join(dir, 'shop.duckdb'), interactive: true });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await workspace.import({ table, files: [join(SHOP, `${file}.csv`)] });
    }
    await workspace.segments.save('vip', WOMEN);
    const options = { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, jobsDir: join(dir, 'jobs'), outputRoot: join(dir, 'out') };
    server = await startServer(workspace, options);
    locked = await startServer(workspace, { ...options, token: TOKEN });
    base = server.url;
  });
  afterAll(async () => {
    await server?.close();
    await locked?.close();
    await workspace?.close();
  });

  it('refuses a job save, a run and an upload without the page header or the token', async () => {
    const job = { name: 'x', job: { segment: 'vip' } };
    expect((await call(`${base}api/jobs`, { body: job, headers: { 'x-kumiwake': '' } })).status).toBe(403);
    expect((await call(`${base}api/jobs`, { body: job, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call(`${base}api/jobs/x/run`, { body: {}, headers: { 'x-kumiwake': '' } })).status).toBe(403);
    expect((await upload(base, 'customers', 'a.csv', 'customer_id\n1\n', {})).status).toBe(403);
    expect((await call(`${locked.url}api/jobs`)).status).toBe(401);
    expect((await call(`${locked.url}api/imports`)).status).toBe(401);
    expect((await call(`${locked.url}api/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(existsSync(join(dir, 'jobs', 'x.json'))).toBe(false);
  });

  it('refuses a job run would refuse, with the JSON path of the fault', async () => {
    const fault = async (job: unknown, name = 'weekly') => {
      const answer = await call(`${base}api/jobs`, { body: { name, job } });
      expect(answer.status, JSON.stringify(answer.json)).toBe(400);
      return answer.json.error.faults[0].path as string;
    };
    await expect(fault({ segment: 'vip', outputs: [{ path: 'a.csv', format: 'docx' }] })).resolves.toBe('outputs[0].format');
    await expect(fault({ segment: 'vip', schedule: '61 * * * *' })).resolves.toBe('schedule');
    await expect(fault({ segment: 'vip', timezone: 'Mars/Base' })).resolves.toBe('timezone');
    await expect(fault({ segment: 'nobody' })).resolves.toBe('segment');
    await expect(fault({ segment: 'vip' }, '../escape')).resolves.toBe('name');
    await expect(fault({ segment: 'vip', outputs: [{ path: '../a.csv' }] })).resolves.toBe('outputs[0].path');
    // Every fault of the job at once, each at its path.
    const many = await call(`${base}api/jobs`, { body: { name: 'weekly', job: { segment: 'vip', schedule: '61 * * * *', timezone: 'Mars/Base', keepMembers: 0, outputs: [{ path: 'a.csv', colums: [] }] } } });
    expect((many.json.error.faults as Array<{ path: string }>).map((f) => f.path)).toEqual(['outputs[0].colums', 'keepMembers', 'schedule', 'timezone']);
    expect(existsSync(join(dir, 'jobs')) ? readdirSync(join(dir, 'jobs')) : []).toEqual([]);
  });

  it('saves a job file, lists it with its next five Mondays at 09:00 in Tokyo, and refuses the name twice', async () => {
    const job = { segment: 'vip', schedule: '0 9 * * 1', timezone: 'Asia/Tokyo', outputs: [{ path: '{job}-{date}.csv', rows: 'entered', encoding: 'cp932' }], keepMembers: 5 };
    const saved = await call(`${base}api/jobs`, { body: { name: 'weekly', job } });
    expect(saved.status).toBe(201);
    expect(JSON.parse(readFileSync(join(dir, 'jobs', 'weekly.json'), 'utf8'))).toEqual(job);
    expect((await call(`${base}api/jobs`, { body: { name: 'weekly', job } })).status).toBe(409);

    // By hand: Tokyo is UTC+9 without summer time; Monday 09:00 there is Monday 00:00 UTC.
    const mondays: string[] = [];
    const now = Date.now();
    for (let day = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()); mondays.length < 5; day += 86_400_000) {
      if (new Date(day).getUTCDay() === 1 && day > now) mondays.push(`${new Date(day).toISOString().slice(0, 10)} 09:00`);
    }
    const listed = await call(`${base}api/jobs`);
    expect(listed.json.jobs).toEqual([{ name: 'weekly', job, next: mondays }]);
    const next = await call(`${base}api/next-runs?schedule=${encodeURIComponent('30 6 1 * *')}&timezone=Asia/Tokyo`);
    expect(next.json.next).toHaveLength(5);
    expect(next.json.next.every((t: string) => /^\d{4}-\d{2}-01 06:30$/.test(t))).toBe(true);
    expect((await call(`${base}api/next-runs?schedule=nope`)).json.error.faults[0].path).toBe('schedule');
  });

  it('lists the jobs that write the same file with the sentence the scheduler logs', async () => {
    const copy = { segment: 'vip', schedule: '0 9 * * 1', outputs: [{ path: 'weekly-{date}.csv' }] };
    expect((await call(`${base}api/jobs`, { body: { name: 'weekly-copy', job: copy } })).status).toBe(201);
    // in the server's output folder; jobs in file name order ("weekly-copy.json" sorts first)
    // named inside the output folder: the page is given no absolute path of the server's
    const sentence = 'jobs "weekly-copy" and "weekly" write the same file weekly-{date}.csv: on a day both run, the later run replaces the earlier\'s';
    const listed = await call(`${base}api/jobs`);
    expect(listed.json.jobs.map((j: any) => [j.name, j.sharedOutputs])).toEqual([['weekly-copy', [sentence]], ['weekly', [sentence]]]);
    expect((await call(`${base}api/jobs/weekly`)).json.sharedOutputs).toEqual([sentence]);
    expect((await call(`${base}api/jobs/weekly-copy`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`${base}api/jobs`)).json.jobs.map((j: any) => [j.name, j.sharedOutputs])).toEqual([['weekly', undefined]]);
  });

  it('runs a job now, twice, and says who entered and left, as the members lists do', async () => {
    const first = await call(`${base}api/jobs/weekly/run`, { body: {} });
    expect(first.json.status).toBe('succeeded');
    expect(first.json.counted.count).toBe(2);
    await workspace.segments.save('vip', TOKYO_OSAKA, { force: true });
    const second = await call(`${base}api/jobs/weekly/run`, { body: {} });
    expect(second.json).toMatchObject({ status: 'succeeded', entered: 1, left: 1, comparedWith: first.json.runId });
    Object.assign(compared, { from: first.json.runId, to: second.json.runId });
    expect(second.json.counted.count).toBe((await workspace.count({ segment: 'vip' })).count);

    const history = await call(`${base}api/history?segment=vip`);
    expect(history.json.runs.map((r: any) => [r.runId, r.count, r.entered, r.left])).toEqual([[first.json.runId, 2, null, null], [second.json.runId, 2, 1, 1]]);
    // files relative to the output folder, the jobs folder by its name: no absolute path of the server's
    const written = `weekly-${second.json.asOf}.csv`;
    expect(second.json.files).toEqual([written]);
    expect(history.json.runs.map((r: any) => r.files)).toEqual([[`weekly-${first.json.asOf}.csv`], [written]]);
    const listed = await call(`${base}api/jobs`);
    expect(listed.json.folder).toBe('jobs');
    const missing = await call(`${base}api/jobs/nobody`);
    expect([missing.status, missing.json.error]).toEqual([404, { code: 'job-missing', message: 'no job named nobody in jobs' }]);
    for (const answer of [first, second, history, listed, missing, await call(`${base}api/jobs/weekly`), await call(`${base}api/jobs/nobody`, { method: 'DELETE' })]) {
      expect(JSON.stringify(answer.json)).not.toContain(dir);
    }
    const diff = await call(`${base}api/diff`, { body: { segment: 'vip' } });
    expect(diff.json.entered.rows.map((r: any) => r.customer_id)).toEqual(['002']);
    expect(diff.json.left.rows.map((r: any) => r.customer_id)).toEqual(['005']);
    expect((await call(`${base}api/jobs/nobody/run`, { body: {} })).status).toBe(404);
    // A job whose inline definition every run would refuse is refused when saved, at its JSON path.
    const invalid = await call(`${base}api/jobs`, { body: { name: 'never', job: { definition: { where: { kind: 'age', min: 30, max: 20 } }, schedule: '0 9 * * *' } } });
    expect([invalid.status, invalid.json.error.faults[0].path]).toEqual([400, 'definition.where']);
    // A name ending in .json runs its own file of the jobs folder, not a path beside the server.
    expect((await call(`${base}api/jobs`, { body: { name: 'vip.json', job: { segment: 'vip', outputs: [{ path: 'vip-json.csv' }] } } })).status).toBe(201);
    const named = await call(`${base}api/jobs/vip.json/run`, { body: {} });
    expect(named.json).toMatchObject({ job: 'vip.json', status: 'succeeded', counted: { count: second.json.counted.count } });
    expect((await call(`${base}api/jobs/vip.json`, { method: 'DELETE' })).status).toBe(200);
  });

  it('with schedule: true runs the saved jobs on their cron inside the server, picking up a job saved or deleted from the page', async () => {
    const scheduled = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, jobsDir: join(dir, 'jobs-scheduled'), outputRoot: join(dir, 'out'), schedule: true });
    try {
      const url = scheduled.url;
      expect((await call(`${url}api/jobs`)).json.scheduler).toEqual({ enabled: true, running: false, jobs: [] });
      expect((await call(`${url}api/jobs`, { body: { name: 'often', job: { segment: 'vip', schedule: '*/2 * * * * *' } } })).status).toBe(201);
      await expect.poll(async () => (await call(`${url}api/jobs`)).json.scheduler, { timeout: 10_000 }).toEqual({ enabled: true, running: true, jobs: ['often'] });
      const runs = async () => (await call(`${url}api/history?job=often`)).json.runs as Array<{ trigger: string; status: string; count: number }>;
      await expect.poll(async () => (await runs()).filter((r) => r.status === 'succeeded').length, { timeout: 10_000 }).toBeGreaterThan(0);
      const ran = (await runs()).find((r) => r.status === 'succeeded')!;
      expect(ran).toMatchObject({ trigger: 'schedule', count: (await workspace.count({ segment: 'vip' })).count });

      expect((await call(`${url}api/jobs/often`, { method: 'DELETE' })).status).toBe(200);
      await expect.poll(async () => (await call(`${url}api/jobs`)).json.scheduler.jobs, { timeout: 10_000 }).toEqual([]);
      const after = (await runs()).length;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await runs()).length).toBe(after);
    } finally {
      await scheduled.close();
    }
  });

  it('kumiwake serve --schedule says how many jobs of KUMIWAKE_JOBS it schedules', async () => {
    const jobs = join(dir, 'jobs-cli');
    mkdirSync(jobs);
    writeFileSync(join(jobs, 'monday.json'), JSON.stringify({ segment: 'vip', schedule: '0 9 * * 1' }));
    writeFileSync(join(jobs, 'manual.json'), JSON.stringify({ segment: 'vip' }));
    const proc = spawn(process.execPath, [CLI, 'serve', '--schedule', '--port', '0', '--db', join(dir, 'cli.duckdb')], { env: { ...process.env, KUMIWAKE_JOBS: jobs } });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        proc.stdout.on('data', (d) => {
          text += d;
          if (text.includes('Stop with Ctrl-C')) resolve(text);
        });
        let errors = '';
        proc.stderr.on('data', (d) => (errors += d));
        proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}${errors}`)));
      });
      // manual.json has no schedule: only monday.json is scheduled
      expect(out).toContain(`scheduling 1 job(s) from ${jobs}`);
    } finally {
      proc.kill('SIGTERM');
    }
  });

  it('downloads the entered and left lists as CSV (UTF-8 BOM, CP932) and xlsx, leaving no file behind', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('kumiwake-download-')).length;
    const bytes = async (options: Record<string, string>) => {
      const response = await fetch(`${base}api/download/diff`, { method: 'POST', headers: { ...PAGE, 'content-type': 'application/json' }, body: JSON.stringify({ segment: 'vip', ...compared, headers: 'ja', ...options }) });
      expect(response.status, response.status === 200 ? '' : await response.text()).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
      return Buffer.from(await response.arrayBuffer());
    };
    const rowsOf = (text: string) => text.trim().split(/\r?\n/).slice(1).map((line) => line.split(',').slice(0, 2));
    const bom = await bytes({ format: 'csv' });
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const utf8 = bom.toString('utf8').slice(1);
    expect(utf8.split(/\r?\n/)[0]).toMatch(/^増減,会員番号,/u);
    expect(rowsOf(utf8).sort()).toEqual([['流入', '002'], ['流出', '005']]);
    const sjis = iconv.decode(await bytes({ format: 'csv', encoding: 'cp932' }), 'cp932');
    expect(sjis).toBe(utf8);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await bytes({ format: 'xlsx' }) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const cells: string[][] = [];
    sheet.eachRow((row, n) => { if (n > 1) cells.push([String(row.getCell(1).value), String(row.getCell(2).value)]); });
    expect(cells.sort()).toEqual([['流入', '002'], ['流出', '005']]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('kumiwake-download-')).length).toBe(before);
  });

  it('previews an upload (encoding, header mapping, unknown columns) and imports it with the file:line of a bad value', async () => {
    const foldersBefore = uploadFolders().length;
    const header = 'customer_id,氏名,性別,誕生日,好きな色\n';
    const unknown = await (await upload(base, 'customers', '会員.csv', iconv.encode(`${header}101,佐藤 一郎,M,1980-01-01,赤\n`, 'cp932'))).json() as any;
    expect(unknown.preview).toMatchObject({ encoding: 'cp932', unknown: ['好きな色'] });
    expect(unknown.preview.columns.slice(0, 4).map((c: any) => c.column)).toEqual(['customer_id', 'name', 'gender', 'birthday']);
    await call(`${base}api/uploads/${unknown.upload}`, { method: 'DELETE' });

    const bad = 'customer_id,name,birthday\n201,A,1990-01-01\n202,B,1990-13-45\n';
    const badUpload = await (await upload(base, 'customers', 'bad.csv', bad)).json() as any;
    expect(badUpload.preview).toMatchObject({ encoding: 'utf-8', unknown: [] });
    const refused = await call(`${base}api/uploads/${badUpload.upload}/import`, { body: {} });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/^bad\.csv:3: /);
    // the upload is gone whatever happened: importing it again is a 404
    expect((await call(`${base}api/uploads/${badUpload.upload}/import`, { body: {} })).status).toBe(404);

    const again = await (await upload(base, 'customers', 'bad.csv', bad)).json() as any;
    const kept = await call(`${base}api/uploads/${again.upload}/import`, { body: { maxRejects: 5 } });
    expect(kept.json.result).toMatchObject({ rowsRead: 2, rowsRejected: 1, rowsLoaded: 1 });
    // the file as uploaded, never the server's temp folder, in the answer and in the rejects file
    expect(kept.json.result.files).toEqual(['bad.csv']);
    const rejects = await (await fetch(`${base}api/imports/${kept.json.importId}/rejects`)).text();
    expect(rejects.split(/\r?\n/)[1]).toMatch(/^bad\.csv,3,birthday,/);
    expect(rejects).not.toContain('kumiwake-upload-');
    // an import without rejects, or none at all, is a 404 naming it
    for (const id of [kept.json.importId - 1, 9999]) {
      const none = await call(`${base}api/imports/${id}/rejects`);
      expect(none.status).toBe(404);
      expect(none.json.error).toEqual({ code: 'rejects-missing', message: `import ${id} has no rejects file` });
    }

    const history = await call(`${base}api/imports?limit=2`);
    expect(history.json.tables).toEqual(tableNames);
    expect(history.json.tables).toContain('mail-events');
    expect(history.json.imports.map((r: any) => [r.outcome, r.files, r.rowsLoaded])).toEqual([['ok', ['bad.csv'], 1], ['rejected', ['bad.csv'], null]]);
    expect(history.json.imports[1].error).toMatch(/^bad\.csv:3: /);
    expect((await workspace.tableSizes()).customers).toBe(6);
    expect(uploadFolders().length).toBe(foldersBefore);
  });

  it('keeps an upload whose import options are refused, so that it is imported once they are fixed; an unknown upload is a 404 everywhere', async () => {
    const sent = await (await upload(base, 'products', 'p.csv', 'product_code,category\nP91,ペン\n')).json() as any;
    for (const [body, message] of [
      [{ maxRejects: -1 }, '"maxRejects" must be a whole number, 0 or more, not -1'],
      [{ maxRejects: 1.5 }, '"maxRejects" must be a whole number, 0 or more, not 1.5'],
      [{ maxRejects: '3' }, '"maxRejects" must be a whole number, 0 or more, not "3"'],
      [{ mode: 'merge' }, '"mode" must be one of upsert, append, replace, not "merge"'],
      [{ encoding: 'latin-1' }, '"encoding" must be auto, utf-8 or cp932, not "latin-1"'],
      [{ sql: 'x' }, '"sql" is not a property of this request (expected mode, maxRejects, encoding)'],
    ] as const) {
      const refused = await call(`${base}api/uploads/${sent.upload}/import`, { body });
      expect([refused.status, refused.json.error.message]).toEqual([400, message]);
    }
    expect(await call(`${base}api/uploads/${sent.upload}/progress`)).toEqual({ status: 200, json: { importing: false, progress: null } });
    const imported = await call(`${base}api/uploads/${sent.upload}/import`, { body: { maxRejects: 0 } });
    expect([imported.status, imported.json.result?.rowsLoaded]).toEqual([200, 1]);
    for (const [method, path] of [['GET', 'progress'], ['POST', 'import'], ['DELETE', '']] as const) {
      const unknown = await call(`${base}api/uploads/${path === 'import' ? sent.upload : 'nonexistent'}${path === '' ? '' : `/${path}`}`, { method, ...(method === 'POST' ? { body: {} } : {}) });
      expect([unknown.status, unknown.json.error.code]).toEqual([404, 'upload-unknown']);
    }
    expect((await call(`${base}api/uploads/nonexistent/progress`)).status).toBe(404);
  });

  it('refuses to discard an upload while its import waits for its turn (409), and imports it', async () => {
    const app = new Hono();
    app.onError((error, c) => {
      const { status, body } = errorResponse(error, { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} });
      return c.json(body, status as 400);
    });
    const turns = new OneAtATime();
    addImportRoutes(app, workspace, turns);
    const sent = await (await app.request('/api/uploads?table=products&name=q.csv', { method: 'POST', body: 'product_code,category\nP92,ノート\n' })).json() as any;
    // a slow request holds the connection
    let release = () => {};
    const slow = turns.run(undefined, () => new Promise<void>((resolve) => { release = resolve; }));
    const importing = app.request(`/api/uploads/${sent.upload}/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expect.poll(async () => ((await (await app.request(`/api/uploads/${sent.upload}/progress`)).json()) as any).importing).toBe(true);
    const discarded = await app.request(`/api/uploads/${sent.upload}`, { method: 'DELETE' });
    expect([discarded.status, ((await discarded.json()) as any).error.code]).toEqual([409, 'upload-importing']);
    release();
    await slow;
    const answer = await importing;
    expect([answer.status, ((await answer.json()) as any).result?.files]).toEqual([200, ['q.csv']]);
    expect((await app.request(`/api/uploads/${sent.upload}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('removes the uploads not imported when the server stops (close, and SIGTERM to kumiwake serve)', async () => {
    const before = new Set(uploadFolders());
    const started = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
    expect((await upload(started.url, 'products', 'p.csv', 'product_code,category\nP93,ペン\n')).status).toBe(201);
    expect(uploadFolders().filter((f) => !before.has(f))).toHaveLength(1);
    await started.close();
    expect(uploadFolders().filter((f) => !before.has(f))).toEqual([]);

    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', join(dir, 'stopped.duckdb')], { env: { ...process.env, TMPDIR: tmpdir() } });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const url = await servedUrl(proc);
    expect((await upload(url, 'products', 'p.csv', 'product_code,category\nP94,ペン\n')).status).toBe(201);
    expect(uploadFolders().filter((f) => !before.has(f))).toHaveLength(1);
    proc.kill('SIGTERM');
    await exited;
    expect(uploadFolders().filter((f) => !before.has(f))).toEqual([]);
  });

  it('refuses an upload over the limit while it streams (no length given) and leaves no file behind', async () => {
    const app = new Hono();
    const quiet = () => {};
    app.onError((error, c) => {
      const { status, body } = errorResponse(error, { debug: quiet, info: quiet, warn: quiet, error: quiet });
      return c.json(body, status as 400);
    });
    addImportRoutes(app, workspace, new OneAtATime(), { maxUploadBytes: 1000 });
    const before = uploadFolders().length;
    const chunk = Buffer.from(`customer_id,name\n${'901,A\n'.repeat(100)}`);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(chunk));
        controller.close();
      },
    });
    const streamed = await app.request('/api/uploads?table=customers&name=big.csv', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as any).error.message).toContain('1,000 bytes');
    const declared = await app.request('/api/uploads?table=customers&name=big.csv', { method: 'POST', headers: { 'content-length': '5000' }, body: 'x' });
    expect(declared.status).toBe(413);
    expect(uploadFolders().length).toBe(before);
  });
});
