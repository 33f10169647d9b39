import { KumiwakeError } from '../errors.js';

/**
 * Fixed RFM thresholds of a shop (`kumiwake settings set rfm`): per score, four increasing cut
 * points giving scores 1 to 5. A score without cut points is a quintile (segment-definition.md, rfm).
 *
 * - `r`: days since the last order; a customer within `r[0]` days scores 5, within `r[1]` 4,
 *   within `r[2]` 3, within `r[3]` 2, longer ago 1.
 * - `f`: orders; `m`: sales. A value of at least `f[3]` scores 5, at least `f[2]` 4, at least
 *   `f[1]` 3, at least `f[0]` 2, less 1.
 */
export interface RfmSettings {
  readonly r?: readonly number[];
  readonly f?: readonly number[];
  readonly m?: readonly number[];
}

export const RFM_SCORES = ['r', 'f', 'm'] as const;
export type RfmScore = (typeof RFM_SCORES)[number];

const WHAT: Readonly<Record<RfmScore, string>> = { r: 'days since the last order', f: 'order counts', m: 'sales amounts' };

/**
 * Cut points as a user writes them (`30,60,90,180`), checked: four numbers, increasing, not
 * negative; whole numbers for r and f. A fault names the flag and the value.
 */
export function parseCutPoints(score: RfmScore, text: string): number[] {
  const flag = `--${score}`;
  const parts = text.split(',').map((p) => p.trim());
  const fail = (why: string): never => {
    throw new KumiwakeError('bad-argument', `${flag} ${text}: ${why} (four increasing ${WHAT[score]}, e.g. ${score === 'r' ? '30,60,90,180' : score === 'f' ? '2,3,5,10' : '5000,10000,30000,100000'})`, 2);
  };
  if (parts.length !== 4) fail(`expected 4 cut points, not ${parts.length}`);
  const numbers = parts.map((p) => {
    const n = /^\d+(\.\d+)?$/.test(p) ? Number(p) : NaN;
    if (!Number.isFinite(n)) fail(`"${p}" is not a number of 0 or more`);
    if (score !== 'm' && !Number.isInteger(n)) fail(`"${p}" is not a whole number`);
    if (n > (score === 'm' ? 1e14 : Number.MAX_SAFE_INTEGER)) fail(`"${p}" is out of range`);
    return n;
  });
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! <= numbers[i - 1]!) fail('the cut points must increase');
  return numbers;
}

/** The settings read back from the database (JSON), or a fault naming what is wrong. */
export function rfmSettingsFromJson(text: string): RfmSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KumiwakeError('bad-settings', 'the stored rfm setting is not JSON; set it again with kumiwake settings set rfm');
  }
  const settings: Record<string, number[]> = {};
  for (const score of RFM_SCORES) {
    const cuts = (value as Record<string, unknown> | null)?.[score];
    if (cuts === undefined) continue;
    if (!Array.isArray(cuts) || cuts.length !== 4 || !cuts.every((c) => typeof c === 'number')) {
      throw new KumiwakeError('bad-settings', `the stored rfm setting of ${score} is not four numbers; set it again with kumiwake settings set rfm`);
    }
    settings[score] = cuts as number[];
  }
  return settings;
}
