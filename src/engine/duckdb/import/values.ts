import { sqlString } from '../../../dialect/duckdb/sql-text.js';
import { booleanSpellings, type ColumnDef } from '../../../catalog/tables.js';

/** How values are read: the zone timestamps with an offset are converted to. */
export interface ValueOptions {
  /** an IANA zone (the workspace's `tz`); default Asia/Tokyo */
  readonly tz?: string;
  /** false: without the shortcut of the common timestamp shape (tests compare both readings) */
  readonly fastPaths?: boolean;
}

/** Full-width digits and signs, read as their ASCII forms (`２０２４／１／５` = `2024/1/5`). */
const FULL_WIDTH = '０１２３４５６７８９，．－＋：／　';
const ASCII = '0123456789,.-+:/ ';
const halfWidth = (x: string) => `translate(${x}, '${FULL_WIDTH}', '${ASCII}')`;

/**
 * SQL that reads one trimmed, non-empty raw text value (`raw`, NULL when the cell is empty)
 * as the column's type. The result is NULL when the text cannot be read exactly: the stage
 * query marks such a row as bad ("cannot read ... as an integer") unless the raw value was NULL.
 * Nothing is rounded or cut: `2.5` is not an integer, `1.23456` not a 4-decimal number.
 */
export function typedExpression(column: ColumnDef, raw: string, options: ValueOptions = {}): string {
  // COALESCE evaluates a fallback only for the rows the cheaper reading left NULL: the plain
  // cast reads almost every cell, and the string rewriting is paid for by the few others.
  switch (column.type) {
    case 'text':
      return raw;
    case 'integer':
      // DuckDB's cast rounds `2.5` and reads `0x10` and `1e2`: only plain digits take the fast path.
      return `CASE WHEN CAST(TRY_CAST(${raw} AS BIGINT) AS VARCHAR) = ${raw} THEN TRY_CAST(${raw} AS BIGINT)
        ELSE ${exactInteger(halfWidth(raw))} END`;
    case 'decimal': {
      // CP932's yen sign is the byte of the backslash (0x5C): Japanese Excel's `¥1,200` decodes as `\\1,200`.
      const money = `replace(replace(replace(replace(${halfWidth(raw)}, '¥', ''), '￥', ''), '\\', ''), '円', '')`;
      // DuckDB's cast reads an exponent (`1.5E-4`) and rounds it to the scale, and skips an
      // underscore (`1_2` as 12): only a number without either takes the fast path.
      return `CASE WHEN ${atMostFourDecimals(raw)} AND NOT contains(${raw}, 'e') AND NOT contains(${raw}, 'E') AND NOT contains(${raw}, '_')
          THEN COALESCE(TRY_CAST(${raw} AS DECIMAL(18, 4)), ${exactDecimal(money)})
        ELSE ${exactDecimal(money)} END`;
    }
    case 'boolean': {
      // A CASE over the spellings, not `IN (…)`: DuckDB makes a long IN list a join probed by every
      // row (the four of purchases' `counted` cost 0.8 s of the 8.9 s reading the 1x lines).
      const when = (spellings: readonly string[], value: string) => spellings.map((s) => `WHEN ${sqlString(s)} THEN ${value}`).join(' ');
      const own = Object.entries(column.values ?? {});
      const spellings = (value: 'true' | 'false') => [...booleanSpellings[value], ...own.filter(([, v]) => v === value).map(([s]) => s)];
      const spelled = (exact: string) => `CASE ${exact} ${when(spellings('true'), 'true')} ${when(spellings('false'), 'false')} END`;
      return `COALESCE(${spelled(raw)}, ${spelled(`lower(${raw})`)})`;
    }
    case 'date': {
      const day = `CAST(${timestampExpression(raw, options)} AS DATE)`;
      // The end of a day written `2024/12/31 24:00` (as Japanese systems write an expiry) is a
      // time of the next day to DuckDB's cast; a date keeps the day written.
      return `CASE WHEN contains(${raw}, '24:00') AND regexp_matches(${raw}, '[ T]24:00(:00(\\.0*)?)?$') THEN ${day} - 1 ELSE ${day} END`;
    }
    case 'timestamp':
      return timestampExpression(raw, options);
    case 'enum': {
      // Each spelling once (the first, as the CASE would take it), the values' own spellings
      // first: most cells hold one, and each WHEN is a comparison for the cells still unmatched.
      const spellings = new Map<string, string>();
      for (const [spelling, value] of Object.entries(column.values ?? {})) {
        if (!spellings.has(spelling.toLowerCase())) spellings.set(spelling.toLowerCase(), value);
      }
      const ordered = [...spellings].sort(([a, x], [b, y]) => Number(b === y) - Number(a === x));
      const spelled = (exact: string, listed: ReadonlyArray<[string, string]>) =>
        `CASE ${exact} ${listed.map(([spelling, value]) => `WHEN ${sqlString(spelling)} THEN ${sqlString(value)}`).join(' ')} END`;
      // lower() can only change the cells of spellings with letters of a case: the second CASE
      // lists only those (a status column's Japanese spellings are compared once a cell).
      const cased = ordered.filter(([spelling]) => spelling.toUpperCase() !== spelling);
      const lowered = cased.length > 0 ? `, ${spelled(`lower(${raw})`, cased)}` : '';
      return `COALESCE(${spelled(raw, ordered)}${lowered}${column.open ? `, ${raw}` : ''})`;
    }
    case 'tags':
      return `list_filter(list_transform(regexp_split_to_array(${raw}, '[;；、]'), t -> trim(t)), t -> t <> '')`;
  }
}

