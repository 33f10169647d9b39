/**
 * The one audited way a value enters ClickHouse SQL text. ClickHouse 18.16 (Debian's server)
 * has no query parameters, so every value of a segment, a DDL statement or a lookup is inlined
 * as a literal written here, and nowhere else (`chLiteral` and the typed helpers below).
 *
 * Rules (ClickHouse's quoted-string grammar, checked against a real 18.16 server and chdb by
 * test/clickhouse/literal-roundtrip.test.ts):
 * - a string is single-quoted; backslash and quote are backslash-escaped, and every control
 *   byte (NUL, newline, tab, DEL, …) is written as `\xHH`, so the SQL text holds no raw control
 *   character at all;
 * - text a JavaScript string cannot encode as UTF-8 (a lone surrogate, as JSON may carry) is
 *   refused, never replaced by U+FFFD; raw bytes (not UTF-8) are written byte by byte as `\xHH`;
 * - an integer is written only when exact: a JS number must be a safe integer, a bigint within
 *   Int64/UInt64; ClickHouse would read a larger literal as a Float64 and round it silently;
 * - a decimal is its digits as text cast with `toDecimal64(…, scale)`, never through a float;
 * - dates are stored as YYYYMMDD integers (Date in 18.16 cannot hold 1968's birthdays), a
 *   timestamp as `toDateTime('…', 'UTC')` within DateTime's range (1970 to 2105).
 */
import { KumiwakeError } from '../../errors.js';

/** A value Kumiwake cannot write exactly into ClickHouse SQL. */
export class LiteralError extends KumiwakeError {
  constructor(message: string) {
    super('value-not-representable', message, 2);
    this.name = 'LiteralError';
  }
}

const HEX = (byte: number) => `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Where a JS string holds a lone surrogate (not encodable as UTF-8), or -1. */
function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return i;
  }
  return -1;
}

/** A single-quoted ClickHouse string literal holding exactly `value` (as UTF-8). */
export function chString(value: string): string {
  const bad = loneSurrogateAt(value);
  if (bad >= 0) {
    throw new LiteralError(`the text "${value.slice(Math.max(0, bad - 10), bad)}…" holds half of a UTF-16 surrogate pair (character ${bad + 1}), which is not text: it cannot be written as UTF-8`);
  }
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += HEX(code);
    else out += ch;
  }
  return `${out}'`;
}

/** A ClickHouse string literal holding exactly these bytes (which need not be UTF-8). */
export function chBytes(bytes: Uint8Array): string {
  let out = "'";
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += HEX(byte);
  }
  return `${out}'`;
}

/** A backquoted identifier (a column such as `attr:会員ランク`, a table, a database). */
export function chIdent(name: string): string {
  if (name === '' || loneSurrogateAt(name) >= 0 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new LiteralError(`"${name.replace(/[\u0000-\u001f\u007f]/g, '?')}" cannot be a ClickHouse name (empty, or holds a control character)`);
  }
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** An exact integer literal (parenthesised when negative, so `x - (-1)` stays what it says). */
export function chInteger(value: number | bigint): string {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new LiteralError(`${value} is not an integer Kumiwake can write exactly (integers up to ±${Number.MAX_SAFE_INTEGER}; give larger ones as text)`);
    }
    big = BigInt(value);
  } else big = value;
  if (big < INT64_MIN || big > UINT64_MAX) throw new LiteralError(`${big} is outside ClickHouse's 64-bit integers`);
  return big < 0n ? `(${big})` : String(big);
}

/** A finite number: exact integers as integers, others as the shortest text that reads back equal. */
export function chNumber(value: number): string {
  if (!Number.isFinite(value)) throw new LiteralError(`${value} is not a number ClickHouse can compare with`);
  if (Number.isInteger(value)) return chInteger(value);
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

/** A decimal with `scale` places, from its text: `toDecimal64('12.5', 4)`; more places are refused, not rounded. */
export function chDecimal(text: string, scale = 4): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new LiteralError(`"${text}" is not a decimal number`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.replace(/0+$/, '').length > scale) throw new LiteralError(`${text} has more than ${scale} decimal places`);
  if (whole!.replace(/^0+/, '').length > 18 - scale) throw new LiteralError(`${text} has more than ${18 - scale} digits before the decimal point`);
  return `toDecimal64(${chString(`${sign}${whole}${fraction ? `.${fraction}` : ''}`)}, ${scale})`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` (a valid calendar day), or a Date's UTC day, as the YYYYMMDD integer a date column stores. */
export function chDate(value: string | Date): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  const match = DATE.exec(text);
  const day = match ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!match || !day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) {
    throw new LiteralError(`"${text}" is not a date (YYYY-MM-DD)`);
  }
  return String(Number(`${match[1]}${match[2]}${match[3]}`));
}

const MIN_DATETIME = Date.UTC(1970, 0, 1);
const MAX_DATETIME = Date.UTC(2105, 11, 31, 23, 59, 59);

/**
 * A timestamp as `toDateTime('YYYY-MM-DD HH:MM:SS', 'UTC')`: Kumiwake's timestamps are local
 * times without a zone (as DuckDB's TIMESTAMP), kept as if UTC so no zone moves them. A
 * fraction of a second is refused (DateTime of 18.16 has whole seconds).
 */
export function chDateTime(value: string | Date): string {
  const text = value instanceof Date ? value.toISOString().replace('T', ' ').replace(/Z$/, '') : value.trim();
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/.exec(text);
  if (!match) throw new LiteralError(`"${text}" is not a timestamp (YYYY-MM-DD HH:MM:SS)`);
  const [, day, hh = '00', mm = '00', ss = '00', fraction = ''] = match;
  if (/[1-9]/.test(fraction)) throw new LiteralError(`"${text}" has a fraction of a second, which ClickHouse's DateTime cannot hold`);
  const iso = `${day}T${hh}:${mm}:${ss}Z`;
  const time = new Date(iso).getTime();
  if (Number.isNaN(time) || new Date(time).toISOString().replace('.000', '') !== iso) throw new LiteralError(`"${text}" is not a timestamp`);
  if (time < MIN_DATETIME || time > MAX_DATETIME) throw new LiteralError(`"${text}" is outside ClickHouse's DateTime range (1970-01-01 to 2105-12-31)`);
  return `toDateTime(${chString(`${day} ${hh}:${mm}:${ss}`)}, 'UTC')`;
}

/**
 * Any value: NULL, a boolean (1 / 0, as stored in UInt8 columns), a string, a number, a bigint,
 * bytes, a Date (a timestamp) or an array of these (a ClickHouse array literal).
 */
export function chLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return chString(value);
  if (typeof value === 'number') return chNumber(value);
  if (typeof value === 'bigint') return chInteger(value);
  if (value instanceof Uint8Array) return chBytes(value);
  if (value instanceof Date) return chDateTime(value);
  if (Array.isArray(value)) return `[${value.map(chLiteral).join(', ')}]`;
  throw new LiteralError(`a ${typeof value} value cannot be written into ClickHouse SQL`);
}

/** The name the ClickHouse dialect (inline.ts) calls `chLiteral` by. */
export const clickhouseLiteral = chLiteral;
