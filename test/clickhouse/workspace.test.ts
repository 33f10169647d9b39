/**
 * The workspace on a two-shard ClickHouse cluster, through the CLI as a user runs it: the sample
 * shop imported with --engine, then count --json and export --format csv give the same counts and
 * the same customers as the same CLI on a DuckDB file imported from the same files; a saved
 * segment and a job run (history row with the count) work there. Needs `npx tsc -p tsconfig.json` (dist/).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, tempDir } from '../helpers/cli.js';
import { fileQuery } from './file-query.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';
import { SAMPLE_FILES } from './sample-shop.js';

const missing = clickhouseMissing();
const CLI_TABLE: Record<string, string> = { mail_events: 'mail-events' };
const AS_OF = '2026-03-31';

/** Every leaf kind part B compiles, alone and combined, over the sample shop. */
const DEFINITIONS: Record<string, unknown> = {
  'field-text-attr': { all: [{ kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールド' }, { kind: 'field', field: 'prefecture', op: 'contains', value: '東京' }] },
  'field-enum-integer': { any: [{ kind: 'field', field: 'gender', op: 'eq', value: '女性' }, { kind: 'field', field: 'points', op: 'between', min: 1000, max: 2000 }] },
  'field-date-boolean-empty': { all: [{ kind: 'field', field: 'birthday', op: 'between', min: '1960-01-01', max: '1979-12-31' }, { kind: 'field', field: 'is_smartphone', op: 'eq', value: true }, { kind: 'field', field: 'email_pc', op: 'is_not_empty' }] },
  age: { kind: 'age', min: 30, max: 49 },
  birthday: { kind: 'birthday', from: '12-01', to: '12-31' },
  tenure: { kind: 'tenure', min: 365 },
  tags: { kind: 'tags', tags: ['vip', 'newsletter'], match: 'any' },
  purchases: { kind: 'purchases', orderCount: { min: 2 }, lastOrderedAt: { to: 'today-180d' } },
  'purchases-sales-status': { kind: 'purchases', statuses: ['完了'], sales: { min: 10000 } },
  mail: { not: { kind: 'mail', event: 'open', mails: ['M0029', 'S0030'], match: 'any' } },
  subscription: { kind: 'subscription', status: ['継続'] },
  reachable: { all: [{ kind: 'reachable', channel: 'email' }, { not: { kind: 'reachable', channel: 'line' } }] },
  rfm: { kind: 'rfm', r: [4, 5] },
  'segment-ref': { all: [{ kind: 'segment', name: 'repeaters' }, { kind: 'reachable', channel: 'dm' }] },
};
const SAVED = { version: 1, name: 'repeaters', where: { kind: 'purchases', orderCount: { min: 2 } } };

describe.skipIf(missing !== undefined)('the workspace on a two-shard ClickHouse cluster = on a DuckDB file', () => {
  let servers: Servers;
  let dir: string;
  let click: Record<string, string>;
  let duck: Record<string, string>;
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const definition = (name: string) => file(`${name}.json`, { version: 1, name, where: DEFINITIONS[name] });

  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-workspace-');
    click = { KUMIWAKE_ENGINE: servers.engineUrl('ws'), KUMIWAKE_DB: join(dir, 'state.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    duck = { KUMIWAKE_DB: join(dir, 'duck.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    const init = await runCliAsync(['cluster', 'init'], click);
    expect(init.code, init.stderr).toBe(0);
    for (const { table, file: csv } of SAMPLE_FILES) {
      for (const env of [duck, click]) {
        const r = await runCliAsync(['import', CLI_TABLE[table.table] ?? table.table, csv], env);
        expect(r.code, r.stderr).toBe(0);
      }
    }
    for (const env of [duck, click]) {
      const saved = await runCliAsync(['segments', 'save', 'repeaters', file('repeaters.json', SAVED)], env);
      expect(saved.code, saved.stderr).toBe(0);
    }
  }, 600_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const count = async (env: Record<string, string>, args: string[]) => {
    const r = await runCliAsync(['count', ...args, '--as-of', AS_OF, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const { count: n, reachable } = JSON.parse(r.stdout) as { count: number; reachable: unknown };
    return { count: n, reachable };
  };
  it('counts every leaf kind as DuckDB does, and exports the same customers', async () => {
    let nonEmpty = 0;
    for (const name of Object.keys(DEFINITIONS)) {
      const def = definition(name);
      const [d, c] = [await count(duck, [def]), await count(click, [def])];
      expect(c, name).toEqual(d);
      if (d.count > 0) nonEmpty++;
      const outD = join(dir, `${name}-duck.csv`);
      const outC = join(dir, `${name}-click.csv`);
      const rd = await runCliAsync(['export', def, '--format', 'csv', '--columns', 'customer_id,name,points', '--out', outD, '--as-of', AS_OF, '--json'], duck);
      const rc = await runCliAsync(['export', def, '--format', 'csv', '--columns', 'customer_id,name,points', '--out', outC, '--as-of', AS_OF, '--json'], click);
      expect(rc.code, rc.stderr).toBe(0);
      expect(rd.code, rd.stderr).toBe(0);
      expect((JSON.parse(rc.stdout) as { count: number }).count, name).toBe(d.count);
      const ids = (path: string) => readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]!).sort();
      expect(ids(outC), name).toHaveLength(d.count);
      expect(ids(outC), name).toEqual(ids(outD));
      // Same rows, same cells: text, numbers and the header as DuckDB writes them.
      expect(readFileSync(outC, 'utf8'), name).toBe(readFileSync(outD, 'utf8'));
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(10);
  }, 600_000);

  it('counts a saved segment by name, and explains with ClickHouse SQL', async () => {
    const [d, c] = [await count(duck, ['--segment', 'repeaters']), await count(click, ['--segment', 'repeaters'])];
    expect(d.count).toBeGreaterThan(0);
    expect(c).toEqual(d);
    const explained = await runCliAsync(['explain', '--segment', 'repeaters', '--as-of', AS_OF, '--json'], click);
    expect(explained.code, explained.stderr).toBe(0);
    expect((JSON.parse(explained.stdout) as { sql: string }).sql).toMatch(/customer_summary_local/); // repeaters: lifetime figures, from the shards' per-customer summary
  }, 120_000);

  it('runs a job: the CSV holds the members and the history row has the count', async () => {
    const jobs = join(dir, 'jobs');
    mkdirSync(jobs, { recursive: true });
    writeFileSync(join(jobs, 'weekly.json'), JSON.stringify({ segment: 'repeaters', outputs: [{ path: 'out/{segment}.csv', columns: ['customer_id', 'name'] }] }));
    const expected = (await count(duck, ['--segment', 'repeaters'])).count;
    const run = await runCliAsync(['run', 'weekly', '--jobs-dir', jobs, '--as-of', AS_OF, '--json'], click);
    expect(run.code, run.stderr).toBe(0);
    const history = await runCliAsync(['history', '--job', 'weekly', '--json'], click);
    expect(history.code, history.stderr).toBe(0);
    const runs = JSON.parse(history.stdout) as Array<{ status: string; count: number }>;
    expect(runs.map((r) => [r.status, r.count])).toEqual([['succeeded', expected]]);
    const written = readFileSync(join(dir, 'data', 'out', 'out', 'repeaters.csv'), 'utf8').trim().split(/\r?\n/);
    expect(written).toHaveLength(expected + 1);
    // A second run compares with the first: its member set was kept in the state file.
    const again = await runCliAsync(['run', 'weekly', '--jobs-dir', jobs, '--as-of', AS_OF, '--json'], click);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/"entered":\s*0/);
  }, 300_000);

  it('writes Parquet and Arrow files of the same customers (Excel: exports.test.ts)', async () => {
    const def = definition('purchases');
    const expected = (await count(duck, [def])).count;
    expect(expected).toBeGreaterThan(0);
    for (const format of ['parquet', 'arrow']) {
      const outD = join(dir, `p-duck.${format}`);
      const outC = join(dir, `p-click.${format}`);
      const args = (out: string) => ['export', def, '--format', format, '--columns', 'customer_id,name,points,registered_at', '--out', out, '--as-of', AS_OF, '--json'];
      const [rd, rc] = [await runCliAsync(args(outD), duck), await runCliAsync(args(outC), click)];
      expect(rd.code, rd.stderr).toBe(0);
      expect(rc.code, `${format}: ${rc.stderr}`).toBe(0);
      expect((JSON.parse(rc.stdout) as { rows: number }).rows, format).toBe(expected);
      if (format === 'parquet') {
        const read = (out: string) => fileQuery(`SELECT * FROM read_parquet('${out}') ORDER BY customer_id`);
        const [pd, pc] = [await read(outD), await read(outC)];
        expect(pc).toEqual(pd);
        const types = (out: string) => fileQuery(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}'))`);
        expect(await types(outC)).toEqual(await types(outD));
      }
    }
  }, 300_000);

  it('runs why, customer, overlap, settings, count --conditions, --by and --strict through the CLI as on the DuckDB file', async () => {
    const json = async (env: Record<string, string>, args: string[]) => {
      const r = await runCliAsync([...args, '--json'], env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return JSON.parse(r.stdout.replace(/"elapsedMs":\s*\d+/g, '"elapsedMs":0')) as unknown;
    };
    const runs = [
      ['why', '00000002', '--segment', 'repeaters', '--as-of', AS_OF], ['customer', '00000002', '--as-of', AS_OF], ['overlap', 'repeaters', 'repeaters2', '--as-of', AS_OF],
      ['settings', 'show'], ['count', definition('purchases'), '--conditions', '--as-of', AS_OF], ['count', definition('purchases'), '--by', 'gender,rfm', '--as-of', AS_OF],
      ['count', definition('reachable'), '--strict', '--as-of', AS_OF],
    ];
    for (const env of [duck, click]) expect((await runCliAsync(['segments', 'save', 'repeaters2', file('repeaters2.json', { ...SAVED, name: 'repeaters2', where: DEFINITIONS.tags })], env)).code).toBe(0);
    for (const args of runs) expect(await json(click, args), args.join(' ')).toEqual(await json(duck, args));
    const typo = file('typo.json', { version: 1, name: 'typo', where: { not: { kind: 'mail', event: 'open', mails: ['M0O29'] } } });
    const [d, c] = [await runCliAsync(['count', typo, '--strict', '--as-of', AS_OF], duck), await runCliAsync(['count', typo, '--strict', '--as-of', AS_OF], click)];
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(d.stderr);
    expect(c.stderr).toMatch(/where\.not\.mails\[0\]: there is no mail "M0O29"/);
  }, 300_000);
});
