import { KumiwakeError } from '../../errors.js';

/**
 * Where a ClickHouse engine lives:
 * `clickhouse://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?cluster=NAME[&shards=HOST:PORT,…]]`.
 */
export interface ClickHouseAddress {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** the cluster of `remote_servers` whose shards hold the data; none = one server */
  readonly cluster?: string;
  /** each shard's HTTP address (HOST:PORT), in shard order, when not the URL's port on the shard's host */
  readonly shards?: readonly string[];
  readonly user?: string;
  readonly password?: string;
}

/** `http://HOST:PORT` (without the user), for messages. */
export const httpOrigin = (a: { host: string; port: number }) => `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;

/** The engine setting (`--engine`, KUMIWAKE_ENGINE) names ClickHouse. */
export const isClickHouseSetting = (setting: string) => /^clickhouse:/i.test(setting.trim());

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the engine setting. Every fault is a sentence naming the setting and what to write;
 * `setting` is how the user gave it (`--engine`, `KUMIWAKE_ENGINE`).
 */
export function parseClickHouseUrl(text: string, setting = '--engine'): ClickHouseAddress {
  const example = 'clickhouse://HOST:8123/DATABASE?cluster=NAME';
  const fail = (why: string) => new KumiwakeError('bad-engine', `${setting} "${text.replace(/:[^:@/]*@/, ':***@')}": ${why} (write ${example})`, 2);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw fail('is not a URL');
  }
  if (url.protocol !== 'clickhouse:') throw fail(`the scheme is "${url.protocol.replace(/:$/, '')}", not clickhouse`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw fail('names no host');
  const port = url.port === '' ? 8123 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail(`port ${url.port} is not a port`);
  const path = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  if (path === '') throw fail('names no database');
  if (!NAME.test(path)) throw fail(`database "${path}" must be letters, digits and _ (not starting with a digit)`);
  for (const key of url.searchParams.keys()) {
    if (key !== 'cluster' && key !== 'shards') throw fail(`"${key}" is not an option (cluster, shards)`);
  }
  const cluster = url.searchParams.get('cluster') ?? undefined;
  if (cluster !== undefined && !NAME.test(cluster)) throw fail(`cluster "${cluster}" must be letters, digits and _`);
  const shards = url.searchParams.get('shards')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (shards && !cluster) throw fail('shards= needs cluster=');
  for (const shard of shards ?? []) {
    if (!/^(\[[^\]]+\]|[^:\[\]]+)(:\d{1,5})?$/.test(shard)) throw fail(`shard "${shard}" is not HOST:PORT`);
  }
  return {
    host,
    port,
    database: path,
    ...(cluster ? { cluster } : {}),
    ...(shards && shards.length > 0 ? { shards } : {}),
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}
