/**
 * Ids the state file computed (a job's entered / left, a diff's two sides: src/jobs/) sent to the
 * server the lists are read from, as a Memory table like the evaluated members
 * (src/segments/clickhouse-target.ts): customer_id, and a diff's `change`. A list reads it with
 * `idsOnly` (select.ts), so an id no longer stored is still listed.
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../engine/engine.js';
import { chIdent } from '../../dialect/clickhouse/literal.js';
import { clickhouseEngineOf } from './context.js';

/** TSV's escapes of a text field (the rows travel as data, never inside SQL). */
const tsvField = (value: unknown) => String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\0/g, '\\0');

/**
 * Copies the rows of `select` (a statement of the state file giving customer_id and, with
 * `withChange`, change) to a new Memory table on the server; returns its qualified name. Drop it
 * with `dropServerIds`.
 */
export async function sendStateIds(db: Engine, select: string, withChange: boolean): Promise<string> {
  const engine = clickhouseEngineOf(db);
  const table = `${chIdent(engine.layout.database)}.${chIdent(`kumiwake_ids_${process.pid}_${randomBytes(4).toString('hex')}`)}`;
  const columns = withChange ? ['customer_id', 'change'] : ['customer_id'];
  await engine.servers.coordinator.run(`CREATE TABLE ${table} (customer_id String${withChange ? ', change String' : ''}) ENGINE = Memory`);
  try {
    const encoder = new TextEncoder();
    async function* lines(): AsyncGenerator<Uint8Array> {
      for await (const batch of engine.state.stream(select)) {
        let text = '';
        for (let r = 0; r < (batch[0]?.length ?? 0); r++) text += `${batch.map((column) => tsvField(column[r])).join('\t')}\n`;
        if (text !== '') yield encoder.encode(text);
      }
    }
    await engine.servers.coordinator.insertTsv(table, columns, lines());
  } catch (error) {
    await dropServerIds(db, table);
    throw error;
  }
  return table;
}

/** Drops a table `sendStateIds` made. */
export async function dropServerIds(db: Engine, table: string): Promise<void> {
  await clickhouseEngineOf(db).servers.coordinator.run(`DROP TABLE IF EXISTS ${table}`);
}
