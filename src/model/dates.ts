/**
 * Date values of a definition: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, or `today[±N(d|w|m|y)]`,
 * resolved against the as-of date. Timestamps carry no zone: they are local times, so all
 * arithmetic here is on calendar fields, never on instants.
 */
export interface LocalDate { readonly y: number; readonly m: number; readonly d: number }

export interface ResolvedDate {
  /** `YYYY-MM-DD HH:MM:SS` */
  readonly timestamp: string;
  /** true when the value named a whole day (no time given) */
  readonly dateOnly: boolean;
}

const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
const RELATIVE = /^today(?:([+-])(\d{1,5})([dwmy]))?$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const formatDate = (d: LocalDate): string => `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Month steps clamp to the month's last day: 03-31 minus 1m is 02-28 (or 02-29). */
function addMonths(date: LocalDate, months: number): LocalDate {
  const index = date.y * 12 + (date.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return { y, m, d: Math.min(date.d, daysInMonth(y, m)) };
}

export function shiftDate(date: LocalDate, sign: 1 | -1, amount: number, unit: 'd' | 'w' | 'm' | 'y'): LocalDate {
  switch (unit) {
    case 'd': return addDays(date, sign * amount);
    case 'w': return addDays(date, sign * amount * 7);
    case 'm': return addMonths(date, sign * amount);
    case 'y': return addMonths(date, sign * amount * 12);
  }
}

/** Why a date value is not valid, or undefined when it is. */
export function dateValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'a date must be a text such as "2024-01-31" or "today-30d"';
  if (RELATIVE.test(value)) return undefined;
  const match = ABSOLUTE.exec(value);
  if (match && parseLocalDate(value.slice(0, 10)) && (match[4] === undefined || (Number(match[4]) < 24 && Number(match[5]) < 60 && Number(match[6]) < 60))) {
    return undefined;
  }
  return `"${value}" is not a date (use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, or today, today-30d, today+1w, today-3m, today-1y)`;
}

export function resolveDate(value: string, asOf: LocalDate): ResolvedDate {
  const relative = RELATIVE.exec(value);
  if (relative) {
    const day = relative[1] ? shiftDate(asOf, relative[1] === '-' ? -1 : 1, Number(relative[2]), relative[3] as 'd') : asOf;
    return { timestamp: `${formatDate(day)} 00:00:00`, dateOnly: true };
  }
  if (value.length === 10) return { timestamp: `${value} 00:00:00`, dateOnly: true };
  return { timestamp: value, dateOnly: false };
}

/**
 * A date range as timestamps: `from` inclusive; `to` inclusive, where a `to` naming a whole day
 * includes that day (so it becomes "before the next day" and `toExclusive` is set).
 */
export interface TimestampRange {
  readonly from?: string;
  readonly to?: string;
  readonly toExclusive: boolean;
}

export function resolveRange(range: { from?: string; to?: string }, asOf: LocalDate): TimestampRange {
  const from = range.from !== undefined ? resolveDate(range.from, asOf).timestamp : undefined;
  if (range.to === undefined) return { from, toExclusive: false };
  const to = resolveDate(range.to, asOf);
  if (!to.dateOnly) return { from, to: to.timestamp, toExclusive: false };
  const next = addDays(parseLocalDate(to.timestamp.slice(0, 10))!, 1);
  return { from, to: `${formatDate(next)} 00:00:00`, toExclusive: true };
}

/** Is the range empty whatever the data (from after to)? */
export function rangeIsEmpty(range: TimestampRange): boolean {
  if (range.from === undefined || range.to === undefined) return false;
  return range.toExclusive ? range.from >= range.to : range.from > range.to;
}

export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  const text = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parseLocalDate(text)!;
}
