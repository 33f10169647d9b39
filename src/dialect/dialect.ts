import type { Dialect as KyselyDialect, RawBuilder } from 'kysely';

export type Sql<T = unknown> = RawBuilder<T>;

/** Where a needle must sit in a text for `textMatches`. */
export type TextMatch = 'contains' | 'starts_with' | 'ends_with';

/**
 * What differs between SQL engines. Condition compilers never write an engine's quoting,
 * parameter syntax, functions, type names or casts themselves: they ask the dialect, and
 * write only plain SQL (SELECT, JOIN, CASE, COALESCE, count/sum/min/max, IN, comparisons).
 * Every value reaches the SQL as a bound parameter.
 */
export interface SqlDialect {
  readonly name: string;
  /** a compile-only Kysely dialect (quoting and placeholders of this engine) */
  readonly kysely: KyselyDialect;

  // Text
  /** Unicode NFKC normalisation and case folding of a text expression */
  fold(text: Sql): Sql<string>;
  /** a text is missing, empty or only spaces */
  isBlankText(text: Sql): Sql<boolean>;
  /** the text holds `needle` at that place, compared literally (no pattern characters) */
  textMatches(text: Sql, where: TextMatch, needle: string): Sql<boolean>;
  /** the text holds `needle` anywhere, by position rather than by pattern (same result as `textMatches(…, 'contains', …)`) */
  hasSubstring(text: Sql, needle: string): Sql<boolean>;
  /** the text as an integer (digits only, at most 18 leading zeros aside), NULL when it is not one */
  tryInteger(text: Sql): Sql<number>;
  /** `fold`, then spaces, hyphens and dashes removed and katakana as hiragana (model/loose-text.ts) */
  looseFold(text: Sql): Sql<string>;
  /** a folded, trimmed text as a number (`12`, `-3.5`, `１２`), NULL when it is not one */
  textAsNumber(text: Sql): Sql<number>;
  /** a folded, trimmed text `YYYY-MM-DD` or `YYYY/MM/DD` (then ` HH:MM:SS` optional) as a timestamp, NULL when it is not a real one */
  textAsTimestamp(text: Sql): Sql;
  /** a NULL of the text type (a column the database does not have) */
  nullText(): Sql<string>;

  // Null-safe comparisons
  /** `a <> b`, with NULL a value of its own (true when exactly one side is NULL) */
  isDistinctFrom(a: Sql, b: Sql): Sql<boolean>;
  /** a boolean that is true or NULL */
  isNotFalse(condition: Sql): Sql<boolean>;
  /** a boolean that is false or NULL */
  isNotTrue(condition: Sql): Sql<boolean>;

  // Lists
  /** `expr` is one of `values`; a long list is bound as a single list parameter (lists may be huge) */
  inList(expr: Sql, values: readonly (string | number)[]): Sql<boolean>;
  /**
   * inList for a column its table is stored in the order of (a summary's key), or clustered by
   * (a mail's events sit together in time): the engine may then skip every block whose least and
   * greatest value hold none of the values.
   */
  inSortedColumn(expr: Sql, values: readonly (string | number)[]): Sql<boolean>;
  /** a query of one text column named `column`, one row per distinct value */
  textRows(values: readonly string[], column: string): Sql;
  /** the number of elements of a list column */
  listLength(list: Sql): Sql<number>;
  /** a text list holds any / all of the values */
  listHasAny(list: Sql, values: readonly string[]): Sql<boolean>;
  listHasAll(list: Sql, values: readonly string[]): Sql<boolean>;
  /** the list column, each element folded */
  foldList(list: Sql): Sql;

