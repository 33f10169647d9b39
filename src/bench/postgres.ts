import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { pgColumn, quoteIdent } from './pg-columns.js';

/**
 * PostgreSQL 15, the row store CRM products of this kind run on, set up by the benchmark on a
 * private data directory and a Unix socket only (no TCP port), loaded with the same canonical
 * tables as the DuckDB database, and with the summary tables the planner reads (customer_summary,
 * customer_products, customer_categories), so its summary queries race the planner on equal data;
 * indexed, stopped at the end.
 */
export class BenchPostgres {
  private constructor(readonly dataDir: string, private readonly bin: string, readonly client: pg.Client) {}

  /** Finds (or installs, when root) PostgreSQL 15; undefined with a reason when it cannot. */
  static findBinaries(): { bin: string } | { missing: string } {
    const bin = '/usr/lib/postgresql/15/bin';
    if (existsSync(join(bin, 'postgres'))) return { bin };
    if (process.getuid?.() !== 0) return { missing: 'PostgreSQL 15 is not installed (apt-get install postgresql-15) and we are not root to install it' };
    process.stderr.write('installing PostgreSQL 15 (apt-get install postgresql-15)...\n');
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql-15'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0 || !existsSync(join(bin, 'postgres'))) return { missing: 'apt-get install postgresql-15 failed' };
    return { bin };
  }

  /** Starts the server on `dataDir` (created by initdb on first use) and connects. */
  static async start(bin: string, dataDir: string): Promise<BenchPostgres> {
    const asPostgres = process.getuid?.() === 0;
    const run = (cmd: string, args: string[], options: SpawnSyncOptions = {}) => {
      const r = asPostgres
        ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8', ...options })
        : spawnSync(join(bin, cmd), args, { encoding: 'utf8', ...options });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    };
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      if (asPostgres) chownSync(dataDir, uidOf('postgres'), gidOf('postgres'));
      run('initdb', ['-D', dataDir, '--auth=trust', '--encoding=UTF8', '--locale=C', '-U', 'postgres']);
    }
    // Settings a careful engineer gives a 2-core, 24 GB analytics box (durability off: a benchmark copy).
    const settings = [
      "listen_addresses=''", `unix_socket_directories=${dataDir}`, 'shared_buffers=4GB', 'work_mem=256MB', 'maintenance_work_mem=1GB',
      'effective_cache_size=12GB', 'max_parallel_workers_per_gather=2', 'max_wal_size=8GB', 'fsync=off', 'synchronous_commit=off',
      'full_page_writes=off', 'random_page_cost=1.1',
    ].map((s) => `-c ${s}`).join(' ');
    run('pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', `-p ${PORT} ${settings}`, '-w', '-t', '120', 'start']);
    const client = new pg.Client({ host: dataDir, port: PORT, user: 'postgres', database: 'postgres' });
    await client.connect();
    const server = new BenchPostgres(dataDir, bin, client);
    stopOnExit(() => server.stopSync());
    return server;
  }

  private stopped = false;

  /** Stops the server (fast shutdown); safe to call twice. */
  stopSync(): void {
    if (this.stopped) return;
    this.stopped = true;
    void this.client.end().catch(() => undefined);
    const args = ['-D', this.dataDir, '-m', 'fast', '-w', 'stop'];
    if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', join(this.bin, 'pg_ctl'), ...args]);
    else spawnSync(join(this.bin, 'pg_ctl'), args);
  }

  /** Copies the canonical and summary tables from the DuckDB database, unless this data directory already holds them. */
  async load(duckdbPath: string, workDir: string, log: (line: string) => void): Promise<void> {
    const marker = join(this.dataDir, 'kumiwake-loaded.json');
    const source = JSON.stringify({ tables: LOADED_TABLES, duckdbPath, mtime: statSync(duckdbPath).mtimeMs });
    if (existsSync(marker) && readFileSync(marker, 'utf8') === source) return;
    mkdirSync(workDir, { recursive: true });
    const db = await DuckDBEngine.open(duckdbPath, { readOnly: true });
    try {
      const summaries = await summarySchemas(db);
      await this.client.query(SCHEMA);
      for (const { table, create } of summaries) await this.client.query(create);
      const exports = [...Object.entries(EXPORTS), ...summaries.map(({ table, select }) => [table, select] as const)];
      for (const [table, select] of exports) {
        const started = performance.now();
        const file = join(workDir, `${table}.csv`);
        await db.run(`COPY (${select}) TO '${file}' (FORMAT csv, HEADER true)`);
        // Server-side COPY: the file must be readable by the server's user.
        await this.client.query(`COPY ${table} FROM '${file}' WITH (FORMAT csv, HEADER true)`);
        rmSync(file);
        log(`  loaded ${table} into PostgreSQL in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
      const started = performance.now();
      for (const statement of [...INDEXES, ...SUMMARY_INDEXES]) await this.client.query(statement);
      await this.client.query('VACUUM ANALYZE');
      log(`  indexed and analysed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      db.close();
    }
    writeFileSync(marker, source);
  }

  async count(sql: string): Promise<number> {
    const result = await this.client.query<{ n: string }>(sql);
    return Number(Object.values(result.rows[0]!)[0]);
  }
}

const PORT = 54_329;

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}
function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}

