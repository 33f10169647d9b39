import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TableDef, TableName } from '../../catalog/tables.js';
import { KumiwakeError } from '../../errors.js';
import { InterruptedError, throwIfAborted } from '../../interrupt.js';
import { silentLogger } from '../../logger.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';
import { sqlIdent } from '../../dialect/duckdb/sql-text.js';
import { emptyMapping, loadMapping } from '../../import/mapping.js';
import { DuckDBEngine } from '../duckdb/engine.js';
import { importFiles, type ImportOptions, type ImportResult } from '../duckdb/import/run-import.js';
import type { Shard } from './cluster.js';
import { addMissingColumns, checkTimestamps, sendRows, sourceColumns } from './copy.js';
import { buildSummary, ensureSummaryTables, salesBasisOf } from './customer-summary.js';
import type { ClickHouseEngine } from './engine.js';
import { columnsFilledBy, refuseTimestamp } from './file-columns.js';
import { clickHouseTable, createLikeStatement, FOLDED_SUFFIX, hasFoldedCopy, IMPORT_ID_COLUMN, qualifiedName, storedName, type Layout } from './schema.js';

/**
 * Imports files into a ClickHouse table (see CONTEXT.md, "Imports"): parsed, typed and checked
 * by the DuckDB loader in a scratch DuckDB file (same file:line errors), sent in TSV batches to
 * the import's own tables on every shard (`<stored>_in_<id>`), merged there into the table's next
 * version (`<stored>_next_<id>`), which replaces the table by RENAME once every shard has it.
 * Until then counts read the old version only; a failure or an interrupt drops the import's
 * tables; a process killed during the renames is finished by the next import (`recoverImports`).
 */
