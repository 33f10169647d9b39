import { randomUUID } from 'node:crypto';
import { KumiwakeError } from '../../errors.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';
import type { ClickHouseAddress } from './address.js';
import { ClickHouseServer } from './http.js';
import { clickHouseTables, createStatements, type Layout } from './schema.js';

/** One shard as Kumiwake reaches it: its number in the cluster, its native address and our HTTP client. */
export interface Shard {
  readonly number: number;
  /** host:port of `system.clusters` (the native port the Distributed tables use) */
  readonly native: string;
  readonly server: ClickHouseServer;
}

/** The table holding a shard's identity token: proves our HTTP address reaches the shard the cluster names. */
const IDENTITY_TABLE = 'kumiwake_shard';

/**
 * The servers holding one Kumiwake database: the one of the URL (which runs counts through the
 * Distributed tables), and with a cluster each shard of `system.clusters`, reached over HTTP.
 * 18.16 has no ON CLUSTER without ZooKeeper, so DDL and shard-local work go to each shard.
 * A shard's HTTP address is its host with the URL's port, unless the URL lists them
 * (`shards=HOST:PORT,…`, in shard order): shards on one host differ in port.
 */
export class ClickHouseCluster {
  private constructor(
    readonly address: ClickHouseAddress,
    /** the server of the URL, in the database */
    readonly coordinator: ClickHouseServer,
    readonly shards: readonly Shard[],
  ) {}

  get layout(): Layout {
    return { database: this.address.database, ...(this.address.cluster ? { cluster: this.address.cluster } : {}) };
  }

  /**
   * Connects: checks the server answers, and with a cluster reads its shards from
   * `system.clusters`. `create` (cluster init) makes the database on every shard first.
   */
  static async connect(address: ClickHouseAddress, options: { create?: boolean } = {}): Promise<ClickHouseCluster> {
    const server = new ClickHouseServer({ host: address.host, port: address.port, user: address.user, password: address.password });
    // An unreachable server or a refused user is a sentence from the first request.
    await server.run('SELECT 1');
    const database = chIdent(address.database);
    if (!address.cluster) {
      if (options.create) await server.run(`CREATE DATABASE IF NOT EXISTS ${database}`);
      const inDb = server.inDatabase(address.database);
      return new ClickHouseCluster(address, inDb, [{ number: 1, native: `${address.host}`, server: inDb }]);
    }
    const rows = await server.rows<{ shard_num: number; host_address: string; port: number; replica_num: number }>(
      `SELECT shard_num, host_address, port, replica_num FROM system.clusters WHERE cluster = ${chString(address.cluster)} ORDER BY shard_num, replica_num`);
    if (rows.length === 0) {
      const known = (await server.rows<{ cluster: string }>('SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster')).map((r) => r.cluster);
      throw new KumiwakeError('cluster-missing',
        `ClickHouse at ${server.origin} has no cluster "${address.cluster}" in its remote_servers${known.length > 0 ? ` (it has ${known.join(', ')})` : ''}`, 2);
    }
    const first = rows.filter((r) => r.replica_num === 1);
    if (first.length !== rows.length) {
      throw new KumiwakeError('cluster-replicas', `cluster "${address.cluster}" has replicas; Kumiwake runs on one replica per shard (without ZooKeeper)`, 2);
    }
    const listed = address.shards;
    if (listed && listed.length !== first.length) {
      throw new KumiwakeError('bad-engine', `shards= lists ${listed.length} addresses, and cluster "${address.cluster}" has ${first.length} shards`, 2);
    }
    const shards = first.map((r, i) => {
      const [host, port] = listed ? splitHostPort(listed[i]!, address.port) : [r.host_address, address.port];
      return {
        number: r.shard_num,
        native: `${r.host_address.includes(':') ? `[${r.host_address}]` : r.host_address}:${r.port}`,
        server: new ClickHouseServer({ host, port, user: address.user, password: address.password, database: address.database }),
      };
    });
    if (options.create) {
      for (const shard of shards) await shard.server.inDatabase(undefined).run(`CREATE DATABASE IF NOT EXISTS ${database}`);
    }
    const cluster = new ClickHouseCluster(address, server.inDatabase(address.database), shards);
    await cluster.checkShardIdentities(options.create ?? false);
    return cluster;
  }

  /**
   * Each shard's HTTP address must reach the server the cluster names at that shard's native
   * address: a token written over HTTP is read back through `remote()`. Init writes the tokens.
   */
  private async checkShardIdentities(write: boolean): Promise<void> {
    const table = `${chIdent(this.address.database)}.${IDENTITY_TABLE}`;
    for (const shard of this.shards) {
      if (write) {
        await shard.server.run(`CREATE TABLE IF NOT EXISTS ${table} (shard UInt32, token String) ENGINE = TinyLog`);
        const existing = await shard.server.rows<{ token: string }>(`SELECT token FROM ${table}`);
        if (existing.length === 0) await shard.server.run(`INSERT INTO ${table} VALUES (${shard.number}, ${chString(randomUUID())})`);
      }
      const [mine] = await shard.server.rows<{ token: string }>(`SELECT token FROM ${table}`).catch(() => [] as Array<{ token: string }>);
      const [named] = await this.coordinator.rows<{ token: string }>(
        `SELECT token FROM remote(${chString(shard.native)}, ${chString(this.address.database)}, ${chString(IDENTITY_TABLE)})`).catch(() => [] as Array<{ token: string }>);
      if (!mine || (!named && !write)) {
        throw new KumiwakeError('cluster-not-initialised',
          `shard ${shard.number} (${shard.native}) of cluster "${this.address.cluster}" holds no Kumiwake database "${this.address.database}" yet: run kumiwake cluster init`, 2);
      }
      if (mine.token !== named?.token) {
        throw new KumiwakeError('bad-engine',
          `shard ${shard.number} of cluster "${this.address.cluster}" is ${shard.native}, and ${shard.server.origin} is another server: ` +
          'give each shard\'s HTTP address in the URL (?cluster=NAME&shards=HOST:PORT,HOST:PORT, in shard order)', 2);
      }
    }
  }

  /** Creates the data tables on every shard (idempotent): `kumiwake cluster init`. */
  async createTables(): Promise<string[]> {
    const created: string[] = [];
    for (const shard of this.shards) {
      for (const table of clickHouseTables()) {
        for (const statement of createStatements(this.layout, table)) await shard.server.run(statement);
      }
    }
    for (const table of clickHouseTables()) created.push(table.name);
    return created;
  }

  /** Runs `work` on every shard, one after another (2 cores: no gain in parallel; errors stay in order). */
  async eachShard<T>(work: (shard: Shard) => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (const shard of this.shards) out.push(await work(shard));
    return out;
  }
}

function splitHostPort(text: string, fallbackPort: number): [string, number] {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new KumiwakeError('bad-engine', `shards=: "${text}" is not HOST:PORT`, 2);
  return [match[1]!, match[2] ? Number(match[2]) : fallbackPort];
}
