/**
 * How a DuckDB column crosses to PostgreSQL for the benchmark's peer: its PostgreSQL type, and the
 * DuckDB expression that writes it into a CSV file PostgreSQL's COPY reads back as that type. The
 * summary tables are copied by the columns DuckDB's information_schema lists, so a column added
 * to them (or a changed type) still loads without editing the benchmark.
 */
export interface PgColumn {
  readonly name: string;
  readonly pgType: string;
  /** DuckDB SQL selecting the column as COPY ... (FORMAT csv) writes it for PostgreSQL */
  readonly select: string;
}

/** An identifier quoted for both engines (both double a double quote inside one). */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB scalar types whose CSV text PostgreSQL reads as-is, by their PostgreSQL name. */
const SCALARS: Record<string, string> = {
  VARCHAR: 'text', BOOLEAN: 'boolean',
  TINYINT: 'smallint', SMALLINT: 'smallint', INTEGER: 'integer', BIGINT: 'bigint',
  UTINYINT: 'smallint', USMALLINT: 'integer', UINTEGER: 'bigint', UBIGINT: 'numeric(20,0)',
  HUGEINT: 'numeric(39,0)', UHUGEINT: 'numeric(39,0)', FLOAT: 'real', DOUBLE: 'double precision',
  DATE: 'date', TIME: 'time', TIMESTAMP: 'timestamp', 'TIMESTAMP_S': 'timestamp', 'TIMESTAMP_MS': 'timestamp',
  'TIMESTAMP_NS': 'timestamp', 'TIMESTAMP WITH TIME ZONE': 'timestamptz', INTERVAL: 'interval', UUID: 'uuid',
};

/** The PostgreSQL type of a DuckDB scalar type name, or undefined when it has no plain counterpart. */
function scalarType(duckType: string): string | undefined {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckType);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  return SCALARS[duckType];
}

/**
 * The column `name` of DuckDB type `duckType` (as information_schema.columns.data_type spells it).
 * Lists of scalars become arrays (written as PostgreSQL array literals, every element quoted so
 * commas, braces and quotes inside text survive); blobs become bytea (hex); structs, maps and
 * nested lists become jsonb. Throws for a type it does not know, naming the column.
 */
export function pgColumn(table: string, name: string, duckType: string): PgColumn {
  const column = quoteIdent(name);
  const scalar = scalarType(duckType);
  if (scalar) return { name, pgType: scalar, select: column };
  if (duckType === 'BLOB') return { name, pgType: 'bytea', select: `'\\x' || hex(${column})` };
  const list = /^(.+)\[\]$/.exec(duckType);
  const element = list ? scalarType(list[1]!) : undefined;
  if (element) {
    const quoted = `CASE WHEN x IS NULL THEN 'NULL' ELSE '"' || replace(replace(CAST(x AS VARCHAR), '\\', '\\\\'), '"', '\\"') || '"' END`;
    return { name, pgType: `${element}[]`, select: `'{' || array_to_string(list_transform(${column}, x -> ${quoted}), ',') || '}'` };
  }
  if (list || /^(STRUCT|MAP|JSON|UNION)\b/.test(duckType)) return { name, pgType: 'jsonb', select: `CAST(to_json(${column}) AS VARCHAR)` };
  throw new Error(`cannot copy ${table}.${name} (DuckDB ${duckType}) to PostgreSQL: no type mapping for it in src/bench/pg-columns.ts`);
}
