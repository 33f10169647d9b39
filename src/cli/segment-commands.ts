import type { Argv } from 'yargs';
import { KumiwakeError, warningLine, type SavedSegment, type SegmentWarning } from '../index.js';
import { withWorkspace } from './context.js';
import { readDefinitionArgument, readSegmentInput } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';

const definitionArgs = (y: Argv<GlobalArgs>) =>
  y
    .positional('definition', { type: 'string', describe: 'segment definition JSON file, a .kwq query file, or - for standard input' })
    .option('segment', { type: 'string', describe: 'a saved segment instead of a file' })
    .option('query', { alias: 'q', type: 'string', describe: "a query instead of a file: 'age 20..29 and reachable(email)'" })
    .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' });

const readOnly = { readOnly: true } as const;

/** A count's warnings in plain words, one line each, before the count. */
export const warningLines = (warnings: readonly SegmentWarning[]) => warnings.map((w) => `warning: ${warningLine(w)}\n`).join('');

export function countCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs
    .command('count [definition]', 'count a segment and its reachable customers', (y) => definitionArgs(y)
      .option('by', { type: 'string', describe: 'break the count down by fields: customer columns, attr:NAME, age_band, rfm, channel, store (comma-separated)' })
      .option('format', { choices: ['csv', 'xlsx'] as const, describe: 'with --by: write the breakdown table as csv or xlsx to --out' })
      .option('out', { type: 'string', describe: 'with --by: the file to write the breakdown table to (its extension names the format)' })
      .option('strict', { type: 'boolean', default: false, describe: 'names the data does not hold (unknown mail ids, products, tags, values) are a fault (exit 2), not warnings' })
      .option('conditions', { type: 'boolean', default: false, describe: 'also count every condition of the definition alone, and the children of each all in order (a funnel)' }),
    async (argv) =>
      withWorkspace(argv, readOnly, async (workspace) => {
        if (argv.conditions && argv.by !== undefined) throw new KumiwakeError('bad-argument', '--conditions and --by are two reports: give one of them');
        if (argv.by !== undefined) {
          const { countBreakdown } = await import('./breakdown-output.js');
          return countBreakdown({ ...argv, by: argv.by }, workspace, (r) => warningLines(r.warnings));
        }
        if (argv.format !== undefined || argv.out !== undefined) throw new KumiwakeError('bad-argument', '--format and --out write a breakdown: give --by FIELD too');
        if (argv.conditions) {
          const { conditionCountsText } = await import('./count-conditions-output.js');
          const counted = await workspace.conditionCounts(readSegmentInput(argv.definition, argv.segment, argv.query), { asOf: argv['as-of'], strict: argv.strict });
          return emit(argv, counted, () => `${warningLines(counted.warnings)}${conditionCountsText(counted)}`);
        }
        const result = await workspace.count(readSegmentInput(argv.definition, argv.segment, argv.query), { asOf: argv['as-of'], strict: argv.strict });
        emit(argv, result, () =>
          `${warningLines(result.warnings)}${result.count.toLocaleString('en')} customers as of ${result.asOf} (email ${result.reachable.email.toLocaleString('en')}, LINE ${result.reachable.line.toLocaleString('en')}, DM ${result.reachable.dm.toLocaleString('en')}) in ${result.elapsedMs} ms`);
      }))
    .command('explain [definition]', 'print the SQL the planner produces for a segment', definitionArgs, async (argv) =>
      withWorkspace(argv, readOnly, async (workspace) => {
        const plan = await workspace.explain(readSegmentInput(argv.definition, argv.segment, argv.query), { asOf: argv['as-of'] });
        emit(argv, plan, () =>
          `${plan.sql}\n-- parameters: ${JSON.stringify(plan.parameters.map((p) => (Array.isArray(p) && p.length > 20 ? `[${p.length} values]` : p)))}`);
      }))
    .command('schema', "print the segment definition's JSON Schema (for editors and the web builder)", (y) => y, async (argv) => {
      const { definitionJsonSchema } = await import('../index.js');
      const schema = definitionJsonSchema();
      emit(argv, schema, () => JSON.stringify(schema, null, 2));
    });
}