export async function importIntoClickHouse(engine: ClickHouseEngine, options: ImportOptions): Promise<ImportResult> {
  const started = new Date();
  const log = options.logger ?? silentLogger;
  await recoverImports(engine);
  const table = options.table;
  const mode = options.mode ?? 'upsert';
  const files = options.files.map((f) => resolve(f));
  const [reserved] = await engine.state.all<{ id: bigint }>(
    `INSERT INTO imports (table_name, mode, files, started_at, finished_at, duration_ms, outcome)
     VALUES ($table, $mode, $files::VARCHAR[], $started::TIMESTAMP, $started::TIMESTAMP, 0, 'running') RETURNING import_id AS id`,
    { table: table.table, mode, files: JSON.stringify(files), started: started.toISOString() });
  const importId = Number(reserved!.id);
  const scratchPath = join(dirname(engine.state.path), `${scratchPrefix(importId)}${process.pid}.duckdb`);
  const scratch = await DuckDBEngine.open(scratchPath, { logger: log });
  try {
    if (table.table === 'purchases') await copyProductsInto(engine, scratch);
    const result = await importFiles(scratch, { ...options, signal: options.signal });
    log.debug({ importId, ms: Date.now() - started.getTime() }, 'files checked in the scratch database');
    throwIfAborted(options.signal);
    const columns = await sourceColumns(scratch, table.table);
    const mapping = options.mappingFile ? loadMapping(options.mappingFile) : emptyMapping;
    const bad = await checkTimestamps(scratch, sqlIdent(table.table), columns);
    if (bad) throw await refuseTimestamp(scratch, table, files, bad.column, bad.value, mapping, options);
    const filled = new Set(files.flatMap((file) => columnsFilledBy(table, file, mapping, options)));
    const landed = await land(engine, scratch, table, mode, importId, columns, filled, options.signal, (step) => log.debug({ importId, ms: Date.now() - started.getTime() }, step));
    const finished = new Date();
    const stored = table.table === 'mail_events' ? landed.gained : result.rowsStored;
    const final: ImportResult = { ...result, files, rowsStored: stored, unknownCustomers: landed.unknownCustomers, durationMs: finished.getTime() - started.getTime() };
    await engine.state.run(
      `UPDATE imports SET encodings = $encodings::VARCHAR[], finished_at = $finished::TIMESTAMP, duration_ms = $duration, rows_read = $read, rows_loaded = $loaded,
         rows_skipped = $skipped, rows_rejected = $rejected, rejects_file = $rejectsFile, outcome = 'ok' WHERE import_id = $id`,
      { encodings: JSON.stringify(final.encodings), finished: finished.toISOString(), duration: final.durationMs, read: final.rowsRead, loaded: final.rowsLoaded,
        skipped: final.rowsSkipped, rejected: final.rowsRejected, rejectsFile: final.rejectsFile, id: importId });
    log.info({ import: final }, 'import into ClickHouse finished');
    return final;
  } catch (caught) {
    const e = options.signal?.aborted ? new InterruptedError(String(options.signal.reason)) : caught;
    const [state] = await engine.state.all<{ outcome: string }>('SELECT outcome FROM imports WHERE import_id = $id', { id: importId });
    // Once committing, the renames are finished (here, or by the next writer), never undone.
    if (state?.outcome === 'committing') {
      const finishing = await finishCommit(engine, table.table, importId).then(() => undefined, (error: unknown) => error);
      if (finishing !== undefined) {
        log.warn({ err: finishing, importId }, 'the import is committed but not yet swapped in on every shard');
        throw new KumiwakeError('import-unfinished',
          `the import of ${files.join(', ')} reached its commit point, but swapping its tables in failed on a shard (${finishing instanceof Error ? finishing.message.split('\n')[0] : String(finishing)}): ` +
          'the next import, or any command opening ClickHouse to write, finishes it', 1);
      }
    } else await dropImportTables(engine, importId).catch((error: unknown) => log.warn({ err: error }, 'could not drop the import tables'));
    await engine.state.run(`UPDATE imports SET finished_at = $finished::TIMESTAMP, duration_ms = $duration, outcome = $outcome, error = $error WHERE import_id = $id AND outcome <> 'ok'`, {
      finished: new Date().toISOString(), duration: Date.now() - started.getTime(), id: importId,
      outcome: state?.outcome === 'committing' ? 'ok' : e instanceof InterruptedError ? 'interrupted' : e instanceof KumiwakeError ? 'rejected' : 'failed',
      error: e instanceof Error ? e.message : String(e),
    }).catch(() => undefined);
    throw e;
  } finally {
    scratch.close();
    removeScratch(engine, importId);
  }
}

/** The scratch database of an import (and DuckDB's write-ahead log and spill folder beside it). */
const scratchPrefix = (id: number) => `.kumiwake-import-${id}-`;

