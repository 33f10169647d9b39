/** The tables and the literal function on a current ClickHouse (chdb 26.7, in-process; an optional dependency). */
import { describe, expect, it } from 'vitest';
import { chDate, chDateTime, chDecimal, chInteger, chString } from '../../src/dialect/clickhouse/literal.js';
import { clickHouseTables, createStatements } from '../../src/engine/clickhouse/schema.js';

type ChdbSession = { query(sql: string, format?: string): string; cleanup?(): void };
const chdb = await import('chdb').catch(() => undefined) as { Session: new () => ChdbSession } | undefined;
if (!chdb) console.warn('chdb is not installed (optional dependency): the ClickHouse 26.7 checks are skipped');

describe.skipIf(chdb === undefined)('on ClickHouse 26.7 (chdb)', () => {
  it('creates every table of sql/clickhouse/tables.sql, and hostile literals read back equal', () => {
    const session = new chdb!.Session();
    try {
      session.query('CREATE DATABASE IF NOT EXISTS shop');
      for (const table of clickHouseTables()) for (const statement of createStatements({ database: 'shop' }, table)) session.query(statement);
      const tables = session.query("SELECT name FROM system.tables WHERE database = 'shop' ORDER BY name", 'TabSeparated').trim().split('\n');
      expect(tables).toEqual([...clickHouseTables().map((t) => t.name)].sort());
      const hostile = ["O'Brien", '\\', 'a\u0000b', 'line\nnext\ttab', '🍣 ｶﾅ', "'; DROP TABLE shop.customers; --"];
      session.query(`INSERT INTO shop.customers (customer_id, birthday, registered_at, tags) VALUES ${hostile.map((h, i) =>
        `(${chString(h)}, ${chDate('1968-03-30')}, ${chDateTime(`2026-01-0${i + 1} 03:04:05`)}, [${chString(h)}])`).join(', ')}`);
      const back = JSON.parse(session.query('SELECT groupArray(customer_id) AS ids FROM (SELECT customer_id FROM shop.customers ORDER BY registered_at)', 'JSONEachRow')) as { ids: string[] };
      expect(back.ids).toEqual(hostile);
      const exact = session.query(`SELECT toString(${chInteger(18446744073709551615n)}), toString(${chDecimal('12345678901234.5678')}), ${chInteger(-5)} + 1`, 'TabSeparated');
      expect(exact).toBe('18446744073709551615\t12345678901234.5678\t-4\n');
    } finally {
      session.cleanup?.();
    }
  });
});
