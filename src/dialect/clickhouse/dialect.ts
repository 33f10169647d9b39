import { DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Dialect } from 'kysely';
import type { Sql, SqlDialect } from '../dialect.js';
import { HIRAGANA, KATAKANA, LOOSE_REMOVED } from '../../model/loose-text.js';
import { literal } from './inline.js';
import { chIdent } from './literal.js';
import { BLANK_CHARACTERS } from '../blank-text.js';

/**
 * Statements are compiled with `$n` placeholders, like every dialect's: values stay out of the
 * SQL text the planner builds. ClickHouse 18.16 has no query parameters, so the engine writes
 * each value in at the last moment with the one audited escaping function (`inline.ts` over
 * `literal.ts`). ClickHouse reads double-quoted identifiers as PostgreSQL does.
 */
const compileOnly: Dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
};

const SHORT_LIST = 64;

/** What the ClickHouse planner (src/planner/clickhouse/) needs beyond the engine-neutral dialect. */
export interface ClickHouseDialect extends SqlDialect {
  /**
   * NFKC in SQL: ClickHouse 22 and later have normalizeUTF8NFKC. 18.16 does not: `fold` then
   * throws, and text is compared against the folded copy the import stores (`foldedColumn`).
   */
  readonly foldsInSql: boolean;
  /** ClickHouse 18.16 has no boolean literals. */
  readonly yes: Sql<boolean>;
  readonly no: Sql<boolean>;
  /** a two-valued boolean: NULL is false */
  isTrue(condition: Sql): Sql<boolean>;
  /** an amount (DECIMAL) compared exactly: 18.16 refuses Decimal against Float64 */
  decimal(value: number): Sql<number>;
  /** `looseFold` of a text folded already (a folded copy on 18.16) */
  looseFromFolded(folded: Sql): Sql<string>;
  /** `textAsNumber` / `textAsTimestamp` of a text folded already (a folded copy) */
  foldedTextAsNumber(folded: Sql): Sql<number>;
  foldedTextAsTimestamp(folded: Sql): Sql;
  /**
   * A folded text `YYYY-MM-DD` or `YYYY/MM/DD` (then ` HH:MM:SS` optional) that names a real
   * time, as the text `YYYY-MM-DD HH:MM:SS` (which sorts as the times do), NULL when it is not
   * one: any year, where DateTime starts in 1970.
   */
  foldedTextAsTimeText(folded: Sql): Sql<string>;
}

const unsupported = (what: string) => (): never => {
  throw new Error(`INTERNAL ERROR: ${what} is not available on ClickHouse (DuckDB's interactive customer sets); the ClickHouse engine must not ask for it`);
};

/** The characters a loose comparison removes, as one RE2 class. */
const LOOSE_PATTERN = `[${LOOSE_REMOVED.map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('')}]`;

/** A text list as one bound value (inlined as an array literal); an empty one typed, as `[]` has no element type. */
const textArray = (values: readonly string[]): Sql => (values.length === 0 ? sql`emptyArrayString()` : sql`${values}`);

/** A short list is a plain IN; a long one a single array value (one literal, not one per value). */
const inList = (expr: Sql, values: readonly (string | number)[]): Sql<boolean> =>
  values.length === 0 ? sql`0`
    : values.length <= SHORT_LIST ? sql`${expr} IN (${sql.join(values.map((v) => sql`${v}`))})`
      : sql`has(${values.every((v) => typeof v === 'number') ? sql`${values}` : textArray(values.map(String))}, ${expr})`;

// Column names come from the planner, never from a definition; checked all the same, as they are not bound.
const columnName = (name: string): Sql => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`INTERNAL ERROR: ${JSON.stringify(name)} is not a plain column name`);
  return sql.raw(name);
};

/** Spaces at either end removed (18.16 has no trimBoth). */
const trimmed = (text: Sql): Sql => sql`replaceRegexpAll(${text}, '^ +| +$', '')`;


function foldedTextAsNumber(folded: Sql): Sql<number> {
  const t = trimmed(folded);
  return sql`(CASE WHEN match(${t}, '^[+-]?[0-9]+([.][0-9]+)?$') THEN toFloat64OrNull(${t}) END)`;
}

// ClickHouse parses 2024-02-30 as 2024-03-01: a text is a timestamp only when it reads back the same.
function foldedTextAsTimestamp(folded: Sql): Sql {
  const t = trimmed(folded);
  const dashed = sql`replaceAll(${t}, '/', '-')`;
  const full = sql`if(length(${dashed}) = 10, concat(${dashed}, ' 00:00:00'), ${dashed})`;
  return sql`(CASE WHEN match(${t}, '^[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$')
    AND toString(parseDateTimeBestEffortOrNull(${full}, 'UTC')) = ${full} THEN parseDateTimeBestEffortOrNull(${full}, 'UTC') END)`;
}