function removeScratch(engine: ClickHouseEngine, id: number): void {
  const dir = dirname(engine.state.path);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(scratchPrefix(id))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** The product master from ClickHouse, so the scratch import gives lines their product_category as DuckDB's does. */
async function copyProductsInto(engine: ClickHouseEngine, scratch: DuckDBEngine): Promise<void> {
  for await (const [codes, categories] of engine.servers.coordinator.columns(
    `SELECT product_code, category FROM ${qualifiedName(engine.layout, 'products')} WHERE category IS NOT NULL`)) {
    await scratch.run(`INSERT INTO products (product_code, category) SELECT unnest($codes::VARCHAR[]), unnest($categories::VARCHAR[])`,
      { codes: JSON.stringify(codes), categories: JSON.stringify(categories) });
  }
}

const suffixes = (id: number) => ({ incoming: `_in_${id}`, next: `_next_${id}`, old: `_old_${id}` });

/**
 * Sends the scratch rows and builds the next version of the table on every shard, then swaps it
 * in. Returns what the table gained (mail events) and the loaded rows' customers unknown to
 * `customers` (purchases, mail events, subscriptions).
 */
async function land(
  engine: ClickHouseEngine, scratch: DuckDBEngine, table: TableDef, mode: string, importId: number,
  columns: ReadonlyArray<{ name: string; type: string }>, filled: ReadonlySet<string>, signal: AbortSignal | undefined, step: (name: string) => void,
): Promise<{ gained: number; unknownCustomers: number | null }> {
  const cluster = engine.servers;
  const layout = cluster.layout;
  const name = table.table;
  const s = suffixes(importId);
  const stored = storedName(layout, name);
  const q = (n: string) => qualifiedName(layout, n);
  const chTable = clickHouseTable(name);
  await cluster.eachShard(async (shard) => {
    for (const suffix of [s.incoming, s.next]) await shard.server.run(createLikeStatement(layout, `${stored}${suffix}`, stored, chTable));
  });
  await addMissingColumns(cluster, name, columns.map((c) => c.name), [s.incoming, s.next]);
  throwIfAborted(signal);
  await sendRows(scratch, cluster, name, sqlIdent(name), columns, importId, { suffix: s.incoming, signal, folderPrefix: join(dirname(engine.state.path), `${scratchPrefix(importId)}send-`) });
  step('rows sent to the shards');
  throwIfAborted(signal);
  // Where the incoming keys are read from: all shards (a line may move to another customer's shard).
  const sharded = stored !== name;
  const incomingAll = sharded ? q(`${name}${s.incoming}`) : undefined;
  const key = table.key.map(chIdent);
  const unknownCustomers = ['purchases', 'mail_events', 'subscriptions'].includes(name)
    ? (await cluster.eachShard(async (shard) => {
      const [row] = await shard.server.rows<{ n: bigint }>(`SELECT uniqExact(customer_id) AS n FROM ${q(`${stored}${s.incoming}`)}
        WHERE customer_id NOT IN (SELECT customer_id FROM ${q(storedName(layout, 'customers'))})`);
      return Number(row!.n);
    })).reduce((a, b) => a + b, 0)
    : null;
  const before = await countRows(cluster.shards, layout, stored);
  await cluster.eachShard(async (shard) => {
    if (before === 0) {
      // Nothing stored: the incoming rows (keys already once, events already distinct) are the next version.
      await shard.server.run(`DROP TABLE ${q(`${stored}${s.next}`)}`);
      await shard.server.run(`RENAME TABLE ${q(`${stored}${s.incoming}`)} TO ${q(`${stored}${s.next}`)}`);
      return;
    }
    const all = (await shard.server.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${chString(layout.database)} AND table = ${chString(`${stored}${s.next}`)}`)).map((r) => r.name);
    const list = all.map(chIdent).join(', ');
    // The stored table lacks the attr:/group: columns this import brings: they stay NULL in its rows.
    const have = new Set((await shard.server.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${chString(layout.database)} AND table = ${chString(stored)}`)).map((r) => r.name));
    const storedList = all.filter((c) => have.has(c)).map(chIdent).join(', ');
    const incoming = q(`${stored}${s.incoming}`);
    const current = q(stored);
    const next = q(`${stored}${s.next}`);
    const keysOf = incomingAll ?? incoming;
    if (mode === 'replace') {
      await shard.server.run(`INSERT INTO ${next} (${list}) SELECT ${list} FROM ${incoming}`);
      return;
    }
    if (name === 'mail_events') {
      // An event already stored is not stored again: one row per distinct event, its first import's id.
      const event = ['customer_id', 'mail_id', 'event', 'occurred_at'].map(chIdent).join(', ');
      await shard.server.run(`INSERT INTO ${next} (${event}, ${IMPORT_ID_COLUMN}) SELECT ${event}, min(${IMPORT_ID_COLUMN}) FROM
        (SELECT ${event}, ${IMPORT_ID_COLUMN} FROM ${current} UNION ALL SELECT ${event}, ${IMPORT_ID_COLUMN} FROM ${incoming}) GROUP BY ${event}`);
      return;
    }
    if (mode === 'append' || key.length === 0) {
      await shard.server.run(`INSERT INTO ${next} (${storedList}) SELECT ${storedList} FROM ${current}`);
      await shard.server.run(`INSERT INTO ${next} (${list}) SELECT ${list} FROM ${incoming}`);
      return;
    }
    const keyTuple = `(${key.join(', ')})`;
    await shard.server.run(`INSERT INTO ${next} (${storedList}) SELECT ${storedList} FROM ${current} WHERE ${keyTuple} NOT IN (SELECT ${key.join(', ')} FROM ${keysOf})`);
    // Columns the file lacks keep a stored row's values (as DuckDB's MERGE); new rows keep the defaults.
    const kept = all.filter((c) => have.has(c) && c !== IMPORT_ID_COLUMN && !table.key.includes(c) && !filled.has(c) &&
      !(c.endsWith(FOLDED_SUFFIX) && filled.has(c.slice(0, -FOLDED_SUFFIX.length)) && hasFoldedCopy(name, c.slice(0, -FOLDED_SUFFIX.length))));
    if (kept.length === 0) {
      await shard.server.run(`INSERT INTO ${next} (${list}) SELECT ${list} FROM ${incoming}`);
      return;
    }
    const alias = (c: string) => chIdent(`kept:${c}`);
    const from = sharded ? q(name) : current;
    const select = all.map((c) => (kept.includes(c) ? `if(${chIdent('kept:matched')} = 1, ${alias(c)}, ${chIdent(c)})` : chIdent(c)));
    await shard.server.run(`INSERT INTO ${next} (${list}) SELECT ${select.join(', ')} FROM ${incoming} ANY LEFT JOIN
      (SELECT ${key.join(', ')}, ${kept.map((c) => `${chIdent(c)} AS ${alias(c)}`).join(', ')}, 1 AS ${chIdent('kept:matched')} FROM ${from}
       WHERE ${keyTuple} ${sharded ? 'GLOBAL IN' : 'IN'} (SELECT ${key.join(', ')} FROM ${keysOf})) USING ${key.join(', ')}`);
  });
  step('next version built on every shard');
  // A products import brings every stored line's product_category up to date (sql/product-categories.sql):
  // the lines' next version lands in the same renames as the products'.
  if (name === 'products') await nextLinesWithCategories(engine, importId);
  // A purchases import builds the next per-customer summary from the lines' next version, under
  // the shop's sales basis; it lands in the same renames as the lines (customer-summary.ts). A
  // products import changes no figure of it (only the lines' product_category).
  if (name === 'purchases') {
    throwIfAborted(signal);
    await ensureSummaryTables(cluster);
    await buildSummary(cluster, `${stored}${s.next}`, s.next, await salesBasisOf(engine.state));
    step('per-customer summary built on every shard');
  }
  throwIfAborted(signal);
  const after = await countRows(cluster.shards, layout, `${stored}${s.next}`);
  throwIfAborted(signal);
  // The commit point: from here the import lands, whatever happens to this process.
  await engine.state.run(`UPDATE imports SET outcome = 'committing' WHERE import_id = $id`, { id: importId });
  await finishCommit(engine, name, importId);
  return { gained: after - before, unknownCustomers };
}

