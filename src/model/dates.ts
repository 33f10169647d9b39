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
export const formatDate = (d: LocalDate): string => `${d.y < 0 ? '-' : ''}${pad(Math.abs(d.y), 4)}-${pad(d.m)}-${pad(d.d)}`;

/** Date.UTC reads years 0 to 99 as 1900 to 1999: set the year itself. */
function utc(y: number, monthIndex: number, day: number): Date {
  const t = new Date(0);
  t.setUTCFullYear(y, monthIndex, day);
  return t;
}
const daysInMonth = (y: number, m: number) => utc(y, m, 0).getUTCDate();

/** The days a definition and an as-of date may name: those of a four-digit year (the tables hold no other). */
export const FIRST_DAY: LocalDate = { y: 1, m: 1, d: 1 };
export const LAST_DAY: LocalDate = { y: 9999, m: 12, d: 31 };
export const DAY_RANGE_TEXT = `${formatDate(FIRST_DAY)} to ${formatDate(LAST_DAY)}`;
const inDayRange = (d: LocalDate) => d.y >= FIRST_DAY.y && d.y <= LAST_DAY.y;

/** `YYYY-MM-DD`, a real calendar day from 0001-01-01 to 9999-12-31; else undefined. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < FIRST_DAY.y || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = utc(date.y, date.m - 1, date.d + days);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Month steps clamp to the month's last day: 03-31 minus 1m is 02-28 (or 02-29). */
function addMonths(date: LocalDate, months: number): LocalDate {
  const index = date.y * 12 + (date.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (((index % 12) + 12) % 12) + 1;
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

/**
 * Why a date value is not valid, or undefined when it is. With the as-of date, a relative value
 * must also land on a day from 0001-01-01 to 9999-12-31 (`today-2027y` in 2026 does not).
 */
export function dateValueProblem(value: unknown, asOf?: LocalDate): string | undefined {
  if (typeof value !== 'string') return 'a date must be a text such as "2024-01-31" or "today-30d"';
  if (RELATIVE.test(value)) {
    if (asOf === undefined) return undefined;
    const day = resolveDay(value, asOf);
    return inDayRange(day) ? undefined : `${value} is ${formatDate(day)} as of ${formatDate(asOf)}, outside the dates that can be used (${DAY_RANGE_TEXT})`;
  }
  const match = ABSOLUTE.exec(value);
  if (match && parseLocalDate(value.slice(0, 10)) && (match[4] === undefined || (Number(match[4]) < 24 && Number(match[5]) < 60 && Number(match[6]) < 60))) {
    return undefined;
  }
  return `"${value}" is not a date (use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, or today, today-30d, today+1w, today-3m, today-1y)`;
}

/** The day a relative value names (checked by `dateValueProblem` to be a usable one). */
function resolveDay(value: string, asOf: LocalDate): LocalDate {
  const relative = RELATIVE.exec(value);
  if (!relative?.[1]) return asOf;
  return shiftDate(asOf, relative[1] === '-' ? -1 : 1, Number(relative[2]), relative[3] as 'd');
}

export function resolveDate(value: string, asOf: LocalDate): ResolvedDate {
  if (RELATIVE.test(value)) return { timestamp: `${formatDate(resolveDay(value, asOf))} 00:00:00`, dateOnly: true };
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
  const [y, m, d] = to.timestamp.slice(0, 10).split('-').map(Number);
  const next = addDays({ y: y ?? 0, m: m ?? 0, d: d ?? 0 }, 1);
  return { from, to: `${formatDate(next)} 00:00:00`, toExclusive: true };
}

/** Is the range empty whatever the data (from after to)? */
export function rangeIsEmpty(range: TimestampRange): boolean {
  if (range.from === undefined || range.to === undefined) return false;
  // The day after 9999-12-31 has five digits: compare at one width.
  const [from, to] = [range.from.padStart(20, '0'), range.to.padStart(20, '0')];
  return range.toExclusive ? from >= to : from > to;
}

export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  const text = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parseLocalDate(text)!;
}
