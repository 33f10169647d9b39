import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { copyRowsToClickHouse } from '../../src/engine/clickhouse/copy.js';
import type { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { clickhouseMissing, serverQuery, startServers, type Servers } from './servers.js';
import { sampleShopInDuckDB } from './sample-shop.js';

const missing = clickhouseMissing();

describe.skipIf(missing !== undefined)('cluster init and the copier on two shards', () => {
  let servers: Servers;
  let shop: DuckDBEngine;
  beforeAll(async () => {
    servers = await startServers();
    shop = await sampleShopInDuckDB();
  }, 120_000);
  afterAll(async () => {
    shop?.close();
    await servers?.stop();
  }, 60_000);

  it('creates local tables on both shards and Distributed tables over them; the copied shop has DuckDB\'s rows, each customer on one shard', async () => {
    const cluster = await ClickHouseCluster.connect(parseClickHouseUrl(servers.engineUrl('shop')), { create: true });
    expect(cluster.shards.map((s) => s.number)).toEqual([1, 2]);
    await cluster.createTables();
    for (const server of servers.servers) {
      const tables = (await serverQuery(server, "SELECT name, engine FROM system.tables WHERE database = 'shop' ORDER BY name FORMAT TabSeparated")).trim().split('\n');
      expect(tables).toContain('customers\tDistributed');
      expect(tables).toContain('customers_local\tMergeTree');
      expect(tables).toContain('purchases_local\tMergeTree');
      expect(tables).toContain('products\tMergeTree');
    }
    const copied = await copyRowsToClickHouse(shop, cluster);
    for (const table of ['customers', 'purchases', 'products', 'mails', 'mail_events', 'subscriptions']) {
      const [duck] = await shop.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
      expect(copied[table], table).toBe(Number(duck!.n));
      const through = await serverQuery(servers.servers[0]!, `SELECT count() FROM shop.${table} FORMAT TabSeparated`);
      expect(Number(through), table).toBe(Number(duck!.n));
    }
    // Every customer's rows on one shard, the same for customers, lines and events.
    const shardOf = new Map<string, number>();
    for (const [i, server] of servers.servers.entries()) {
      const ids = (await serverQuery(server, 'SELECT DISTINCT customer_id FROM shop.customers_local FORMAT TabSeparated')).trim().split('\n');
      expect(ids.length).toBeGreaterThan(50);
      for (const id of ids) {
        expect(shardOf.has(id), id).toBe(false);
        shardOf.set(id, i);
      }
    }
    for (const [i, server] of servers.servers.entries()) {
      for (const table of ['purchases_local', 'mail_events_local', 'subscriptions_local']) {
        const ids = (await serverQuery(server, `SELECT DISTINCT customer_id FROM shop.${table} FORMAT TabSeparated`)).trim().split('\n').filter((x) => x !== '');
        for (const id of ids) if (shardOf.has(id)) expect(shardOf.get(id), `${table} ${id}`).toBe(i);
      }
    }
  }, 120_000);
});
