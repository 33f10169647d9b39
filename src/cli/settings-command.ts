import type { Argv } from 'yargs';
import { KumiwakeError, warningLine, type Settings } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';

const SCORES = { r: 'days since the last order', f: 'orders', m: 'sales' } as const;

/** The settings in lines: each RFM score's cut points, or that it is a quintile. */
function settingsText(settings: Settings): string {
  const rfm = settings.rfm;
  const lines = (Object.keys(SCORES) as Array<keyof typeof SCORES>).map((s) => {
    const cuts = rfm?.[s];
    return `  ${s.toUpperCase()} (${SCORES[s]}): ${cuts ? `cut points ${cuts.map((c) => c.toLocaleString('en')).join(', ')}` : 'quintiles'}`;
  });
  return `rfm${rfm ? '' : ' (not set: every score is a quintile)'}\n${lines.join('\n')}`;
}

/** The statuses that count as sales, or the default. */
function salesStatusesText(settings: Settings): string {
  const statuses = settings.salesStatuses;
  return statuses ? `sales-statuses: ${statuses.join(', ')}` : 'sales-statuses (not set: every status but cancelled counts as a sale)';
}

/** The shop's names of the remark columns. */
function remarkLabelsText(settings: Settings): string {
  const labels = Object.entries(settings.remarkLabels ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  return labels.length > 0 ? `remark-label: ${labels.map(([n, label]) => `remark_${n} ${label}`).join(', ')}` : 'remark-label (not set: remarks are 備考1 … 備考10 with --headers ja)';
}

/** `kumiwake settings show | set rfm --r … --f … --m … | unset rfm`: the shop's settings, kept in its database. */
export function settingsCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('settings', "show or change the shop's settings (fixed RFM cut points, the statuses that count as sales, the labels of the remarks)", (y) =>
    y
      .command('show', 'print the settings', (s) => s, async (argv) => withWorkspace(argv, { readOnly: true }, async (workspace) => {
        const settings = await workspace.settings();
        emit(argv, settings, () => `${settingsText(settings)}\n${salesStatusesText(settings)}\n${remarkLabelsText(settings)}`);
      }))
      .command('set <name> [values..]', 'set fixed RFM cut points (kumiwake settings set rfm --r 30,60,90,180 --f 2,3,5,10 --m 5000,10000,30000,100000) or the statuses that count as sales (kumiwake settings set sales-statuses 売上完了,発送済) or the label of a remark (kumiwake settings set remark-label 1 お届け希望)', (s) =>
        s.positional('name', { type: 'string', choices: ['rfm', 'sales-statuses', 'remark-label'], demandOption: true })
          .positional('values', { type: 'string', array: true, describe: 'sales-statuses: the statuses, separated by commas ("" for every status but cancelled); remark-label: a remark number (1-10) and its label' })
          .option('r', { type: 'string', describe: 'four increasing day counts: within the first, R is 5; beyond the last, 1' })
          .option('f', { type: 'string', describe: 'four increasing order counts: at least the last, F is 5; below the first, 1' })
          .option('m', { type: 'string', describe: 'four increasing sales amounts: at least the last, M is 5; below the first, 1' }),
      async (argv) => withWorkspace(argv, {}, async (workspace) => {
        if (argv.name === 'remark-label') {
          const [remark, label] = (argv.values ?? []).map(String);
          if (remark === undefined || label === undefined || (argv.values ?? []).length > 2) throw new KumiwakeError('bad-argument', 'give a remark number and its label, e.g. kumiwake settings set remark-label 1 FAX番号 ("" removes the label)');
          const settings = await workspace.setRemarkLabel(remark, label);
          emit(argv, settings, () => `set ${remarkLabelsText(settings)}`);
          return;
        }
        if (argv.name === 'sales-statuses') {
          if (argv.values === undefined || argv.values.length === 0) throw new KumiwakeError('bad-argument', 'give the statuses that count as sales, e.g. kumiwake settings set sales-statuses 売上完了,発送済 ("" for every status but cancelled)');
          const settings = await workspace.setSalesStatuses(argv.values.map(String));
          emit(argv, settings, () => `${settings.warnings.map((w) => `warning: ${warningLine(w)}\n`).join('')}set ${salesStatusesText(settings)}`);
          return;
        }
        if (argv.r === undefined && argv.f === undefined && argv.m === undefined) {
          throw new KumiwakeError('bad-argument', 'give cut points for at least one score: --r, --f or --m (e.g. --r 30,60,90,180); the scores not given are quintiles');
        }
        const settings = await workspace.setRfmSettings({ r: argv.r, f: argv.f, m: argv.m });
        emit(argv, settings, () => `set ${settingsText(settings)}`);
      }))
      .command('unset <name>', 'remove a setting (rfm: every score is a quintile again; sales-statuses: every status but cancelled counts; remark-label: every remark label)', (s) => s.positional('name', { type: 'string', choices: ['rfm', 'sales-statuses', 'remark-label'], demandOption: true }),
        async (argv) => withWorkspace(argv, {}, async (workspace) => {
          const removed = await workspace.unsetSetting(argv.name);
          emit(argv, { unset: argv.name, removed }, () => (removed ? `removed the ${argv.name} setting` : `the ${argv.name} setting was not set`));
        }))
      .demandCommand(1, 'name a settings command: show, set or unset'));
}