/** Digits, or digits grouped by thousands with commas (`1,234,567`; not `1,5`, `12,34` or `0,123`). */
const DIGITS = '([0-9]+|[1-9][0-9]{0,2}(,[0-9]{3})+)';

/** `12`, `+3`, `-5`, `1,234`, `2.0` (a zero fraction is exact); NULL for `2.5`, `1e2`, `0x10`, `1,5`. */
function exactInteger(x: string): string {
  return `CASE WHEN regexp_full_match(${x}, '[+-]?${DIGITS}(\\.0*)?') THEN TRY_CAST(regexp_extract(replace(${x}, ',', ''), '^[+-]?[0-9]+') AS BIGINT) END`;
}

/** No more than four decimals, the stored scale (a cheap test: most cells pass it). */
function atMostFourDecimals(x: string): string {
  return `(NOT contains(${x}, '.') OR length(${x}) - strpos(${x}, '.') <= 4)`;
}

/**
 * A number stored exactly in DECIMAL(18, 4): more decimals are refused unless they are zeros, and
 * so are a comma anywhere but between thousands (`1234,56` is not 123456) and an exponent.
 */
function exactDecimal(x: string): string {
  return `CASE WHEN regexp_full_match(${x}, '[+-]?(${DIGITS}(\\.[0-9]{0,4}0*)?|\\.[0-9]{1,4}0*)') THEN TRY_CAST(replace(${x}, ',', '') AS DECIMAL(18, 4)) END`;
}

/**
 * A local date and time: `2024-01-05`, `2024/01/05`, `20240105`, optionally with ` 9:30`,
 * ` 09:30:00` or `T09:30:00`; in full-width digits; or written the Japanese way,
 * `2024年1月5日` (with `9時30分` or `9:30`). DuckDB's own cast is the fast path; the rewrites only
 * see what the cast refused.
 */
function localTimestamp(x: string, checked = true): string {
  const ascii = halfWidth(x);
  const japanese = `trim(regexp_replace(regexp_replace(regexp_replace(replace(${ascii}, '/', '-'),
      '^\\s*([0-9]{4})\\s*年\\s*([0-9]{1,2})\\s*月\\s*([0-9]{1,2})\\s*日', '\\1-\\2-\\3 '),
      '([0-9]{1,2})\\s*時\\s*([0-9]{1,2})\\s*分\\s*([0-9]{1,2})\\s*秒$', '\\1:\\2:\\3'),
      '([0-9]{1,2})\\s*時\\s*([0-9]{1,2})\\s*分$', '\\1:\\2'))`;
  // TIMESTAMP holds microseconds: a seventh fraction digit that is not zero would be cut off.
  // DuckDB's cast also reads `epoch`, `infinity`, a year of five digits and `(BC)`: a date here
  // starts with a digit of its year (one of fewer than four digits is refused by the stage with
  // its own reason, SHORT_YEAR) and does not start with five digits unless it is `YYYYMMDD`.
  // Comparisons, not a regular expression: every date of a customers file takes this test.
  const year = `((${x} >= '0' AND ${x} < ':') OR (${x} >= '０' AND ${x} < '：')) AND NOT contains(${x}, '(')
    AND (strlen(${x}) = 8 OR TRY_CAST(substr(${x}, 1, 5) AS INTEGER) IS NULL)`;
  return `CASE WHEN ${checked ? `NOT (${year}) THEN NULL
    WHEN ` : ''}strlen(${x}) > 26 AND regexp_matches(${x}, '\\.[0-9]{6}0*[1-9]') THEN NULL
    ELSE COALESCE(TRY_CAST(${x} AS TIMESTAMP), TRY_CAST(replace(${x}, '/', '-') AS TIMESTAMP),
    CASE WHEN strlen(${x}) = 8 THEN try_strptime(${x}, '%Y%m%d') END, TRY_CAST(${japanese} AS TIMESTAMP)) END`;
}

