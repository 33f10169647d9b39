/**
 * Answers ClickHouse gives over HTTP that are not what they seem. ClickHouse 18.16 on a cluster now and then fails a distributed read with code 101 "Unexpected
 * packet Data received from client" (a pooled shard connection left out of step by an earlier
 * cancelled query; fixed upstream in 20.12). A read is asked again; a write never is. An error
 * met after the first rows went out is written into the answer's body under a 200 status: it is
 * an error, never a row (a customer id "Code: 241, …" in an export). Against a
 * stand-in HTTP server that answers as ClickHouse does, so no ClickHouse is needed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClickHouseServer } from '../../src/engine/clickhouse/http.js';
import { QueryError } from '../../src/engine/engine.js';

const OUT_OF_STEP = 'Code: 101, e.displayText() = DB::Exception: Received from 127.0.0.1:9001. DB::NetException: Unexpected packet Data received from client, e.what() = DB::Exception';

describe('a read that meets a shard connection out of step is asked again', () => {
  let server: Server;
  let clickhouse: ClickHouseServer;
  /** statements received, and how many more answers fail */
  let received: string[] = [];
  let failing = 0;
  let failure = OUT_OF_STEP;
  let answer = 'n\nUInt64\n42\n';

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        received.push(url.searchParams.get('query') ?? body);
        if (failing > 0) {
          failing--;
          response.writeHead(500).end(failure);
          return;
        }
        response.writeHead(200).end(answer);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    clickhouse = new ClickHouseServer({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, database: 'shop' });
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    received = [];
    failing = 0;
    failure = OUT_OF_STEP;
    answer = 'n\nUInt64\n42\n';
  });

  it('gives the rows of a SELECT that failed twice that way, after three requests', async () => {
    failing = 2;
    expect(await clickhouse.rows<{ n: bigint }>('SELECT count() AS n FROM customers')).toEqual([{ n: 42n }]);
    expect(received).toHaveLength(3);
  });

  it('gives the error when the third answer fails too', async () => {
    failing = 3;
    await expect(clickhouse.rows('WITH 1 AS x SELECT x AS n')).rejects.toThrow(/Unexpected packet Data/);
    expect(received).toHaveLength(3);
  });

  it('never sends a write again: an INSERT fails at once', async () => {
    failing = 1;
    await expect(clickhouse.insertTsv('customers', ['customer_id'], 'C1\n')).rejects.toBeInstanceOf(QueryError);
    expect(received).toEqual(['INSERT INTO customers (customer_id) FORMAT TabSeparated']);
    failing = 1;
    await expect(clickhouse.run('ALTER TABLE customers DELETE WHERE 1')).rejects.toThrow(/Unexpected packet/);
    expect(received).toHaveLength(2);
  });

  it('asks no read again for any other error', async () => {
    failing = 1;
    failure = 'Code: 47, e.displayText() = DB::Exception: Unknown identifier: nme, e.what() = DB::Exception';
    await expect(clickhouse.rows('SELECT nme FROM customers')).rejects.toThrow(/Unknown identifier/);
    expect(received).toHaveLength(1);
  });
});

describe('an error ClickHouse writes into an answer it has begun', () => {
  let server: Server;
  let clickhouse: ClickHouseServer;
  let answer = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200).end(answer));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    clickhouse = new ClickHouseServer({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, database: 'shop' });
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const streamed = async (sql: string) => {
    const ids: unknown[] = [];
    for await (const [column] of clickhouse.columns(sql, 2)) ids.push(...column!);
    return ids;
  };

  it('fails a streamed read and a whole read after the rows so far, in the 18.16 form', async () => {
    answer = 'customer_id\tn\nString\tUInt64\nC1\t1\nC2\t2\nC3\t3\nCode: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB, e.what() = DB::Exception\n';
    await expect(streamed('SELECT customer_id, n FROM members')).rejects.toThrow(/Code: 241.*Memory limit/);
    await expect(clickhouse.rows('SELECT customer_id, n FROM members')).rejects.toBeInstanceOf(QueryError);
  });

  it('fails a read of one text column, where the error would fit as a value, in the current form and without a last newline', async () => {
    answer = 'customer_id\nString\nC1\nC2\nCode: 241. DB::Exception: Memory limit (for query) exceeded. (MEMORY_LIMIT_EXCEEDED) (version 26.7.1.1)';
    await expect(streamed('SELECT customer_id FROM members')).rejects.toThrow(/MEMORY_LIMIT_EXCEEDED/);
    await expect(clickhouse.rows('SELECT customer_id FROM members')).rejects.toThrow(/MEMORY_LIMIT_EXCEEDED/);
    answer = 'customer_id\nString\nC1\nC2\nCode: 241. DB::Exception: Memory limit (for query) exceeded.\n';
    await expect(streamed('SELECT customer_id FROM members')).rejects.toThrow(/Memory limit/);
  });

  it('fails an answer cut in the middle of a row, and a row of the wrong width', async () => {
    answer = 'customer_id\tn\nString\tUInt64\nC1\t1\nC2';
    await expect(streamed('SELECT customer_id, n FROM members')).rejects.toThrow(/ended in the middle of a row/);
    answer = 'customer_id\tn\nString\tUInt64\nC1\t1\t9\n';
    await expect(streamed('SELECT customer_id, n FROM members')).rejects.toThrow(/a row of 3 fields where its header names 2/);
  });

  it('reads whole answers as before: empty text values, an empty answer, more rows than a batch', async () => {
    answer = 'customer_id\tname\nString\tString\nC1\t\nC2\tx\nC3\t\\N\n';
    expect(await streamed('SELECT customer_id, name FROM members')).toEqual(['C1', 'C2', 'C3']);
    expect(await clickhouse.rows('SELECT customer_id, name FROM members')).toEqual([{ customer_id: 'C1', name: '' }, { customer_id: 'C2', name: 'x' }, { customer_id: 'C3', name: null }]);
    answer = 'customer_id\nString\n';
    expect(await streamed('SELECT customer_id FROM members')).toEqual([]);
  });
});
