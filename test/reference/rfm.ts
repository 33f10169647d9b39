/**
 * RFM scores and cells as segment-definition.md (rfm) states them, computed from plain rows for
 * the reference evaluator and the breakdown tests; shares no code with src/.
 */
import type { Dataset } from './model.js';
import { counts } from './purchase-lines.js';

type Day = { y: number; m: number; d: number };
export interface Scores { r: number; f: number; m: number }
export interface CutPoints { r?: number[]; f?: number[]; m?: number[] }

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The 5×5 grid of the documented cell table: rows R 5..1, columns FM 1..5. */
const GRID: Record<number, string[]> = {
  5: ['new_customers', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
  4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose_them'],
  1: ['lost', 'lost', 'at_risk', 'at_risk', 'cannot_lose_them'],
};

/** FM is the mean of F and M rounded half up. */
export function cellOf(s: Scores): string {
  const fm = Math.round((s.f + s.m) / 2 + 1e-9);
  return GRID[s.r]![fm - 1]!;
}

/** Scores of the customers with a counted order by the end of the as-of day. */
export function rfmScores(data: Dataset, asOf: Day, cuts: CutPoints = {}, salesStatuses?: string[]): Map<string, Scores> {
  const end = `${pad(asOf.y, 4)}-${pad(asOf.m)}-${pad(asOf.d)} 23:59:59.999999`;
  const known = new Set(data.customers.map((c) => c.customer_id));
  const orders = new Map<string, Map<string, { ts: string; sales: number }>>();
  for (const p of data.purchases) {
    if (!counts(p, undefined, salesStatuses) || p.ordered_at > end || !known.has(p.customer_id)) continue;
    const mine = orders.get(p.customer_id) ?? new Map<string, { ts: string; sales: number }>();
    orders.set(p.customer_id, mine);
    const o = mine.get(p.order_id) ?? { ts: p.ordered_at, sales: 0 };
    o.ts = p.ordered_at < o.ts ? p.ordered_at : o.ts;
    o.sales += p.amount ?? 0;
    mine.set(p.order_id, o);
  }
  const asOfTime = Date.UTC(asOf.y, asOf.m - 1, asOf.d);
  const figures = [...orders.entries()].map(([id, os]) => {
    const last = [...os.values()].map((o) => o.ts).sort().at(-1)!;
    const days = Math.round((asOfTime - Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)) - 1, Number(last.slice(8, 10)))) / 86400000);
    return { id, days, f: os.size, m: [...os.values()].reduce((s, o) => s + o.sales, 0) };
  });
  const n = figures.length;
  // 1 + floor(5 × (how many have a strictly worse value) / n)
  const quintile = (worse: number) => 1 + Math.floor((5 * worse) / n);
  const fixedHigh = (v: number, c: number[]) => 1 + c.filter((x) => v >= x).length;
  const fixedRecent = (days: number, c: number[]) => 1 + c.filter((x) => days <= x).length;
  const scores = new Map<string, Scores>();
  for (const x of figures) {
    scores.set(x.id, {
      r: cuts.r ? fixedRecent(x.days, cuts.r) : quintile(figures.filter((y) => y.days > x.days).length),
      f: cuts.f ? fixedHigh(x.f, cuts.f) : quintile(figures.filter((y) => y.f < x.f).length),
      m: cuts.m ? fixedHigh(x.m, cuts.m) : quintile(figures.filter((y) => y.m < x.m).length),
    });
  }
  return scores;
}

/** An rfm leaf for one customer's scores (undefined: no counted order, no score). */
export function rfmHolds(cond: { r?: number[]; f?: number[]; m?: number[]; cell?: string }, s: Scores | undefined): boolean {
  if (!s) return false;
  if (cond.cell !== undefined) return cellOf(s) === cond.cell;
  const inside = (v: number, range?: number[]) => !range || (v >= range[0]! && v <= range[1]!);
  return inside(s.r, cond.r) && inside(s.f, cond.f) && inside(s.m, cond.m);
}
