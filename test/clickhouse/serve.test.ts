/**
 * The web builder's server on a two-shard ClickHouse cluster: the same requests the page sends
 * (live count with every node's count, a sorted page of members, the builder's catalog, the mail
 * picker, a breakdown, a customer's page and why, saving a segment) answer as the same server on a
 * DuckDB file imported from the same files. An interactive workspace on ClickHouse counts each
 * edit whole (the kept sets are DuckDB's). And `kumiwake serve --engine` starts. Needs dist/.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import type { TableName } from '../../src/api/types.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';
import { SAMPLE_FILES } from './sample-shop.js';

const missing = clickhouseMissing();
const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const CLI_TABLE: Record<string, TableName> = { mail_events: 'mail-events' };
const AS_OF = '2026-03-31';
const PAGE = { 'x-kumiwake': '1', 'content-type': 'application/json' };

const TREE = {
  all: [
    { kind: 'purchases', orderCount: { min: 1 } },
    { any: [{ kind: 'age', min: 30, max: 49 }, { kind: 'tags', tags: ['vip'], match: 'any' }] },
    { not: { kind: 'mail', event: 'open', mails: ['M0029', 'S0030'] } },
    { kind: 'reachable', channel: 'email' },
  ],
};

/** The answer without what differs between two runs (times). */
const stable = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/"elapsedMs":\s*\d+/g, '"elapsedMs":0'));

describe.skipIf(missing !== undefined)('kumiwake serve on a two-shard ClickHouse cluster = on a DuckDB file', () => {
  let servers: Servers;
  let dir: string;
  let engine: string;
  const workspaces: Workspace[] = [];
  let duck: RunningServer;
  let click: RunningServer;

  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-serve-');
    engine = servers.engineUrl('serve');
    const onDuck = await openWorkspace({ db: join(dir, 'duck.duckdb'), interactive: true });
    const onClick = await openWorkspace({ db: join(dir, 'state.duckdb'), engine, interactive: true });
    workspaces.push(onDuck, onClick);
    const { initClickHouse } = await import('../../src/api/clickhouse.js');
    await initClickHouse(engine);
    for (const { table, file } of SAMPLE_FILES) {
      for (const w of workspaces) await w.import({ table: (CLI_TABLE[table.table] ?? table.table) as TableName, files: [file] });
    }
    duck = await startServer(onDuck, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
    click = await startServer(onClick, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
  }, 600_000);
  afterAll(async () => {
    await duck?.close();
    await click?.close();
    for (const w of workspaces) await w.close();
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const call = async (server: RunningServer, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const response = await fetch(`${server.url}${path}`, { method, headers: PAGE, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBe(method === 'POST' && path === 'api/segments' ? 201 : 200);
    return stable(JSON.parse(text));
  };
  const both = async (path: string, body?: unknown, method?: string) => {
    const [d, c] = [await call(duck, path, body, method), await call(click, path, body, method)];
    expect(c, path).toEqual(d);
    return c;
  };

  it('gives the live count with every node, edit after edit, as DuckDB', async () => {
    const first = await both('api/count', { definition: { where: TREE }, asOf: AS_OF, conditions: true }) as { count: number; conditions?: unknown[] };
    expect(first.count).toBeGreaterThan(0);
    for (const min of [2, 3]) {
      const edited = { ...TREE, all: [{ kind: 'purchases', orderCount: { min } }, ...TREE.all.slice(1)] };
      await both('api/count', { definition: { where: edited }, asOf: AS_OF, conditions: true });
    }
  }, 300_000);

  it('lists a page of members sorted by any column, with figures, as DuckDB', async () => {
    const request = { definition: { where: TREE.all[0] }, asOf: AS_OF, limit: 7, offset: 3 };
    for (const sort of [{ sort: 'total_sales', descending: true }, { sort: 'birthday' }, {}]) {
      const page = await both('api/members', { ...request, ...sort, columns: ['customer_id', 'name', 'birthday', 'order_count', 'total_sales', 'last_ordered_at'] }) as { total: number; rows: unknown[] };
      expect(page.rows).toHaveLength(7);
      expect(page.total).toBeGreaterThan(10);
    }
  }, 300_000);

  it('answers the builder catalog, the mail picker, a breakdown, a customer and why as DuckDB', async () => {
    const catalog = await both('api/schema') as { catalog?: { attributes: string[] } };
    expect(JSON.stringify(catalog)).not.toMatch(/_folded|_import_id/);
    await both('api/mails?q=%E3%82%BB%E3%83%BC%E3%83%AB');
    await both('api/breakdown', { definition: { where: TREE }, asOf: AS_OF, by: ['gender'] });
    await both('api/customers/00000002?asOf=2026-03-31');
    await both('api/why', { definition: { where: TREE }, asOf: AS_OF, customerId: '00000002' });
  }, 300_000);

  it('saves a segment and counts it by name', async () => {
    for (const server of [duck, click]) await call(server, 'api/segments', { name: 'served', definition: { version: 1, name: 'served', where: TREE } });
    await both('api/count', { segment: 'served', asOf: AS_OF, conditions: true });
    const names = async (server: RunningServer) => ((await call(server, 'api/segments')) as { segments: Array<{ name: string }> }).segments.map((s) => s.name);
    expect(await names(click)).toEqual(await names(duck));
    expect(await names(click)).toContain('served');
  }, 120_000);

  it('kumiwake serve --engine starts and counts', async () => {
    // Its own state file: the workspace above holds state.duckdb open.
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--engine', engine, '--db', join(dir, 'served.duckdb')], { env: { ...process.env, KUMIWAKE_LOG_LEVEL: 'warn' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        proc.stdout.on('data', (d) => {
          out += d;
          const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (found) resolve(found[1]!);
        });
        proc.stderr.on('data', (d) => (err += d));
        proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const body = { definition: { where: TREE }, asOf: AS_OF };
      const response = await fetch(`${url}api/count`, { method: 'POST', headers: PAGE, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      const expected = await call(duck, 'api/count', body) as { count: number };
      expect(((await response.json()) as { count: number }).count).toBe(expected.count);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 120_000);
});
