/**
 * Local ClickHouse servers for the tests and the benchmark: Debian's `clickhouse-server` (18.16)
 * started `count` times on 127.0.0.1 with free ports, each in its own folder under one temporary
 * folder, all knowing a cluster `kumiwake` of one shard per server (shard 1 = first server)
 * through `remote_servers`, without ZooKeeper. `startLocalServers` waits for `/ping` on every
 * server; `stop` ends the processes it started (by their pids) and removes the folder.
 *
 * The one starter of the repository: test/clickhouse/servers.ts and src/bench/run-clickhouse.ts
 * use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_SERVER = process.env.KUMIWAKE_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

/** Why local servers cannot be started here (no binary), or undefined when they can. */
export function localServerMissing(): string | undefined {
  return existsSync(CLICKHOUSE_SERVER) ? undefined : `${CLICKHOUSE_SERVER} is missing (apt-get install clickhouse-server)`;
}

export interface LocalServerOptions {
  /** how many servers (shards of the cluster `kumiwake`); default 2 */
  readonly count?: number;
  /** users besides `default` (no password), e.g. for the tests of a refused login */
  readonly users?: ReadonlyArray<{ readonly user: string; readonly password: string }>;
  /** the default profile's `max_threads` per query on each server (unset: ClickHouse's default, the cores) */
  readonly maxThreads?: number;
  /** the default profile's `log_queries`: every query in system.query_log (the benchmark reads it) */
  readonly logQueries?: boolean;
  /** the default profile's `max_memory_usage` per query; default 2,000,000,000 bytes */
  readonly maxMemoryUsage?: number;
}

export interface ServerProcess {
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
}

export interface LocalServers {
  readonly servers: readonly ServerProcess[];
  /** the cluster name every server knows */
  readonly cluster: 'kumiwake';
  /**
   * The engine setting on the first server: `clickhouse://127.0.0.1:PORT/DATABASE?cluster=kumiwake&shards=…`
   * (the shards share a host, so their HTTP ports are listed), or one server without `cluster`
   */
  engineUrl(database: string, cluster?: boolean): string;
  stop(): Promise<void>;
}

/** A port another process took between our finding it free and the server binding it. */
class PortTaken extends Error {}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function usersXml(options: LocalServerOptions): string {
  const networks = '<networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota>';
  const others = (options.users ?? []).map(({ user, password }) => `<${user}><password>${password}</password>${networks}</${user}>`).join('\n    ');
  const profile = [
    `<max_memory_usage>${options.maxMemoryUsage ?? 2_000_000_000}</max_memory_usage>`,
    options.maxThreads === undefined ? '' : `<max_threads>${Math.floor(options.maxThreads)}</max_threads>`,
    options.logQueries ? '<log_queries>1</log_queries>' : '',
  ].join('');
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default>${profile}</default></profiles>
  <users>
    <default><password></password>${networks}</default>
    ${others}
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

function configXml(dir: string, httpPort: number, tcpPort: number, shardTcpPorts: readonly number[], token: string): string {
  const shards = shardTcpPorts.map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <mark_cache_size>134217728</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
  <remote_servers><kumiwake>${shards}</kumiwake></remote_servers>
  <macros><kumiwake_token>${token}</kumiwake_token></macros>
</yandex>
`;
}

async function waitForPing(server: ServerProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (server.process.exitCode !== null) {
      const log = existsSync(`${server.dir}/server.err.log`) ? readFileSync(`${server.dir}/server.err.log`, 'utf8').slice(-2000) : '';
      const message = `clickhouse-server on port ${server.httpPort} exited with ${server.process.exitCode}:\n${log}`;
      throw /already in use|Cannot assign|bind/i.test(log) ? new PortTaken(message) : new Error(message);
    }
    try {
      const response = await fetch(`${server.url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && (await response.text()).startsWith('Ok')) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`clickhouse-server on port ${server.httpPort} did not answer /ping within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the servers. A free port can be taken by another process (tests start servers too)
 * before the server binds it: each server's token (a macro) is read back over HTTP and through
 * its native port, and on a mismatch the servers start again on other ports.
 */
export async function startLocalServers(options: LocalServerOptions = {}): Promise<LocalServers> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt >= 5) throw e;
    }
  }
}

async function startOnce(options: LocalServerOptions): Promise<LocalServers> {
  const count = options.count ?? 2;
  const ports = [];
  for (let i = 0; i < count; i++) ports.push({ http: await freePort(), tcp: await freePort(), token: randomUUID() });
  const root = mkdtempSync(join(tmpdir(), 'kumiwake-clickhouse-'));
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => stopOne(s)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries()) {
      const dir = join(root, `shard${i + 1}`);
      for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'users.xml'), usersXml(options));
      writeFileSync(join(dir, 'config.xml'), configXml(dir, port.http, port.tcp, ports.map((p) => p.tcp), port.token));
      const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' });
      servers.push({ httpPort: port.http, tcpPort: port.tcp, dir, process: child, url: `http://127.0.0.1:${port.http}` });
    }
    await Promise.all(servers.map((s) => waitForPing(s, 60_000)));
    for (const [i, server] of servers.entries()) {
      const token = ports[i]!.token;
      const macro = "SELECT substitution FROM system.macros WHERE macro = 'kumiwake_token' FORMAT TabSeparated";
      const overHttp = (await serverQuery(server, macro).catch(() => '')).trim();
      const overNative = (await serverQuery(servers[0]!, macro.replace('system.macros', `remote('127.0.0.1:${server.tcpPort}', system.macros)`)).catch(() => '')).trim();
      if (overHttp !== token || overNative !== token || server.process.exitCode !== null) throw new PortTaken(`port ${server.httpPort}/${server.tcpPort} answered for another server`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    servers,
    cluster: 'kumiwake',
    engineUrl: (database, cluster = true) => `clickhouse://127.0.0.1:${servers[0]!.httpPort}/${database}` +
      (cluster ? `?cluster=kumiwake&shards=${servers.map((s) => `127.0.0.1:${s.httpPort}`).join(',')}` : ''),
    stop,
  };
}

async function stopOne(server: ServerProcess): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Killed, not asked to stop: 18.16 given SIGTERM was still running 8 s later, so every stop
  // waited out a 5 s timeout (planner-cluster tests 139 -> 101 s); its folder is removed next.
  child.kill('SIGKILL');
  await exited;
}

/** Runs SQL on one local server over HTTP, as `default` (the starter's and the tests' helper; the engine has its own client). */
export async function serverQuery(server: ServerProcess, sql: string, settings: Record<string, string> = {}): Promise<string> {
  const params = new URLSearchParams(settings);
  const response = await fetch(`${server.url}/?${params}`, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`${text.trim()}\n${sql}`);
  return text;
}
