/** SQL text helpers for the few places where a value cannot be a bound parameter (DDL, map keys). */

/** A single-quoted SQL string literal. NUL cannot be stored in a DuckDB string, so it is refused. */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('INTERNAL ERROR: NUL byte in an SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A double-quoted SQL identifier. */
export function sqlIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('INTERNAL ERROR: NUL byte in an SQL identifier');
  return `"${name.replace(/"/g, '""')}"`;
}
