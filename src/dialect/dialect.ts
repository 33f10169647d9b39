import type { Dialect as KyselyDialect, RawBuilder } from 'kysely';

export type Sql<T = unknown> = RawBuilder<T>;

/**
 * What differs between SQL engines. Condition compilers never write an engine's quoting,
 * parameter syntax, date arithmetic or text folding themselves: they ask the dialect.
 */
export interface SqlDialect {
  readonly name: string;
  /** a compile-only Kysely dialect (quoting and placeholders of this engine) */
  readonly kysely: KyselyDialect;
  /** Unicode NFKC normalisation and case folding of a text expression */
  fold(text: Sql): Sql<string>;
  /** `expr` is one of `values`, bound as a single list parameter (lists may be huge) */
  inList(expr: Sql, values: readonly (string | number)[]): Sql<boolean>;
  /** a timestamp (`YYYY-MM-DD HH:MM:SS`, local time) as a bound parameter */
  timestamp(value: string): Sql;
  /** month * 100 + day of a date expression */
  monthDay(date: Sql): Sql<number>;
  /** full years from `birth` to the date `asOf` */
  fullYears(birth: Sql, asOf: string): Sql<number>;
  /** whole days from the day of `start` to the date `asOf` */
  daysUntil(start: Sql, asOf: string): Sql<number>;
  /** the text as an integer, NULL when it is not one */
  tryInteger(text: Sql): Sql<number>;
  /** a text list holds any / all of the folded values */
  listHasAny(list: Sql, values: readonly string[]): Sql<boolean>;
  listHasAll(list: Sql, values: readonly string[]): Sql<boolean>;
  /** the list column, each element folded */
  foldList(list: Sql): Sql;
  /** the struct-free "arg of the row with the greatest key" aggregate, keys compared in order */
  argMax(arg: Sql, keys: readonly Sql[]): Sql;
  argMin(arg: Sql, keys: readonly Sql[]): Sql;
}
