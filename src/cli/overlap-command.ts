import type { Argv } from 'yargs';
import { KumiwakeError, overlapCsv, type OverlapResult } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { figure, padEnd, padStart, displayWidth } from './text-table.js';

/** The matrix for people: a row and a column per segment, the diagonal being each segment's count. */
function matrixText(result: OverlapResult): string {
  const names = result.segments;
  const first = Math.max(...names.map(displayWidth));
  const widths = names.map((name, j) => Math.max(displayWidth(name), ...result.matrix.map((row) => figure(row[j]!).length)));
  const header = `${padEnd('', first)}  ${names.map((name, j) => padStart(name, widths[j]!)).join('  ')}`;
  const rows = names.map((name, i) => `${padEnd(name, first)}  ${result.matrix[i]!.map((n, j) => padStart(figure(n), widths[j]!)).join('  ')}`);
  return [header, ...rows, `customers in both segments as of ${result.asOf} (diagonal: each segment's count) in ${result.elapsedMs} ms`].join('\n');
}

export function overlapCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('overlap <segments..>', 'how many customers each pair of saved segments holds in common (a matrix)', (y) =>
    y.positional('segments', { type: 'string', array: true, demandOption: true, describe: 'two or more saved segments' })
      .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' })
      .option('format', { choices: ['text', 'csv'] as const, describe: 'text (default) or csv; with --out the file is CSV' })
      .option('out', { type: 'string', describe: 'write the matrix to this CSV file (UTF-8 with a BOM, for Excel)' }),
  async (argv) => {
    const names = argv.segments.map(String);
    if (names.length < 2) throw new KumiwakeError('bad-argument', 'name two or more saved segments: kumiwake overlap SEG1 SEG2 [...]');
    if (argv.out !== undefined && argv.format === 'text') throw new KumiwakeError('bad-argument', '--out writes a CSV file: leave out --format text or give --format csv');
    await withWorkspace(argv, { readOnly: true }, async (workspace) => {
      const result = await workspace.overlap(names, { asOf: argv['as-of'], out: argv.out });
      const wrote = result.file && `wrote ${result.file.path} (${figure(result.file.bytes)} bytes)`;
      if (argv.format === 'csv' && !argv.json) {
        // Standard output stays CSV (a pipe reads it); where the file went is said beside it.
        process.stdout.write(overlapCsv(result));
        if (wrote) process.stderr.write(`${wrote}\n`);
      } else if (wrote) emit(argv, result, () => `${matrixText(result)}\n${wrote}`);
      else emit(argv, result, () => matrixText(result));
    });
  });
}
