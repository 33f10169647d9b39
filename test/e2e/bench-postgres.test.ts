import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleData, openWorkspace } from '../../src/index.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { pgColumn } from '../../src/bench/pg-columns.js';
import { BenchPostgres } from '../../src/bench/postgres.js';
import { benchCounts, type CountFigure } from '../../src/bench/run-counts.js';
import { benchPostgres, pgAgrees, type PostgresFigure } from '../../src/bench/run-postgres.js';
import { benchSegments } from '../../src/bench/segments.js';
import { tempDir } from '../helpers/cli.js';

// The benchmark's PostgreSQL peer (npm run bench): the summary tables copied by DuckDB's own
// column list, and every hand-written PostgreSQL query (raw tables and summaries) counting the
// planner's customers on a small generated shop.

const PG_BIN = '/usr/lib/postgresql/15/bin';
const HAVE_PG = existsSync(join(PG_BIN, 'postgres'));
if (!HAVE_PG) process.stderr.write(`test/e2e/bench-postgres: the PostgreSQL peer is skipped: no PostgreSQL 15 at ${PG_BIN} (apt-get install postgresql-15)\n`);
const UNTIL = '2026-10-31';

describe('pgColumn', () => {
  it('maps DuckDB types to PostgreSQL types', () => {
    const types = (duck: string) => pgColumn('t', 'c', duck).pgType;
    expect(['VARCHAR', 'BIGINT', 'DECIMAL(38,4)', 'TIMESTAMP', 'DATE', 'BOOLEAN', 'VARCHAR[]', 'BIGINT[]', 'BLOB', 'STRUCT(a INTEGER)'].map(types))
      .toEqual(['text', 'bigint', 'numeric(38,4)', 'timestamp', 'date', 'boolean', 'text[]', 'bigint[]', 'bytea', 'jsonb']);
  });

  it('refuses a type it does not know, naming the column', () => {
    expect(() => pgColumn('customer_summary', 'odd', 'GEOMETRY')).toThrow(/customer_summary\.odd \(DuckDB GEOMETRY\)/);
  });
});

describe.runIf(HAVE_PG)('the PostgreSQL peer of npm run bench', () => {
  let dir: string;
  let dbPath: string;
  let counts: CountFigure[];
  let figures: PostgresFigure[];
  const asOf = parseLocalDate(UNTIL)!;

  beforeAll(async () => {
    dir = tempDir();
    chmodSync(dir, 0o755); // the server runs as postgres: its data directory and the COPY files live here
    dbPath = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 3000, outDir: dir, seed: 11, until: UNTIL });
    const workspace = await openWorkspace({ db: dbPath });
    try {
      for (const [table, file] of [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['mails', files.mails], ['mail-events', files.mailEvents]] as const) {
        await workspace.import({ table, files: [file] });
      }
    } finally {
      await workspace.close();
    }
    // A column the benchmark has never heard of, with values PostgreSQL's array syntax must escape.
    const db = await DuckDBEngine.open(dbPath);
    try {
      await db.run('ALTER TABLE customer_summary ADD COLUMN notes VARCHAR[]');
      await db.run('ALTER TABLE customer_summary ADD COLUMN ratio DECIMAL(10,3)');
      await db.run(`UPDATE customer_summary SET notes = ['a,b', 'say "hi"', 'back\\slash', '{x}', '', NULL, 'NULL'], ratio = 1.250
        WHERE customer_id = (SELECT min(customer_id) FROM customer_summary)`);
    } finally {
      db.close();
    }
    counts = await benchCounts(dbPath, asOf, 1, () => undefined);
    const result = await benchPostgres(dbPath, dir, 0, asOf, 1, counts, () => undefined, () => undefined);
    if (!Array.isArray(result)) throw new Error(result.skipped);
    figures = result;
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every segment as the planner does, over the raw tables and over the summaries', () => {
    expect(figures.map((f) => f.name)).toEqual(benchSegments.map((s) => s.name));
    for (const f of figures) expect({ name: f.name, pg: f.pgCount, summary: f.pgSummaryCount }).toEqual({ name: f.name, pg: f.count, summary: f.pgSummaryCount === undefined ? undefined : f.count });
    expect(figures.every(pgAgrees)).toBe(true);
    // the segments the planner answers from summaries are timed on them too, and count someone
    const withSummaries = figures.filter((f) => f.pgSummaryMedianMs !== undefined).map((f) => f.name);
    expect(withSummaries).toEqual(['lifetime RFM', 'dormant repeaters', 'never bought a category (0~0)', 'bought in the last 90 days',
      'combined (area, RFM, products, window)', 'combined LTV']);
    expect(figures.filter((f) => withSummaries.includes(f.name) && f.count > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('copies the summary tables column for column, an unknown column included', async () => {
    const server = await BenchPostgres.start(PG_BIN, join(dir, 'pg-0x'));
    const db = await DuckDBEngine.open(dbPath, { readOnly: true });
    try {
      await server.load(dbPath, join(dir, 'pg-work'), () => undefined); // loaded already: the marker matches
      for (const table of ['customer_summary', 'customer_products', 'customer_categories']) {
        const [duck] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
        expect(await server.count(`SELECT count(*) FROM ${table}`)).toBe(Number(duck!.n));
      }
      const { rows } = await server.client.query<{ notes: (string | null)[]; ratio: string; sales: string }>(
        'SELECT notes, ratio, sales::text AS sales FROM customer_summary ORDER BY customer_id LIMIT 1');
      expect(rows[0]!.notes).toEqual(['a,b', 'say "hi"', 'back\\slash', '{x}', '', null, 'NULL']);
      expect(rows[0]!.ratio).toBe('1.250');
      const [first] = await db.all<{ sales: string }>('SELECT CAST(sales AS VARCHAR) AS sales FROM customer_summary ORDER BY customer_id LIMIT 1');
      expect(rows[0]!.sales).toBe(first!.sales);
      const types = await server.client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'customer_summary' AND column_name IN ('sales', 'last_line_at', 'notes') ORDER BY column_name`);
      expect(types.rows).toEqual([{ column_name: 'last_line_at', data_type: 'timestamp without time zone' }, { column_name: 'notes', data_type: 'ARRAY' }, { column_name: 'sales', data_type: 'numeric' }]);
    } finally {
      db.close();
      server.stopSync();
    }
  }, 120_000);
});
