import type { Argv } from 'yargs';
import { fileOrders, formatDate, generateSampleData, KumiwakeError, todayIn } from '../index.js';
import { emit, type GlobalArgs } from './output.js';

export function generateCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'generate',
    'write realistic sample shop data (seeded, repeatable) as input CSV files',
    (y) =>
      y
        .option('customers', { type: 'number', demandOption: true, describe: 'number of customers (about 20 order lines and 27 mail events each)' })
        .option('out', { type: 'string', demandOption: true, describe: 'folder for the CSV files' })
        .option('seed', { type: 'number', default: 42 })
        .option('order', { choices: fileOrders, default: 'date' as const, describe: 'order of order lines and mail events: by date (as a cart exports them), grouped by customer, or shuffled' })
        .option('until', { type: 'string', describe: 'last day of the history, YYYY-MM-DD (default: today)' }),
    async (argv) => {
      if (!Number.isInteger(argv.customers) || argv.customers < 1) throw new KumiwakeError('bad-argument', '--customers must be a whole number, 1 or more');
      const until = argv.until ?? formatDate(todayIn(argv.tz));
      if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) throw new KumiwakeError('bad-argument', '--until must be YYYY-MM-DD');
      const started = Date.now();
      const files = await generateSampleData({ customers: argv.customers, outDir: argv.out, seed: argv.seed, until, order: argv.order });
      emit(argv, { files }, () => `wrote ${Object.values(files).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  );
}
