import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chBytes, chDate, chDateTime, chDecimal, chIdent, chInteger, chString } from '../../src/dialect/clickhouse/literal.js';
import { ClickHouseServer } from '../../src/engine/clickhouse/http.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';

const missing = clickhouseMissing();

const HOSTILE = [
  "O'Brien", "''", "\\'", '\\', 'C:\\path\\', "'; DROP TABLE t; --", 'a\u0000b', '\u0000', 'line\nnext', 'cr\rlf\r\n', 'tab\there',
  '\u0007\u0008\u000b\u000c\u001b\u007f', '山田 太郎 ｶﾅ 🍣', '\uFEFFbom', '\u2028\u2029', '`backquote`', '"double"', '\\x41', '\\N', '$1 ?', "x' OR 1=1 --", '',
];

describe.skipIf(missing !== undefined)('literals read back equal through a real ClickHouse 18.16', () => {
  let servers: Servers;
  let server: ClickHouseServer;
  beforeAll(async () => {
    servers = await startServers(1);
    server = new ClickHouseServer({ host: '127.0.0.1', port: servers.servers[0]!.httpPort });
    await server.run('CREATE TABLE default.strings (i UInt32, s String) ENGINE = Memory');
  }, 120_000);
  afterAll(async () => servers?.stop(), 60_000);

  it('stores hostile strings inserted as literals exactly, and finds them by literal', async () => {
    await server.run(`INSERT INTO default.strings VALUES ${HOSTILE.map((s, i) => `(${i}, ${chString(s)})`).join(', ')}`);
    const rows = await server.rows<{ i: number; s: string }>('SELECT i, s FROM default.strings ORDER BY i');
    expect(rows.map((r) => r.s)).toEqual(HOSTILE);
    for (const [i, s] of HOSTILE.entries()) {
      const [found] = await server.rows<{ i: number }>(`SELECT i FROM default.strings WHERE s = ${chString(s)}`);
      expect(found?.i, JSON.stringify(s)).toBe(i);
    }
    // The bytes are the UTF-8 of the text, not a lossy copy.
    const [bytes] = await server.rows<{ h: string }>(`SELECT hex(${chString('é\u0000🍣')}) AS h`);
    expect(bytes!.h).toBe(Buffer.from('é\u0000🍣').toString('hex').toUpperCase());
  });

  it('writes bytes that are not UTF-8 one by one, and names with any character', async () => {
    const [row] = await server.rows<{ h: string }>(`SELECT hex(${chBytes(Uint8Array.from([0xff, 0xfe, 0x00, 0x27, 0x5c, 0x80]))}) AS h`);
    expect(row!.h).toBe('FFFE00275C80');
    await server.run(`CREATE TABLE default.${chIdent('a`b\\c:会員')} (${chIdent('attr:x`y')} String) ENGINE = Memory`);
    const [table] = await server.rows<{ name: string }>("SELECT name FROM system.tables WHERE database = 'default' AND name LIKE 'a%'");
    expect(table!.name).toBe('a`b\\c:会員');
  });

  it('keeps 64-bit integers, decimals, dates before 1970 and timestamps exact', async () => {
    const [row] = await server.rows<Record<string, unknown>>(`SELECT toString(${chInteger(18446744073709551615n)}) AS umax, toString(${chInteger(-9223372036854775808n)}) AS imin,
      toString(${chDecimal('12345678901234.5678')}) AS dec, toString(${chDecimal('-0.0001')}) AS small, ${chDate('1968-03-30')} AS birthday,
      toString(${chDateTime('2026-01-02 03:04:05')}) AS ts, toUnixTimestamp(${chDateTime('1970-01-01 00:00:00')}) AS epoch`);
    expect(row).toEqual({ umax: '18446744073709551615', imin: '-9223372036854775808', dec: '12345678901234.5678', small: '-0.0001', birthday: 19680330, ts: '2026-01-02 03:04:05', epoch: 0 });
  });
});
