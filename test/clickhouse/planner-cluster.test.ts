/**
 * The ClickHouse planner on two 18.16 shards (servers.ts: Debian's clickhouse-server, no NFKC in
 * SQL, so text is compared with the folded copies) against the reference evaluator.
 */
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { attributeDateTests } from './planner-attribute-dates.js';
import { hostileValueTests } from './planner-hostile.js';
import { plannerPropertyTests } from './planner-property.js';
import { clusterTarget } from './planner-targets.js';
import { clickhouseMissing, startServers } from './servers.js';

let database = 0;

/** Two started servers with the tables of a new database, as a target. */
async function openCluster() {
  const missing = clickhouseMissing();
  if (missing) return missing;
  const servers = await startServers(2);
  try {
    // The shards share a host, so their HTTP ports are listed (shards=).
    const shards = servers.servers.map((s) => `127.0.0.1:${s.httpPort}`).join(',');
    const cluster = await ClickHouseCluster.connect(parseClickHouseUrl(`${servers.engineUrl(`planner${++database}`, true)}&shards=${shards}`), { create: true });
    await cluster.createTables();
    return clusterTarget(cluster, () => servers.stop());
  } catch (e) {
    await servers.stop();
    throw e;
  }
}

plannerPropertyTests('two 18.16 shards', openCluster);
hostileValueTests('two 18.16 shards', openCluster);
attributeDateTests('two 18.16 shards', openCluster);