  // Dates and times
  /** a timestamp (`YYYY-MM-DD HH:MM:SS`, local time) as a bound parameter */
  timestamp(value: string): Sql;
  /** a calendar day (`YYYY-MM-DD`, years 1 to 9999) as a value to compare a date column with */
  day(value: string): Sql;
  /** the month (1-12) of a date expression */
  month(date: Sql): Sql<number>;
  /** month * 100 + day of a date expression */
  monthDay(date: Sql): Sql<number>;
  /** full years from `birth` to the date `asOf` */
  fullYears(birth: Sql, asOf: string): Sql<number>;
  /** whole days from the day of `start` to the date `asOf` */
  daysUntil(start: Sql, asOf: string): Sql<number>;

  // Aggregates
  /** true when the condition holds for any row of the group */
  boolOr(condition: Sql): Sql<boolean>;
  /** how many rows of the group the condition holds for (0, never NULL) */
  countWhere(condition: Sql): Sql<number>;
  /** the arg of the row with the greatest / least keys (compared in order), a NULL arg included */
  argMax(arg: Sql, keys: readonly Sql[]): Sql;
  argMin(arg: Sql, keys: readonly Sql[]): Sql;

  // Customer sets (interactive counts): a set of customers as one value, one bit per customer
  // index 0..size-1, combined without touching rows again.
  /**
   * a row's stable position in its table (`table` is the alias): 0..n-1 with gaps after deletes,
   * unchanged while the table is not written
   */
  rowIndex(table: Sql): Sql<number>;
  /** the set of the `index` values of the rows (`size` bits) */
  customerSet(index: Sql, size: number): Sql;
  /**
   * The set of the rows' `number` values, 0..`highest`, as one value (mail conditions by customer
   * number); NULL when there are no rows. A number above `highest` is an error, not a wrong set.
   */
  numberSet(number: Sql, highest: number): Sql;
  /**
   * whether a `numberSet` value (NULL: the empty set) lacks `number`; with `highest`, a set of
   * 0..`highest` that lacks every number above it (a stored set, built before those were given)
   */
  lacksNumber(set: Sql, number: Sql, highest?: number): Sql<boolean>;
  /** the union of the rows' `numberSet` values (stored, all of one size); NULL when there are no rows */
  unionOfSets(set: Sql): Sql;
  /**
   * The value `customerSet` returned, as the engine's driver hands it over, read into bytes where
   * bit i (byte i >> 3, most significant bit first) is position i.
   */
  readCustomerSet(value: unknown, size: number): Uint8Array;
  /**
   * A table of this connection alone, made (again) from `query`: the interactive counts' copy of
   * the summaries by customer position. Gone when the connection closes; allowed on a
   * database opened read-only.
   */
  connectionTable(name: string, query: Sql): Sql;

  // Writing lists (exports). These build SQL text over column expressions, never over values.
  /** a quoted identifier (an export header may be any text) */
  quoteIdentifier(name: string): string;
  /** a decimal as text without trailing zeros (12345.0000 → 12345), a tag list joined by ';' */
  decimalText(expression: string): string;
  tagsText(expression: string): string;
  /** a number as a double, which spreadsheets and Arrow readers take as it is */
  asDouble(expression: string): string;
  /** calendar days from the day of a timestamp to the date `asOf` (YYYY-MM-DD); NULL for NULL */
  daysSinceText(expression: string, asOf: string): string;
  /**
   * `total / count` (a 4-place decimal by a whole number) to 2 places, rounded half away from zero
   * exactly (1.005 / 1 is 1.01: no double on the way); NULL when count is 0 or NULL
   */
  averageToSen(total: string, count: string): string;
  /** the width of a value as text in a spreadsheet cell: wide (CJK) characters count double */
  displayWidth(expression: string): string;
  /**
   * a text a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage
   * return) with a leading ' (OWASP's advice against CSV injection); other texts as they are
   */
  formulaSafeText(expression: string): string;
  /**
   * a value as text, replaced by its label (`labels` keyed by the value's text: 'female', 'true');
   * a value without a label as it is
   */
  labelledText(expression: string, labels: Readonly<Record<string, string>>): string;
}