async function countRows(shards: readonly Shard[], layout: Layout, table: string): Promise<number> {
  let total = 0;
  for (const shard of shards) {
    const [row] = await shard.server.rows<{ n: bigint }>(`SELECT count() AS n FROM ${qualifiedName(layout, table)}`);
    total += Number(row!.n);
  }
  return total;
}

/**
 * Swaps the import's next version in on every shard where it is still waiting (one RENAME of
 * two tables: atomic on the server), adds its new columns to the Distributed table, and drops
 * the import's other tables.
 */
async function finishCommit(engine: ClickHouseEngine, name: string, importId: number): Promise<void> {
  const cluster = engine.servers;
  const layout = cluster.layout;
  const s = suffixes(importId);
  const stored = storedName(layout, name);
  const q = (n: string) => qualifiedName(layout, n);
  await cluster.eachShard(async (shard) => {
    // Every table of the import waiting on this shard (products bring purchases along), in one RENAME.
    const waiting = (await shard.server.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${chString(layout.database)} AND endsWith(name, ${chString(s.next)})`)).map((r) => r.name);
    if (waiting.length === 0) return;
    const renames = waiting.map((next) => next.slice(0, -s.next.length)).flatMap((table) => [`${q(table)} TO ${q(`${table}${s.old}`)}`, `${q(`${table}${s.next}`)} TO ${q(table)}`]);
    await shard.server.run(`RENAME TABLE ${renames.join(', ')}`);
  });
  if (stored !== name) {
    const columns = (await cluster.shards[0]!.server.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${chString(layout.database)} AND table = ${chString(stored)}`)).map((r) => r.name);
    await addMissingColumns(cluster, name as TableName, columns, ['']);
  }
  await dropImportTables(engine, importId);
  await engine.state.run(`UPDATE imports SET outcome = 'ok' WHERE import_id = $id AND outcome IN ('committing', 'running')`, { id: importId });
}