export function segmentsCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('segments', 'save, list, show, history, rename and delete saved segments', (y) =>
    y
      .command('save <name> [definition]', 'validate and save a definition (a file, or -q QUERY) under a name (--force to replace one; earlier versions are kept)', (s) =>
        s.positional('name', { type: 'string', demandOption: true }).positional('definition', { type: 'string' })
          .option('query', { alias: 'q', type: 'string', describe: 'a query instead of a file' })
          .option('force', { type: 'boolean', default: false, describe: 'replace a saved segment of that name (its definition stays in segments history)' }),
        async (argv) => withWorkspace(argv, {}, async (workspace) => {
          const saved = await workspace.segments.save(argv.name, readDefinitionArgument(argv.definition, argv.query), { force: argv.force }).catch((error: unknown) => {
            if (!(error instanceof KumiwakeError) || error.code !== 'segment-exists') throw error;
            throw new KumiwakeError(error.code, `${error.message.replace(/; save with force.*$/, '')}; add --force to replace it (that version stays in kumiwake segments history ${argv.name})`);
          });
          emit(argv, saved, () => savedLine(saved));
        }))
      .command('list', 'list saved segments', (s) => s, async (argv) => withWorkspace(argv, readOnly, async (workspace) => {
        const all = await workspace.segments.list();
        emit(argv, all, () => (all.length === 0 ? 'no saved segments' : all.map((s) => `${s.name}	${s.savedAt}	${s.definition.description ?? ''}`).join('\n')));
      }))
      .command('show <name>', 'print a saved segment', (s) => s.positional('name', { type: 'string', demandOption: true }), async (argv) =>
        withWorkspace(argv, readOnly, async (workspace) => {
          const saved = await workspace.segments.show(argv.name);
          emit(argv, saved, () => JSON.stringify(saved.definition, null, 2));
        }))
      .command('history <name>', "a saved segment's versions, oldest first", (s) => s.positional('name', { type: 'string', demandOption: true }), async (argv) =>
        withWorkspace(argv, readOnly, async (workspace) => {
          const versions = await workspace.segments.history(argv.name);
          emit(argv, versions, () => versions.map((v) =>
            `version ${v.version}  saved ${v.savedAt}  ${v.replacedAt === null ? 'current' : `replaced ${v.replacedAt}`}\n  ${JSON.stringify(v.definition)}`).join('\n'));
        }))
      .command('rename <name> <new-name>', 'rename a saved segment (the segments that refer to it follow)', (s) =>
        s.positional('name', { type: 'string', demandOption: true }).positional('new-name', { type: 'string', demandOption: true }),
        async (argv) => withWorkspace(argv, {}, async (workspace) => {
          const renamed = await workspace.segments.rename(argv.name, argv['new-name']);
          emit(argv, { renamed: argv.name, to: renamed.name }, () => `renamed segment "${argv.name}" to "${renamed.name}"`);
        }))
      .command('delete <name>', 'delete a saved segment and its earlier versions', (s) => s.positional('name', { type: 'string', demandOption: true }), async (argv) =>
        withWorkspace(argv, {}, async (workspace) => {
          await workspace.segments.delete(argv.name);
          emit(argv, { deleted: argv.name }, () => `deleted segment "${argv.name}"`);
        }))
      .demandCommand(1, 'name a segments command: save, list, show, history, rename or delete'));
}

/** What a save did, in a line: a new segment, a new version (the earlier one kept), or nothing. */
function savedLine(saved: SavedSegment): string {
  if (saved.unchanged) return `segment "${saved.name}" already holds this definition (version ${saved.version}, saved ${saved.savedAt}); nothing changed`;
  const kept = saved.version > 1 ? `; version ${saved.version - 1} kept: kumiwake segments history ${saved.name}` : '';
  return `saved segment "${saved.name}" (version ${saved.version}, ${saved.savedAt}${kept})`;
}
