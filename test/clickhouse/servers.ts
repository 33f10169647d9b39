/**
 * Two local ClickHouse servers for the ClickHouse tests: the repository's one starter
 * (src/engine/clickhouse/local-servers.ts: Debian's `clickhouse-server` 18.16 on free
 * 127.0.0.1 ports, a two-shard cluster `kumiwake` without ZooKeeper), with a user who has a
 * password for the tests of a refused login.
 *
 * Where the server binary is missing the tests skip with a message (`clickhouseMissing`), and
 * fail under `CI=true`: CI installs it (.ci/run).
 */
import { CLICKHOUSE_SERVER, localServerMissing, startLocalServers, type LocalServers } from '../../src/engine/clickhouse/local-servers.js';

export { CLICKHOUSE_SERVER, serverQuery, type ServerProcess } from '../../src/engine/clickhouse/local-servers.js';
export type Servers = LocalServers;

/** Why the ClickHouse tests cannot run here, or undefined when they can. */
export function clickhouseMissing(): string | undefined {
  const missing = localServerMissing();
  if (missing === undefined) return undefined;
  const reason = `${missing}: the ClickHouse tests are skipped (as .ci/run installs it)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true they must run`);
  console.warn(reason);
  return reason;
}

/** A user with a password, for the tests of a refused login. */
export const PASSWORD_USER = { user: 'kumiwake', password: 'sesame' } as const;

/** Starts `count` servers (default 2) forming the cluster `kumiwake`, one shard each. */
export function startServers(count = 2): Promise<Servers> {
  return startLocalServers({ count, users: [PASSWORD_USER] });
}
