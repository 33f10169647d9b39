import type { Argv } from 'yargs';
import { Database } from '../db/database.js';
import { countSegment, planCount, schemaInfo } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { asOfDate, parseDefinitionFile, readDefinition } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';

const definitionArgs = (y: Argv<GlobalArgs>) =>
  y
    .positional('definition', { type: 'string', describe: 'segment definition JSON file, or - for standard input' })
    .option('segment', { type: 'string', describe: 'a saved segment instead of a file' })
    .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' });

async function withStore<T>(dbPath: string, readOnly: boolean, work: (db: Database, store: SegmentStore) => Promise<T>): Promise<T> {
  const db = await Database.open(dbPath, { readOnly });
  try {
    return await work(db, await SegmentStore.load(db));
  } finally {
    db.close();
  }
}

export function countCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs
    .command('count [definition]', 'count a segment and its reachable customers', definitionArgs, async (argv) =>
      withStore(argv.db, true, async (db, store) => {
        const definition = readDefinition(argv.definition, argv.segment, store);
        const result = await countSegment(db, definition, store, asOfDate(argv['as-of'], argv.tz));
        emit(argv, result, () =>
          `${result.count.toLocaleString('en')} customers as of ${result.asOf} (email ${result.reachable.email.toLocaleString('en')}, LINE ${result.reachable.line.toLocaleString('en')}, DM ${result.reachable.dm.toLocaleString('en')}) in ${result.elapsedMs} ms`);
      }))
    .command('explain [definition]', 'print the SQL the planner produces for a segment', definitionArgs, async (argv) =>
      withStore(argv.db, true, async (db, store) => {
        const plan = planCount(readDefinition(argv.definition, argv.segment, store), store, asOfDate(argv['as-of'], argv.tz), await schemaInfo(db));
        emit(argv, { sql: plan.sql, parameters: plan.parameters }, () =>
          `${plan.sql}\n-- parameters: ${JSON.stringify(plan.parameters.map((p) => (Array.isArray(p) && p.length > 20 ? `[${p.length} values]` : p)))}`);
      }));
}

export function segmentsCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('segments', 'save, list, show and delete saved segments', (y) =>
    y
      .command('save <name> <definition>', 'validate and save a definition under a name', (s) =>
        s.positional('name', { type: 'string', demandOption: true }).positional('definition', { type: 'string', demandOption: true }),
        async (argv) => withStore(argv.db, false, async (_db, store) => {
          const saved = await store.save(argv.name, parseDefinitionFile(argv.definition), asOfDate(undefined, argv.tz));
          emit(argv, saved, () => `saved segment "${saved.name}"`);
        }))
      .command('list', 'list saved segments', (s) => s, async (argv) => withStore(argv.db, true, async (_db, store) => {
        const all = store.list();
        emit(argv, all, () => (all.length === 0 ? 'no saved segments' : all.map((s) => `${s.name}\t${s.savedAt}\t${s.definition.description ?? ''}`).join('\n')));
      }))
      .command('show <name>', 'print a saved segment', (s) => s.positional('name', { type: 'string', demandOption: true }), async (argv) =>
        withStore(argv.db, true, async (_db, store) => {
          const saved = store.require(argv.name);
          emit(argv, saved, () => JSON.stringify(saved.definition, null, 2));
        }))
      .command('delete <name>', 'delete a saved segment', (s) => s.positional('name', { type: 'string', demandOption: true }), async (argv) =>
        withStore(argv.db, false, async (_db, store) => {
          await store.delete(argv.name);
          emit(argv, { deleted: argv.name }, () => `deleted segment "${argv.name}"`);
        }))
      .demandCommand(1, 'name a segments command: save, list, show or delete'));
}