/**
 * The next version of the purchases on every shard with each line's product_category taken from
 * the next product master (its largest category, NULL for a product it lacks), as DuckDB's
 * sql/product-categories.sql keeps it. The products are a full copy on every shard: the join is local.
 */
async function nextLinesWithCategories(engine: ClickHouseEngine, importId: number): Promise<void> {
  const layout = engine.layout;
  const s = suffixes(importId);
  const lines = storedName(layout, 'purchases');
  const q = (n: string) => qualifiedName(layout, n);
  await engine.servers.eachShard(async (shard) => {
    await shard.server.run(createLikeStatement(layout, `${lines}${s.next}`, lines, clickHouseTable('purchases')));
    const columns = (await shard.server.rows<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${chString(layout.database)} AND table = ${chString(lines)}`)).map((r) => r.name);
    const select = columns.map((c) => (c === 'product_category' ? `${chIdent('master:category')} AS product_category` : chIdent(c)));
    await shard.server.run(`INSERT INTO ${q(`${lines}${s.next}`)} (${columns.map(chIdent).join(', ')}) SELECT ${select.join(', ')} FROM ${q(lines)} ANY LEFT JOIN
      (SELECT product_code, max(category) AS ${chIdent('master:category')} FROM ${q(`${storedName(layout, 'products')}${s.next}`)} GROUP BY product_code) USING product_code`);
  });
}

/** Drops every table of an import (incoming, next, old, and the Distributed ones over them) on every shard. */
async function dropImportTables(engine: ClickHouseEngine, importId: number): Promise<void> {
  const layout = engine.layout;
  await engine.servers.eachShard(async (shard) => {
    const names = (await shard.server.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${chString(layout.database)} AND match(name, ${chString(`_(in|next|old)_${Math.floor(importId)}$`)})`)).map((r) => r.name);
    for (const table of names) await shard.server.run(`DROP TABLE IF EXISTS ${qualifiedName(layout, table)}`);
  });
}

/**
 * What a killed import left: one that reached its commit point is finished (its renames done on
 * every shard); any other's tables are dropped and it is recorded as interrupted.
 */
export async function recoverImports(engine: ClickHouseEngine): Promise<void> {
  const left = await engine.state.all<{ id: bigint; table: string; outcome: string }>(
    `SELECT import_id AS id, table_name AS table, outcome FROM imports WHERE outcome IN ('running', 'committing') ORDER BY import_id`);
  for (const row of left) {
    const id = Number(row.id);
    removeScratch(engine, id);
    if (row.outcome === 'committing') await finishCommit(engine, row.table, id);
    else {
      await dropImportTables(engine, id);
      await engine.state.run(`UPDATE imports SET outcome = 'interrupted', error = 'the import process ended before its commit' WHERE import_id = $id`, { id });
    }
  }
}
