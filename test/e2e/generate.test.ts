import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { query, runCli, tempDir } from '../helpers/cli.js';

const lineCount = async (db: string, table: string) => (await query<{ n: number }>(db, `SELECT count(*)::INT AS n FROM ${table}`))[0]!.n;

describe('kumiwake generate', () => {
  const dir = tempDir();
  const gen = (out: string, seed = '7') => runCli(['generate', '--customers', '400', '--out', join(dir, out), '--seed', seed, '--until', '2026-06-30']);

  it('writes the same files for the same seed and different ones for another', () => {
    expect(gen('a').code).toBe(0);
    expect(gen('b').code).toBe(0);
    expect(gen('c', '8').code).toBe(0);
    for (const f of ['customers.csv', 'products.csv', 'purchases.csv', 'mails.csv', 'mail_events.csv']) {
      expect(readFileSync(join(dir, 'a', f)).equals(readFileSync(join(dir, 'b', f))), f).toBe(true);
    }
    expect(readFileSync(join(dir, 'a', 'purchases.csv')).equals(readFileSync(join(dir, 'c', 'purchases.csv')))).toBe(false);
  });

  it('writes CP932 with Japanese headers, a BOM, and files that import whole', async () => {
    const customers = iconv.decode(readFileSync(join(dir, 'a', 'customers.csv')), 'cp932');
    expect(customers.split('\n')[0]).toMatch(/^会員番号,登録店舗,氏名,フリガナ,性別,生年月日/);
    expect(readFileSync(join(dir, 'a', 'products.csv')).subarray(0, 3).toString('hex')).toBe('efbbbf');
    const db = join(dir, 'gen.duckdb');
    const files = { customers: 'customers.csv', products: 'products.csv', purchases: 'purchases.csv', mails: 'mails.csv', 'mail-events': 'mail_events.csv' };
    for (const [table, file] of Object.entries(files)) {
      const text = readFileSync(join(dir, 'a', file));
      const r = runCli(['import', table, join(dir, 'a', file), '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rows = text.toString('latin1').split('\n').filter((l) => l !== '').length - 1;
      expect(JSON.parse(r.stdout).rowsLoaded, file).toBe(rows);
    }
    expect(await lineCount(db, 'customers')).toBe(400);
    const [shape] = await query<{ orders: number; cancelled: number; guests: number; last_day: string }>(
      db,
      `SELECT count(DISTINCT order_id)::INT AS orders, count(*) FILTER (WHERE status = 'cancelled')::INT AS cancelled,
              count(DISTINCT customer_id) FILTER (WHERE customer_id NOT IN (SELECT customer_id FROM customers))::INT AS guests,
              max(ordered_at)::DATE::VARCHAR AS last_day
       FROM purchases`,
    );
    expect(shape!.orders).toBeGreaterThan(400);
    expect(shape!.cancelled).toBeGreaterThan(0);
    expect(shape!.guests).toBeGreaterThan(0);
    expect(shape!.last_day <= '2026-06-30').toBe(true);
    const events = await query<{ event: string }>(db, 'SELECT DISTINCT event FROM mail_events ORDER BY 1');
    expect(events.map((e) => e.event)).toEqual(['bounce', 'click', 'open', 'qr', 'send']);
  });

  // /dev/full refuses every write with ENOSPC, as a full disk does: as the temporary file DuckDB
  // writes the order lines to, and as the one the customers are re-encoded to CP932 in (by Node).
  it.skipIf(!existsSync('/dev/full')).each([
    { full: 'purchases.csv.utf8.tmp', left: ['customers.csv', 'products.csv'] },
    { full: 'customers.csv.tmp', left: [] },
  ])('says the disk is full when $full is, naming it, and leaves no temporary file behind', ({ full, left }) => {
    const out = join(dir, `full-${full}`);
    mkdirSync(out, { recursive: true });
    symlinkSync('/dev/full', join(out, full));
    const r = gen(`full-${full}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kumiwake: no space left on the device: could not write ${join(out, full)}. Free some space on it`);
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(out).sort()).toEqual(left);
  });
});
