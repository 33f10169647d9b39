import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { parseQuery, printCheckedQuery, readDefinitionFile } from '../index.js';
import { emit, type GlobalArgs } from './output.js';

/** `kumiwake print DEF.json` and `kumiwake parse 'TEXT'|FILE`: a definition's query text and back (src/query/query-language.md). */
export function queryCommands(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs
    .command('print <definition>', "write a definition's canonical query text", (y) =>
      y.positional('definition', { type: 'string', demandOption: true, describe: 'segment definition JSON file (or a .kwq query), - for standard input' }),
    (argv) => {
      // Checked as `parse` checks what it reads: a definition parse would refuse is not printed.
      const text = printCheckedQuery(readDefinitionFile(argv.definition === '' ? '-' : argv.definition));
      emit(argv, { query: text }, () => text);
    })
    .command('parse <query>', 'write the segment definition (JSON) a query makes', (y) =>
      y.positional('query', { type: 'string', demandOption: true, describe: "a query ('age 20..29 and reachable(email)'), or a file holding one, - for standard input" }),
    (argv) => {
      const given = argv.query === '' ? '-' : argv.query;
      // A file when one of that name exists (or standard input); otherwise the text itself.
      const definition = given === '-' || existsSync(given) || /\.(kwq|json)$/i.test(given) ? readDefinitionFile(given, 'query') : parseQuery(given);
      emit(argv, definition, () => JSON.stringify(definition, null, 2));
    });
}
