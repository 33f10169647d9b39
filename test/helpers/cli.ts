import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { DuckDBInstance } from '@duckdb/node-api';

export const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking; `onStderr` is called with all the command has written to stderr so far, as it writes. */
export function runCliAsync(args: string[], env: Record<string, string> = {}, onStderr?: (stderr: string) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(prefix = 'kumiwake-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

/** Writes CSV text in the given encoding. */
export function writeCsv(path: string, text: string, encoding: FileEncoding = 'utf-8'): string {
  const bytes = encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(encoding === 'utf-8-bom' ? `\uFEFF${text}` : text, 'utf8');
  writeFileSync(path, bytes);
  return path;
}

/** Reads rows from a database file (opened read-only, closed after). */
export async function query<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * A fingerprint of every table's contents (its row count and the sum of its rows' hashes: any
 * changed, added or removed row changes it), to prove a refused import changed nothing. Computed
 * in DuckDB: reading the rows into JavaScript took seconds once a test had stored a 10 MB field.
 */
export async function snapshot(dbPath: string): Promise<string> {
  const tables = ['customers', 'purchases', 'products', 'mails', 'mail_events'];
  const rows = await query<{ t: string; n: bigint; h: bigint | null }>(dbPath,
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n, sum(hash(r)) AS h FROM ${t} r`).join(' UNION ALL '));
  return tables.map((t) => {
    const row = rows.find((r) => r.t === t)!;
    return `${t}: ${row.n} rows, ${row.h ?? 0}`;
  }).join('\n');
}

export const sharedData = new URL('../../../shared/data/external/', import.meta.url).pathname;

/** RFC 4180 CSV text → rows (quoted fields with commas, quotes and line breaks included). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Imports test/fixtures/shop into a new database; returns its path. */
export function importShop(dir: string): string {
  const shop = new URL('../fixtures/shop/', import.meta.url).pathname;
  const db = join(dir, 'shop.duckdb');
  for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
    const r = runCli(['import', table, join(shop, `${file}.csv`), '--db', db]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  return db;
}

/** The URL a `kumiwake serve` process prints (`open http://127.0.0.1:PORT/`), or a failure when it exits first. */
export function servedUrl(proc: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (found) resolve(found[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}
