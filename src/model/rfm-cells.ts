/**
 * The 11 named RFM cells (segment-definition.md, rfm): a grid over the R score and the FM score,
 * FM being the mean of F and M rounded half up. Every one of the 25 R×FM squares is in exactly
 * one cell. The map follows the widely published R×F segment map (champions, loyal, potential
 * loyalists, new customers, promising, need attention, about to sleep, at risk, can't lose them,
 * hibernating) with its lowest square split off as `lost`.
 */
export const RFM_CELLS = [
  'champions', 'loyal', 'potential_loyalist', 'new_customers', 'promising', 'need_attention',
  'about_to_sleep', 'at_risk', 'cannot_lose_them', 'hibernating', 'lost',
] as const;
export type RfmCell = (typeof RFM_CELLS)[number];

/** Inclusive ranges of R and of FM. */
export interface RfmSquare {
  readonly r: readonly [number, number];
  readonly fm: readonly [number, number];
}

/** Each cell as one or more rectangles of the R×FM grid. */
export const RFM_CELL_SQUARES: { readonly [C in RfmCell]: readonly RfmSquare[] } = {
  champions: [{ r: [5, 5], fm: [4, 5] }],
  loyal: [{ r: [3, 4], fm: [4, 5] }],
  potential_loyalist: [{ r: [4, 5], fm: [2, 3] }],
  new_customers: [{ r: [5, 5], fm: [1, 1] }],
  promising: [{ r: [4, 4], fm: [1, 1] }],
  need_attention: [{ r: [3, 3], fm: [3, 3] }],
  about_to_sleep: [{ r: [3, 3], fm: [1, 2] }],
  at_risk: [{ r: [1, 2], fm: [3, 4] }],
  cannot_lose_them: [{ r: [1, 2], fm: [5, 5] }],
  hibernating: [{ r: [2, 2], fm: [1, 2] }],
  lost: [{ r: [1, 1], fm: [1, 2] }],
};

/** FM: the mean of the F and M scores, rounded half up (F 3, M 4 → 4). */
export const fmScore = (f: number, m: number): number => Math.floor((f + m + 1) / 2);

/** The cell of a scored customer. */
export function rfmCellOf(r: number, f: number, m: number): RfmCell {
  const fm = fmScore(f, m);
  for (const cell of RFM_CELLS) {
    if (RFM_CELL_SQUARES[cell].some((s) => r >= s.r[0] && r <= s.r[1] && fm >= s.fm[0] && fm <= s.fm[1])) return cell;
  }
  throw new Error(`INTERNAL ERROR: R ${r} F ${f} M ${m} is in no RFM cell`);
}

export const isRfmCell = (name: unknown): name is RfmCell => typeof name === 'string' && (RFM_CELLS as readonly string[]).includes(name);