/**
 * A timestamp. One that carries a zone (`Z`, `UTC`, `+09:00`, `+0900`, `-05`) is converted to the
 * local time of `tz`: `2024-01-05T00:30:00-05:00` is 14:30 in Tokyo. DuckDB's TIMESTAMP cast
 * would drop the offset silently, so such text never takes it. Telling them apart is cheap: a
 * local timestamp has no `+`, no `Z`, and no `-` after the date's first ten characters.
 */
function timestampExpression(raw: string, { tz = 'Asia/Tokyo', fastPaths = true }: ValueOptions): string {
  // No upper(): it would allocate a string per cell on the path every timestamp takes.
  const zoned = `(contains(${raw}, '+') OR contains(substr(${raw}, 11), '-') OR ends_with(${raw}, 'Z') OR ends_with(${raw}, 'z')
    OR ends_with(${raw}, 'UTC') OR ends_with(${raw}, 'utc') OR ends_with(${raw}, 'Utc'))`;
  const zone = `regexp_extract(${raw}, '\\s*([zZ]|UTC|utc|Utc|[+-][0-9]{2}(:?[0-9]{2})?)$', 1)`;
  const local = `regexp_extract(${raw}, '^(.*[0-9分秒])\\s*([zZ]|UTC|utc|Utc|[+-][0-9]{2}(:?[0-9]{2})?)$', 1)`;
  const digits = `replace(${zone}, ':', '')`;
  const offset = `CASE WHEN upper(${zone}) IN ('Z', 'UTC') THEN '+00:00' ELSE left(${digits}, 3) || ':' || CASE WHEN length(${digits}) = 5 THEN right(${digits}, 2) ELSE '00' END END`;
  // Offsets on Earth run from -12:00 to +14:00 in whole minutes: `+25:00` and `+09:60` are typos,
  // which DuckDB's TIMESTAMPTZ cast would still read.
  const realOffset = `(upper(${zone}) IN ('Z', 'UTC') OR (substr(${digits}, 2, 2) <= CASE WHEN left(${digits}, 1) = '-' THEN '12' ELSE '14' END AND (length(${digits}) < 5 OR right(${digits}, 2) < '60')))`;
  // Only a time of day (`09:30`, `9時30分`) can carry an offset: `2024-01-05-05` is not 5 o'clock UTC-5.
  const withOffset = `CASE WHEN ${local} <> '' AND (contains(${local}, ':') OR contains(${local}, '時')) AND ${realOffset} THEN
      timezone(${sqlString(tz)}, TRY_CAST(strftime(${localTimestamp(local)}, '%Y-%m-%d %H:%M:%S.%f') || ${offset} AS TIMESTAMPTZ)) END`;
  // The common shape, `2024-01-05 09:30:00`, skips the zone test (its substr and five end
  // tests: 27M mail events went in 9.1 s instead of 9.5): with its colons where the pattern puts
  // them no offset or UTC fits at its end, and a `-` elsewhere in its time is no time for either
  // reading (both NULL; import-values.test.ts compares the two on mutated timestamps).
  // A leading `-` is a year before Christ to DuckDB (`-202-01-05 10:00:00`).
  const plain = `${raw} LIKE '____-__-__ __:__:__' AND NOT prefix(${raw}, '-') AND NOT contains(${raw}, '+') AND NOT suffix(${raw}, 'Z') AND NOT suffix(${raw}, 'z')`;
  return `CASE ${fastPaths ? `WHEN ${plain} THEN ${localTimestamp(raw, false)}` : ''} WHEN ${zoned} THEN ${withOffset} ELSE ${localTimestamp(raw)} END`;
}

/** The name of a type in an error message: `cannot read "x" as a timestamp`. */
/** Why a cell could not be read as its column's type, with the way to write it where one is plain. */
export function unreadableReason(value: string, column: ColumnDef): string {
  // The note on fractions is for a fraction (`2.5`), not for `1200円` or `-`.
  const fraction = column.type !== 'integer' || /[0-9][.][0-9]/.test(value);
  const reason = `cannot read "${value}" as ${fraction ? typeDescription(column) : 'an integer'}`;
  // Excel writes large or small numbers as 1.5E+3 in CSV: nothing in the sentence above says so.
  if ((column.type === 'decimal' || column.type === 'integer') && /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(value.trim())) {
    return `${reason}: a number with an exponent (E) is not read, write it out in digits (format the cells as numbers before saving the CSV)`;
  }
  return reason;
}

export function typeDescription(column: ColumnDef): string {
  switch (column.type) {
    case 'enum':
      return `one of ${[...new Set(Object.values(column.values ?? {}))].sort().join('/')}`;
    case 'integer':
      return 'an integer (a whole number: fractions are not rounded)';
    case 'decimal':
      return 'a number less than 100,000,000,000,000 in size, of at most 4 decimals (more are not rounded)';
    case 'boolean':
      return 'a boolean (true/false, 1/0, はい/いいえ, ○/×)';
    default:
      return `a ${column.type}`;
  }
}