/** The calendar checked in SQL (month lengths, leap years), so no DateTime range limits it. */
function foldedTextAsTimeText(folded: Sql): Sql<string> {
  const t = trimmed(folded);
  const dashed = sql`replaceAll(${t}, '/', '-')`;
  const full = sql`if(length(${dashed}) = 10, concat(${dashed}, ' 00:00:00'), ${dashed})`;
  const part = (from: number, length: number) => sql`toUInt16OrZero(substring(${full}, ${sql.lit(from)}, ${sql.lit(length)}))`;
  const [y, m, d] = [part(1, 4), part(6, 2), part(9, 2)];
  const leap = sql`((${y} % 4 = 0 AND ${y} % 100 != 0) OR ${y} % 400 = 0)`;
  const days = sql`if(${m} = 2, 28 + ${leap}, if(${m} IN (4, 6, 9, 11), 30, 31))`;
  return sql`(CASE WHEN match(${t}, '^[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$')
    AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND ${days} AND ${part(12, 2)} <= 23 AND ${part(15, 2)} <= 59 AND ${part(18, 2)} <= 59
    THEN ${full} END)`;
}

function makeDialect(name: string, foldsInSql: boolean): ClickHouseDialect {
  // Spaces, hyphens and dashes removed, katakana as hiragana (model/loose-text.ts). 18.16 has no
  // translateUTF8: the text is split into characters and each mapped with transform().
  const looseFromFolded = (folded: Sql): Sql<string> => {
    const removed = sql`replaceRegexpAll(${folded}, ${LOOSE_PATTERN}, '')`;
    return foldsInSql ? sql`translateUTF8(${removed}, ${KATAKANA}, ${HIRAGANA})`
      : sql`arrayStringConcat(arrayMap(ch -> transform(ch, ${[...KATAKANA]}, ${[...HIRAGANA]}, ch), extractAll(ifNull(${removed}, ''), '.')))`; // no Nullable(Array): a missing text is blank, and blank never matches
  };
  const fold = (text: Sql): Sql<string> => {
    if (!foldsInSql) {
      throw new Error('INTERNAL ERROR: ClickHouse 18.16 has no NFKC normalisation; the planner compares a folded copy of the column (foldedColumn) instead');
    }
    return sql`lowerUTF8(normalizeUTF8NFKC(${text}))`;
  };
  return {
    name,
    kysely: compileOnly,
    foldsInSql,
    yes: sql`1`,
    no: sql`0`,
    isTrue: (condition) => sql`ifNull(${condition}, 0)`,
    decimal: (value) => sql`toDecimal128(${String(value)}, 4)`,

    fold,
    // Only the characters of BLANK_CHARACTERS (as DuckDB's trim() strips); NULL is blank.
    isBlankText: (x) => sql`ifNull(match(${x}, ${sql.raw(`'^[${BLANK_CHARACTERS}]*$'`)}), 1)`,
    // Byte-wise functions, not LIKE: 18.16's LIKE drops a NUL in the pattern (`%nul\0byte` matched `nulbyte`).
    textMatches: (text, where, needle) => (where === 'contains' ? sql`position(${text}, ${needle}) > 0`
      : where === 'starts_with' ? sql`startsWith(${text}, ${needle})` : sql`endsWith(${text}, ${needle})`),
    hasSubstring: (text, needle) => sql`position(${text}, ${needle}) > 0`,
    // toInt64OrNull wraps a number beyond 64 bits (18446744073709551617 is 1): at most 18 digits,
    // leading zeros aside, as the DuckDB dialect reads.
    tryInteger: (text) => sql`if(match(${trimmed(text)}, '^[+-]?0*[0-9]{1,18}$'), toInt64OrNull(${trimmed(text)}), NULL)`,
    looseFold: (text) => looseFromFolded(fold(text)),
    looseFromFolded,
    textAsNumber: (text) => foldedTextAsNumber(fold(text)),
    textAsTimestamp: (text) => foldedTextAsTimestamp(fold(text)),
    foldedTextAsNumber,
    foldedTextAsTimestamp,
    foldedTextAsTimeText,
    nullText: () => sql`CAST(NULL AS Nullable(String))`,

    // 18.16 has no `IS DISTINCT FROM` nor `<=>`: both present, compare; else differ when exactly one is NULL.
    isDistinctFrom: (a, b) => sql`ifNull(${a} != ${b}, isNull(${a}) != isNull(${b}))`,
    isNotFalse: (condition) => sql`ifNull(${condition}, 1) != 0`,
    isNotTrue: (condition) => sql`NOT COALESCE(${condition}, false)`,

    inList,
    // ClickHouse skips granules by its sorting key for a plain IN as it is.
    inSortedColumn: inList,
    textRows: (values, column) => sql`SELECT DISTINCT arrayJoin(${textArray(values)}) AS ${columnName(column)}`,
    listLength: (list) => sql`length(${list})`,
    listHasAny: (list, values) => sql`hasAny(${list}, ${textArray(values)})`,
    listHasAll: (list, values) => sql`hasAll(${list}, ${textArray(values)})`,
    foldList: (list) => sql`arrayMap(t -> ${fold(sql.raw('t'))}, ${list})`,

    timestamp: (value) => sql`toDateTime(${value}, 'UTC')`,
    // A date column holds YYYYMMDD (Int32: 18.16's Date starts in 1970; src/engine/clickhouse/CONTEXT.md).
    day: (value) => sql`${Number(value.replaceAll('-', ''))}`,
    month: (date) => sql`intDiv(${date} % 10000, 100)`,
    monthDay: (date) => sql`(${date} % 10000)`,
    fullYears: (birth, asOf) => {
      const [year, month, day] = asOf.split('-').map(Number) as [number, number, number];
      return sql`(${year} - intDiv(${birth}, 10000) - if(${month * 100 + day} < ${birth} % 10000, 1, 0))`;
    },
    // `start` is a timestamp (DateTime('UTC') holding the local time as written).
    daysUntil: (start, asOf) => sql`dateDiff('day', toDate(${start}, 'UTC'), toDate(${asOf}))`,

    boolOr: (condition) => sql`max(ifNull(${condition}, 0))`,
    countWhere: (condition) => sql`countIf(${condition})`,
    // The arg is wrapped in a tuple: argMax skips a NULL arg, a tuple holding NULL is kept.
    argMax: (arg, keys) => sql`argMax(tuple(${arg}), tuple(${sql.join(keys)})).1`,
    argMin: (arg, keys) => sql`argMin(tuple(${arg}), tuple(${sql.join(keys)})).1`,
    rowIndex: unsupported('rowIndex'),
    customerSet: unsupported('customerSet'),
    numberSet: unsupported('numberSet'),
    lacksNumber: unsupported('lacksNumber'),
    unionOfSets: unsupported('unionOfSets'),
    readCustomerSet: unsupported('readCustomerSet'),
    connectionTable: unsupported('connectionTable'),

    quoteIdentifier: chIdent,
    decimalText: (e) => `replaceRegexpOne(replaceRegexpOne(toString(${e}), '(\\\\.[0-9]*[1-9])0+$|\\\\.0+$', '\\\\1'), '^-0$', '0')`,
    tagsText: (e) => `arrayStringConcat(${e}, ';')`,
    asDouble: (e) => `toFloat64(${e})`,
    daysSinceText: (e, asOf) => `dateDiff('day', toDate(${e}, 'UTC'), toDate(${literal(asOf)}))`,
    // A Decimal divided by an integer keeps its 4 places, cut toward zero: the sen's fraction is
    // at least a half exactly when its cut 4 places are (0.5 has them).
    averageToSen: (total, count) => {
      // 18.16 evaluates both branches of if(): the division must not see a count of 0.
      const cents = `(${total} * 100 / if(ifNull(${count}, 0) = 0, 1, ${count}))`;
      const rounded = `(toInt64(${cents}) + if(abs(${cents} - toInt64(${cents})) * 2 >= 1, if(${cents} < 0, -1, 1), 0))`;
      return `if(ifNull(${count}, 0) = 0, NULL, toDecimal128(${rounded}, 2) / 100)`;
    },
    displayWidth: (e) => `(lengthUTF8(toString(${e})) + intDiv(length(toString(${e})) - lengthUTF8(toString(${e})), 2))`,
    formulaSafeText: (e) => `if(substring(${e}, 1, 1) IN ('=', '+', '-', '@', '\\t', '\\r'), concat('''', ${e}), ${e})`,
    labelledText: (e, labels) => {
      const entries = Object.entries(labels);
      if (entries.length === 0) return `toString(${e})`;
      const values = `[${entries.map(([v]) => literal(v)).join(', ')}]`;
      const names = `[${entries.map(([, l]) => literal(l)).join(', ')}]`;
      return `transform(toString(${e}), ${values}, ${names}, toString(${e}))`;
    },
  };
}

/** ClickHouse with NFKC in SQL (22 and later; chdb 26.7). */
export const clickhouseDialect = makeDialect('clickhouse', true);

/**
 * ClickHouse 18.16 (Debian's clickhouse-server): no normalizeUTF8NFKC, so text conditions read
 * the folded copies the import stores (CONTEXT.md lists them); loose comparisons are refused.
 */
export const clickhouseLegacyDialect = makeDialect('clickhouse-18', false);

/**
 * The dialect for a server: NFKC in SQL when it has normalizeUTF8NFKC (ask it: `SELECT count()
 * FROM system.functions WHERE name = 'normalizeUTF8NFKC'`), else the folded copies. Only the NFKC
 * dialect is in the registry: the DuckDB planner (which the dialect contract test runs) folds in
 * SQL, which 18.16 cannot; the ClickHouse planner takes either.
 */
export const clickhouseDialectFor = (hasNfkc: boolean): ClickHouseDialect => (hasNfkc ? clickhouseDialect : clickhouseLegacyDialect);
