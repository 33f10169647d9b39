import type { Argv } from 'yargs';
import { initClickHouse, KumiwakeError, type ClickHouseInitResult } from '../index.js';
import { config } from './context.js';
import { emit, type GlobalArgs } from './output.js';

/** Which flag or variable gave the engine setting, for messages. */
export const engineSettingName = (argv: GlobalArgs): string => (argv.engine !== undefined && argv.engine === config.engine ? 'KUMIWAKE_ENGINE' : '--engine');

function initText(result: ClickHouseInitResult): string {
  const where = result.cluster
    ? `cluster ${result.cluster}: ${result.shards.map((s) => `shard ${s.shard} ${s.native} (${s.http})`).join(', ')}`
    : `one server ${result.shards[0]?.http ?? ''}`;
  return `ClickHouse database ${result.database} ready on ${where}\n  tables: ${result.tables.join(', ')}`;
}

/** `kumiwake cluster init`: the database and tables of a ClickHouse engine, on every shard. */
export function clusterCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('cluster', 'a ClickHouse engine (--engine clickhouse://HOST:8123/DATABASE?cluster=NAME)', (y) =>
    y
      .command('init', 'create the database and tables: local tables on every shard, sharded by customer, with Distributed tables over them (idempotent)', (i) => i,
        async (argv) => {
          if (!argv.engine) {
            throw new KumiwakeError('bad-engine', 'kumiwake cluster init needs the engine: --engine clickhouse://HOST:8123/DATABASE?cluster=NAME (or KUMIWAKE_ENGINE)', 2);
          }
          const result = await initClickHouse(argv.engine, { settingName: engineSettingName(argv) });
          emit(argv, result, () => initText(result));
        })
      .demandCommand(1, 'name a cluster command: init'));
}
