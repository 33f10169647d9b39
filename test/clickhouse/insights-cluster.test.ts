/** The ClickHouse planner's insight statements on two 18.16 shards (folded copies, no NFKC in SQL) against the DuckDB planner's. */
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { insightPlannerTests } from './insights-planner.js';
import { clusterTarget } from './planner-targets.js';
import { clickhouseMissing, startServers } from './servers.js';

/** Two started servers with the tables of a new database, as a target. */
async function openCluster() {
  const missing = clickhouseMissing();
  if (missing) return missing;
  const servers = await startServers(2);
  try {
    const shards = servers.servers.map((s) => `127.0.0.1:${s.httpPort}`).join(',');
    const cluster = await ClickHouseCluster.connect(parseClickHouseUrl(`${servers.engineUrl('insights', true)}&shards=${shards}`), { create: true });
    await cluster.createTables();
    return clusterTarget(cluster, () => servers.stop());
  } catch (e) {
    await servers.stop();
    throw e;
  }
}

insightPlannerTests('two 18.16 shards', openCluster);