/** The server is stopped however the benchmark ends: normal exit, Ctrl-C, SIGTERM, an error. */
function stopOnExit(stop: () => void): void {
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Columns the suite reads, as DuckDB writes them for PostgreSQL's COPY (lists as array literals). */
const EXPORTS: Record<string, string> = {
  customers: `SELECT customer_id, name, gender, birthday, prefecture, email_pc, email_mobile, mail_permission, mail_status, bounce_count,
    dm_permission, postal_code, address, line_linked, line_status, withdrawn, deleted,
    CASE WHEN tags IS NULL THEN NULL ELSE '{' || array_to_string(list_transform(tags, t -> '"' || replace(replace(t, '\\', '\\\\'), '"', '\\"') || '"'), ',') || '}' END AS tags
    FROM customers`,
  products: 'SELECT product_code, category FROM products',
  purchases: 'SELECT order_id, line_no, customer_id, ordered_at, product_code, category, amount, status, counted FROM purchases',
  mails: 'SELECT mail_id, kind, sent_at FROM mails',
  mail_events: 'SELECT mail_id, customer_id, event, occurred_at FROM mail_events',
};

/**
 * What a loaded data directory holds; part of its marker, so a directory loaded by an earlier
 * version of the benchmark (raw tables only) is loaded again.
 */
const LOADED_TABLES = 'raw tables + customer_summary, customer_products, customer_categories';

/** The summary tables the planner reads (src/planner/CONTEXT.md), copied column for column. */
const SUMMARY_TABLES = ['customer_summary', 'customer_products', 'customer_categories'] as const;

/**
 * Each summary table's PostgreSQL CREATE TABLE and DuckDB export, from the columns DuckDB lists
 * (sql/purchase-summaries.sql and sql/customer-categories.sql may change them).
 */
async function summarySchemas(db: DuckDBEngine): Promise<{ table: string; create: string; select: string }[]> {
  const rows = await db.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name IN (${SUMMARY_TABLES.map((t) => `'${t}'`).join(', ')}) ORDER BY table_name, ordinal_position`);
  return SUMMARY_TABLES.map((table) => {
    const columns = rows.filter((r) => r.table_name === table);
    if (columns.length === 0) throw new Error(`${db.path}: has no ${table} table; import the purchases again with this version to build it`);
    const pg = columns.map((c) => ({ ...pgColumn(table, c.column_name, c.data_type), notNull: c.is_nullable === 'NO' }));
    return {
      table,
      create: `CREATE TABLE ${table} (${pg.map((c) => `${quoteIdent(c.name)} ${c.pgType}${c.notNull ? ' NOT NULL' : ''}`).join(', ')})`,
      select: `SELECT ${pg.map((c) => `${c.select} AS ${quoteIdent(c.name)}`).join(', ')} FROM ${table}`,
    };
  });
}

const SCHEMA = `
DROP TABLE IF EXISTS customers, products, purchases, mails, mail_events, ${SUMMARY_TABLES.join(', ')};
CREATE TABLE customers (customer_id text PRIMARY KEY, name text, gender text, birthday date, prefecture text, email_pc text, email_mobile text,
  mail_permission text, mail_status text, bounce_count bigint, dm_permission text, postal_code text, address text, line_linked boolean,
  line_status text, withdrawn boolean, deleted boolean, tags text[]);
CREATE TABLE products (product_code text PRIMARY KEY, category text);
CREATE TABLE purchases (order_id text, line_no bigint, customer_id text, ordered_at timestamp, product_code text, category text,
  amount numeric(18,4), status text, counted boolean);
CREATE TABLE mails (mail_id text PRIMARY KEY, kind text, sent_at timestamp);
CREATE TABLE mail_events (mail_id text, customer_id text, event text, occurred_at timestamp);`;

/** What a careful engineer indexes for these searches: by customer, product, time, and mail + event. */
const INDEXES = [
  'CREATE INDEX ON purchases (customer_id, ordered_at) INCLUDE (order_id, amount, status, counted)',
  'CREATE INDEX ON purchases (product_code) INCLUDE (customer_id, order_id, status, counted)',
  'CREATE INDEX ON purchases (ordered_at) INCLUDE (customer_id, status, counted)',
  'CREATE INDEX ON purchases (category) INCLUDE (customer_id, status, counted)',
  'CREATE INDEX ON mail_events (mail_id, event) INCLUDE (customer_id, occurred_at)',
  'CREATE INDEX ON customers (prefecture)',
  'CREATE INDEX ON customers (birthday)',
];

/**
 * The summaries' keys as the planner probes them: a customer's summary row by customer_id, ranges
 * of the last order's and the last line's time (lifetime recency, windows with no end), and a
 * product's or category's customers from covering (code, customer) indexes, the order the DuckDB
 * tables are stored in.
 */
const SUMMARY_INDEXES = [
  'ALTER TABLE customer_summary ADD PRIMARY KEY (customer_id)',
  'CREATE INDEX ON customer_summary (last_line_at)',
  'CREATE INDEX ON customer_summary (last_ordered_at)',
  'CREATE INDEX ON customer_products (product_code, customer_id) INCLUDE (order_count, quantity)',
  'CREATE INDEX ON customer_categories (category, customer_id) INCLUDE (order_count, quantity)',
];
