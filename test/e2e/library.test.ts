import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type DefinitionError } from '../../src/index.js';
import { importShop, parseCsv, runCli, tempDir } from '../helpers/cli.js';

const PROGRAM = new URL('../fixtures/library/count-and-export.mjs', import.meta.url).pathname;
const AS_OF = '2025-03-31';
const definition = {
  name: 'repeat buyers reachable by email',
  where: { all: [{ kind: 'purchases', orderCount: { min: 2 } }, { kind: 'reachable', channel: 'email' }] },
};

describe('the library entry (src/index.ts, the package "exports")', () => {
  let dir: string;
  let db: string;
  let definitionFile: string;
  beforeAll(() => {
    dir = tempDir();
    db = importShop(dir);
    definitionFile = join(dir, 'def.json');
    writeFileSync(definitionFile, JSON.stringify(definition));
  });

  it('counts and exports a segment from a small program, as the CLI does', () => {
    const out = join(dir, 'from-library.csv');
    const run = spawnSync(process.execPath, [PROGRAM, db, definitionFile, out, AS_OF], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { count: number; reachable: { email: number }; file: { path: string; rows: number }; top: Array<{ customer_id: string; total_sales: number }>; total: number };

    const cli = runCli(['count', definitionFile, '--db', db, '--as-of', AS_OF, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const counted = JSON.parse(cli.stdout) as { count: number; reachable: { email: number } };
    expect(counted.count).toBeGreaterThan(0);
    expect(result.count).toBe(counted.count);
    expect(result.reachable).toEqual(counted.reachable);

    const cliOut = join(dir, 'from-cli.csv');
    expect(runCli(['export', definitionFile, '--db', db, '--as-of', AS_OF, '--out', cliOut, '--columns', 'customer_id,name,total_sales']).code).toBe(0);
    expect(readFileSync(result.file.path)).toEqual(readFileSync(cliOut));
    expect(result.file.rows).toBe(counted.count);

    // members: the page is sorted by the column asked for, the total is the count
    const rows = parseCsv(readFileSync(cliOut, 'utf8').replace(/^\uFEFF/, '')).slice(1);
    const bySales = rows.map((r) => ({ id: r[0]!, sales: Number(r[2]) })).sort((a, b) => b.sales - a.sales || a.id.localeCompare(b.id));
    expect(result.total).toBe(counted.count);
    expect(result.top.map((r) => r.customer_id)).toEqual(bySales.slice(0, 3).map((r) => r.id));
  });

  it('saves, renames (references follow) and deletes segments, and keeps faults typed', async () => {
    const copy = join(dir, 'segments.duckdb');
    writeFileSync(copy, readFileSync(db));
    const shop = await openWorkspace({ db: copy, tz: 'Asia/Tokyo' });
    try {
      await shop.segments.save('repeaters', definition);
      await shop.segments.save('repeaters-in-tokyo', { where: { all: [{ kind: 'segment', name: 'repeaters' }, { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' }] } });
      const before = await shop.count({ segment: 'repeaters-in-tokyo' }, { asOf: AS_OF });
      await shop.segments.rename('repeaters', 'repeat-buyers');
      expect((await shop.segments.list()).map((s) => s.name).sort()).toEqual(['repeat-buyers', 'repeaters-in-tokyo']);
      expect(JSON.stringify((await shop.segments.show('repeaters-in-tokyo')).definition)).toContain('"repeat-buyers"');
      expect((await shop.count({ segment: 'repeaters-in-tokyo' }, { asOf: AS_OF })).count).toBe(before.count);
      await expect(shop.segments.rename('repeat-buyers', 'repeaters-in-tokyo')).rejects.toThrow(/already a saved segment "repeaters-in-tokyo"/);
      await expect(shop.segments.delete('repeat-buyers')).rejects.toThrow(/used by "repeaters-in-tokyo"/);
      const fault = await shop.count({ definition: { where: { kind: 'nonsense' } } }).catch((e: unknown) => e as DefinitionError);
      expect(fault).toMatchObject({ code: 'invalid-definition' });
      expect((fault as DefinitionError).faults[0]).toMatchObject({ path: 'where.kind' });
    } finally {
      await shop.close();
    }
    // A reopened workspace sees the renamed segment: the rename was stored.
    const again = await openWorkspace({ db: copy, readOnly: true });
    try {
      expect((await again.segments.show('repeat-buyers')).definition).toEqual(definition);
      await expect(again.segments.save('x', definition)).rejects.toThrow(/read-only/);
    } finally {
      await again.close();
    }
  });

  it('refuses to replace a saved segment unless force, keeps its versions (history), and reads a database made before versions were kept', async () => {
    const copy = join(dir, 'versions.duckdb');
    writeFileSync(copy, readFileSync(db));
    const shop = await openWorkspace({ db: copy, tz: 'Asia/Tokyo' });
    const other = { where: { kind: 'reachable', channel: 'email' } };
    try {
      const first = await shop.segments.save('repeaters', definition);
      expect(first).toMatchObject({ name: 'repeaters', version: 1 });
      expect(first.savedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(await shop.segments.save('repeaters', definition)).toMatchObject({ version: 1, unchanged: true, savedAt: first.savedAt });
      await expect(shop.segments.save('repeaters', other)).rejects.toMatchObject({ code: 'segment-exists', exitCode: 2 });
      expect((await shop.segments.show('repeaters')).definition).toEqual(definition);
      expect(await shop.segments.save('repeaters', other, { force: true })).toMatchObject({ version: 2, definition: other });
      const versions = await shop.segments.history('repeaters');
      expect(versions.map((v) => [v.version, v.current, v.definition])).toEqual([[1, false, definition], [2, true, other]]);
      expect(versions[0]!.replacedAt).toBe(versions[1]!.savedAt);
      await expect(shop.segments.history('nobody')).rejects.toMatchObject({ code: 'segment-unknown' });
    } finally {
      await shop.close();
    }
    // A database from before segment_versions, opened read-only (no schema applied): counts and history still work.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(copy);
    const conn = await instance.connect();
    await conn.run('DROP TABLE segment_versions');
    conn.closeSync();
    instance.closeSync();
    const old = await openWorkspace({ db: copy, readOnly: true });
    try {
      expect((await old.count({ segment: 'repeaters' }, { asOf: AS_OF })).count).toBeGreaterThan(0);
      expect((await old.segments.history('repeaters')).map((v) => v.version)).toEqual([1]);
    } finally {
      await old.close();
    }
  });

  it('prints the definition JSON Schema with kumiwake schema; the sample segments and job definitions validate, a wrong kind does not', () => {
    const r = runCli(['schema', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ajv = new Ajv2020({ allErrors: true, strictRequired: false, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(r.stdout) as object);
    const root = new URL('../../', import.meta.url).pathname;
    const samples = readdirSync(join(root, 'data/segments')).filter((f) => f.endsWith('.json'));
    expect(samples.length).toBeGreaterThan(3);
    for (const file of samples) expect(validate(JSON.parse(readFileSync(join(root, 'data/segments', file), 'utf8'))), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    for (const file of readdirSync(join(root, 'jobs')).filter((f) => f.endsWith('.json'))) {
      const job = JSON.parse(readFileSync(join(root, 'jobs', file), 'utf8')) as { definition?: unknown };
      if (job.definition !== undefined) expect(validate(job.definition), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(validate({ where: { kind: 'purchase', orderCount: { min: 1 } } })).toBe(false);
    expect(validate({ where: { kind: 'age', min: 20, older: true } })).toBe(false);
  });
});
