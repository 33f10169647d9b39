import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

/**
 * `count --conditions` and `overlap` through the CLI on test/fixtures/shop (5 customers, 004
 * deleted). The figures were worked out by hand from the fixture (see the comments); the property
 * test checks the same figures against the reference evaluator on random data.
 */
describe('kumiwake count --conditions and kumiwake overlap on a known shop', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const workspace = await openWorkspace({ db });
    try {
      for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
        await workspace.import({ table, files: [join(SHOP, `${file}.csv`)] });
      }
      await workspace.segments.save('buyers', { version: 1, where: { kind: 'purchases', orderCount: { min: 1 } } }); // 001, 003
      await workspace.segments.save('tokyo', { version: 1, where: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } }); // 001
      await workspace.segments.save('everyone-with-deleted', { version: 1, includeDeleted: true }); // 001 to 005
    } finally {
      await workspace.close();
    }
  });

  // buyers (001, 003) that are vip (001, 003) and not in Tokyo (002, 003, 005): 003
  const definition = {
    version: 1,
    where: { all: [
      { kind: 'purchases', orderCount: { min: 1 } },
      { kind: 'tags', tags: ['vip'] },
      { not: { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' } },
    ] },
  };

  it('counts every node alone and the children of the all in order, in JSON and as an indented tree', () => {
    const file = join(dir, 'def.json');
    writeFileSync(file, JSON.stringify(definition));
    const json = runCli(['count', file, '--conditions', '--db', db, '--as-of', AS_OF, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { count: number; conditions: Array<{ path: string; alone: number; cumulative: number | null }> };
    expect(result.count).toBe(1);
    expect(result.conditions.map(({ path, alone, cumulative }) => ({ path, alone, cumulative }))).toEqual([
      { path: 'where', alone: 1, cumulative: null },
      { path: 'where.all[0]', alone: 2, cumulative: 2 },
      { path: 'where.all[1]', alone: 2, cumulative: 2 },
      { path: 'where.all[2]', alone: 3, cumulative: 1 },
      { path: 'where.all[2].not', alone: 1, cumulative: null },
    ]);

    const human = runCli(['count', file, '--conditions', '--db', db, '--as-of', AS_OF]);
    expect(human.code, human.stderr).toBe(0);
    // order line O8 belongs to no customer: a warning line comes first
    const lines = human.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('warning: '));
    expect(lines[0]).toMatch(/^1 customers as of 2025-03-31 /);
    expect(lines.slice(2).map((l) => l.replace(/: .*$/, '').replace(/\s+/g, ' ').trim())).toEqual([
      '1 - where', '2 2 where.all[0]', '2 2 where.all[1]', '3 1 where.all[2]', '1 - where.all[2].not',
    ]);
    expect(lines[6]).toMatch(/^\s+1\s+-\s{6}where\.all\[2\]\.not: prefecture eq "東京都"$/); // indented under its parent
  });

  it('gives the pairwise intersections of saved segments as a matrix, in JSON, as text and in a CSV file', () => {
    const names = ['buyers', 'tokyo', 'everyone-with-deleted'];
    const matrix = [[2, 1, 2], [1, 1, 1], [2, 1, 5]];
    const json = runCli(['overlap', ...names, '--db', db, '--as-of', AS_OF, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ segments: names, matrix, asOf: AS_OF });

    const out = join(dir, 'out', 'overlap.csv');
    const written = runCli(['overlap', ...names, '--db', db, '--as-of', AS_OF, '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout.split('\n')[1]).toMatch(/^buyers\s+2\s+1\s+2$/);
    expect(written.stdout).toContain(out);
    expect(readFileSync(out, 'utf8')).toBe(`\uFEFFsegment,${names.join(',')}\r\n${names.map((n, i) => `${n},${matrix[i]!.join(',')}\r\n`).join('')}`);
    // --format csv with --out: standard output stays CSV, where the file went is on standard error.
    const both = runCli(['overlap', ...names, '--db', db, '--as-of', AS_OF, '--format', 'csv', '--out', out]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.replace(/\r/g, '').split('\n')[1]).toBe(`buyers,${matrix[0]!.join(',')}`);
    expect(both.stderr).toContain(`wrote ${out}`);
  });

  it('refuses an unknown segment with exit 2, naming it, and --conditions with --by', () => {
    const r = runCli(['overlap', 'buyers', 'no-such-segment', '--db', db, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-segment"');
    expect(r.stderr).not.toContain('internal error');
    const both = runCli(['count', '--segment', 'buyers', '--conditions', '--by', 'gender', '--db', db, '--as-of', AS_OF]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--conditions and --by');
  });
});
