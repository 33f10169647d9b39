/**
 * The birthday rule of segment-definition.md (birthday) on a plain `YYYY-MM-DD` birthday, written
 * from the spec for the reference evaluator; shares no code with src/.
 */
type Day = { y: number; m: number; d: number };
type Json = any; // definitions are validated before they reach here

/** The calendar day `value` (`today`, `today+14d`, `today-1m`, …) names at the as-of date. */
function relativeDay(value: string, asOf: Day): Day {
  const m = /^today(?:([+-])(\d+)([dwmy]))?$/.exec(value)!;
  if (!m[1]) return asOf;
  const n = (m[1] === '-' ? -1 : 1) * Number(m[2]);
  if (m[3] === 'd' || m[3] === 'w') {
    const t = new Date(Date.UTC(asOf.y, asOf.m - 1, asOf.d + n * (m[3] === 'w' ? 7 : 1)));
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
  }
  const months = asOf.y * 12 + asOf.m - 1 + n * (m[3] === 'y' ? 12 : 1);
  const y = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return { y, m: month, d: Math.min(asOf.d, new Date(Date.UTC(y, month, 0)).getUTCDate()) };
}

const isRelative = (v: string) => v.startsWith('today');
const code = (month: number, day: number) => month * 100 + day;
const toCode = (v: string, asOf: Day) => {
  if (!isRelative(v)) return code(Number(v.slice(0, 2)), Number(v.slice(3)));
  const d = relativeDay(v, asOf);
  return code(d.m, d.d);
};

/** Does a customer born on `birthday` (`YYYY-MM-DD`, or empty) match the condition at the as-of date? */
export function birthdayHolds(cond: Json, birthday: string | null | undefined, asOf: Day): boolean {
  if (!birthday) return false;
  const md = code(Number(birthday.slice(5, 7)), Number(birthday.slice(8, 10)));
  if (cond.month !== undefined) {
    const month = cond.month === 'this' ? asOf.m : cond.month === 'next' ? (asOf.m === 12 ? 1 : asOf.m + 1) : cond.month;
    return Math.floor(md / 100) === month;
  }
  if (isRelative(cond.from) && isRelative(cond.to)) {
    // A window of 365 days or more, both ends counted, holds every birthday.
    const [a, b] = [relativeDay(cond.from, asOf), relativeDay(cond.to, asOf)];
    if ((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86400000 + 1 >= 365) return true;
  }
  const [f, t] = [toCode(cond.from, asOf), toCode(cond.to, asOf)];
  return f <= t ? md >= f && md <= t : md >= f || md <= t;
}
