import { describe, expect, it } from 'vitest';
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { localTableName } from '../../src/engine/clickhouse/schema.js';
import { KumiwakeError } from '../../src/errors.js';

describe('the ClickHouse engine setting', () => {
  it('reads host, port, database, cluster, shards and user', () => {
    expect(parseClickHouseUrl('clickhouse://ch1:8124/shop?cluster=kumiwake')).toEqual({ host: 'ch1', port: 8124, database: 'shop', cluster: 'kumiwake' });
    expect(parseClickHouseUrl('clickhouse://db.example/shop')).toEqual({ host: 'db.example', port: 8123, database: 'shop' });
    expect(parseClickHouseUrl('clickhouse://u%40x:p%3Aw@[::1]:9/shop?cluster=c&shards=a:1,[::1]:2')).toEqual({
      host: '::1', port: 9, database: 'shop', cluster: 'c', shards: ['a:1', '[::1]:2'], user: 'u@x', password: 'p:w',
    });
  });

  it('refuses what it cannot read with a sentence naming the setting (and never the password)', () => {
    const fault = (text: string, setting?: string) => {
      try {
        parseClickHouseUrl(text, setting);
      } catch (e) {
        expect(e).toBeInstanceOf(KumiwakeError);
        expect((e as KumiwakeError).exitCode).toBe(2);
        return (e as Error).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(fault('not a url', 'KUMIWAKE_ENGINE')).toMatch(/^KUMIWAKE_ENGINE "not a url": is not a URL \(write clickhouse:\/\/HOST:8123\/DATABASE\?cluster=NAME\)$/);
    expect(fault('http://h:8123/shop')).toMatch(/scheme is "http"/);
    expect(fault('clickhouse://h:8123/')).toMatch(/names no database/);
    expect(fault('clickhouse://h:8123/a-b')).toMatch(/database "a-b"/);
    expect(fault('clickhouse://h:8123/shop?cluster=x;DROP')).toMatch(/cluster "x;DROP"/);
    expect(fault('clickhouse://h:8123/shop?replicas=2')).toMatch(/"replicas" is not an option/);
    expect(fault('clickhouse://h:8123/shop?shards=a:1')).toMatch(/shards= needs cluster=/);
    expect(fault('clickhouse://u:secret@h:99999/shop')).not.toMatch(/secret/);
  });

  it('names the shard-local table of a sharded table on a cluster only', () => {
    expect(localTableName({ cluster: 'kumiwake' }, 'purchases')).toBe('purchases_local');
    expect(localTableName({ cluster: 'kumiwake' }, 'products')).toBe('products');
    expect(localTableName({}, 'purchases')).toBe('purchases');
  });
});
