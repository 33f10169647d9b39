import { extname } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { BREAKDOWN_FORMATS, type BreakdownFile, type BreakdownFormat } from '../export/breakdown-formats.js';
import type { Logger } from '../logger.js';
import type { LocalDate } from '../model/dates.js';
import { parseCutPoints, RFM_SCORES, type RfmSettings } from '../model/rfm-settings.js';
import { breakdownSegment, type BreakdownResult } from '../segments/breakdown.js';
import { readSettings, setRfmSettings, unsetSetting, type Settings } from '../segments/settings.js';
import type { SegmentStore } from '../segments/store.js';
import type { EvaluateOptions } from './types.js';

export interface BreakdownOptions extends EvaluateOptions {
  /**
   * The fields: customer columns, `attr:NAME`, `age_band`, `rfm`, `channel`, `store`; a list, or
   * one text with commas (`gender,age_band`)
   */
  readonly by: readonly string[] | string;
  /** also write the table to this file; it appears whole or not at all */
  readonly out?: string;
  /** the file's format (default: from `out`'s extension, .csv or .xlsx) */
  readonly format?: BreakdownFormat;
}

export interface BreakdownFileResult extends BreakdownResult {
  /** the file written, when `out` was given */
  readonly file?: BreakdownFile;
}

const fields = (by: BreakdownOptions['by']): string[] =>
  (typeof by === 'string' ? by.split(',') : [...by]).map((f) => f.trim()).filter((f) => f !== '');

/** The format of the file to write: the one asked for, else the extension's; checked before the count runs. */
function fileFormat(out: string | undefined, format: BreakdownFormat | undefined): BreakdownFormat | undefined {
  if (format !== undefined && !(BREAKDOWN_FORMATS as readonly string[]).includes(format)) {
    throw new KumiwakeError('bad-argument', `--format ${String(format)}: a breakdown is written as ${BREAKDOWN_FORMATS.join(' or ')}`);
  }
  if (out === undefined) {
    if (format !== undefined) throw new KumiwakeError('bad-argument', `--format ${format} needs --out FILE, the file to write`);
    return undefined;
  }
  const fromName = extname(out).slice(1).toLowerCase();
  if (format !== undefined) return format;
  if ((BREAKDOWN_FORMATS as readonly string[]).includes(fromName)) return fromName as BreakdownFormat;
  throw new KumiwakeError('bad-argument', `--out ${out}: say --format csv or xlsx (the name ends in neither .csv nor .xlsx)`);
}

/** `Workspace.breakdown`: the rows, and the table file when asked for. */
export async function breakdown(
  db: Engine, store: SegmentStore, definition: unknown, asOf: LocalDate, options: BreakdownOptions, log: Logger,
): Promise<BreakdownFileResult> {
  const format = fileFormat(options.out, options.format);
  // A target that cannot be written is refused before the count runs.
  if (options.out !== undefined) (await import('../export/target.js')).checkTarget(options.out);
  const result = await breakdownSegment(db, definition, store, asOf, fields(options.by), log, { strict: options.strict, names: options.names });
  if (options.out === undefined || format === undefined) return result;
  const { writeBreakdownFile } = await import('../export/breakdown-table.js');
  return { ...result, file: await writeBreakdownFile(result, options.out, format, log) };
}

/** Cut points per score as given on the command line (`30,60,90,180`), or as numbers. */
export type RfmSettingsInput = { readonly [S in (typeof RFM_SCORES)[number]]?: string | readonly number[] };

/** Checks and stores the shop's RFM cut points (`kumiwake settings set rfm`). */
export async function setRfm(db: Engine, input: RfmSettingsInput): Promise<Settings> {
  const settings: { -readonly [S in keyof RfmSettings]: number[] } = {};
  for (const score of RFM_SCORES) {
    const given = input[score];
    if (given !== undefined) settings[score] = parseCutPoints(score, typeof given === 'string' ? given : given.join(','));
  }
  return setRfmSettings(db, settings);
}

export { readSettings, unsetSetting, type Settings };
