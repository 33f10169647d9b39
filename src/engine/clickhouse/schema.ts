import { readFileSync } from 'node:fs';
import { customers, type TableName } from '../../catalog/tables.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';

const TABLES_FILE = new URL('../../../sql/clickhouse/tables.sql', import.meta.url);

/** How a table lies on a cluster: split by customer, or a full copy on every shard. */
export type Placement = 'sharded' | 'copied';

export interface ClickHouseColumn {
  readonly name: string;
  /** the ClickHouse type, e.g. `Nullable(Decimal(18, 4))` */
  readonly type: string;
  /** `DEFAULT …` clause, if any */
  readonly default?: string;
}

export interface ClickHouseTable {
  readonly name: TableName;
  readonly placement: Placement;
  readonly columns: readonly ClickHouseColumn[];
  /** the CREATE TABLE statement with `{table}` for its name */
  readonly template: string;
}

/** Where the tables are: one server, or the shards of a cluster. */
export interface Layout {
  readonly database: string;
  readonly cluster?: string;
}

export const FOLDED_SUFFIX = '_folded';

/**
 * Text columns the ClickHouse planner compares folded (NFKC + lower case): 18.16 has no NFKC in
 * SQL, so each gets a copy `<column>_folded` written as the DuckDB engine's `kumiwake_fold`
 * folds (src/planner/clickhouse/folded.ts reads them). Customers: every text column, every
 * `attr:` column and the tags (`tags_folded`, each tag folded).
 */
const FOLDED: Readonly<Partial<Record<TableName, readonly string[]>>> = {
  customers: [...customers.columns.filter((c) => c.type === 'text').map((c) => c.name), 'tags'],
  purchases: ['remark'],
  mails: ['subject', 'subkind'],
  subscriptions: ['cancel_reason'],
};

/** The columns of `table` with a folded copy (`attr:` columns of customers always have one too). */
export const foldedColumnsOf = (table: TableName): readonly string[] => FOLDED[table] ?? [];

export const hasFoldedCopy = (table: TableName, column: string) =>
  foldedColumnsOf(table).includes(column) || (table === 'customers' && column.startsWith('attr:') && !column.endsWith(FOLDED_SUFFIX));

/** The ClickHouse type of a folded copy (`tags_folded` is an array). */
export const foldedType = (column: string) => (column === 'tags' ? 'Array(String)' : 'Nullable(String)');

/** The column every row carries: the import that wrote it. */
export const IMPORT_ID_COLUMN = '_import_id';

/** The sharding key: all of a customer's rows land on the same shard. */
export const SHARDING_KEY = 'cityHash64(customer_id)';

let tables: readonly ClickHouseTable[] | undefined;

/** The data tables of sql/clickhouse/tables.sql, in its order. */
export function clickHouseTables(): readonly ClickHouseTable[] {
  tables ??= readFileSync(TABLES_FILE, 'utf8')
    .split(/^-- (?=\w+: (?:sharded|copied)$)/m)
    .slice(1)
    .map((part) => {
      const [, name, placement] = /^(\w+): (sharded|copied)\n/.exec(part)!;
      const template = part.slice(part.indexOf('\n') + 1).trim().replace(/;$/, '');
      const body = template.slice(template.indexOf('(') + 1, template.lastIndexOf(') ENGINE'));
      const columns = body.split(/,\s*(?![^()]*\))/).map((c) => c.trim()).filter((c) => c !== '').map((c) => {
        const match = /^(\w+)\s+(.+?)(?:\s+DEFAULT\s+(.+))?$/.exec(c)!;
        return { name: match[1]!, type: match[2]!, ...(match[3] ? { default: match[3] } : {}) };
      });
      // Folded copies go before _import_id (CONTEXT.md lists them).
      const folded = foldedColumnsOf(name as TableName).map((c) => ({ name: `${c}${FOLDED_SUFFIX}`, type: foldedType(c) }));
      const withFolded = folded.length === 0 ? template
        : template.replace(/(\n\s*_import_id\s)/, `\n${folded.map((c) => `  ${c.name} ${c.type},`).join('\n')}$1`);
      const all = [...columns.filter((c) => c.name !== IMPORT_ID_COLUMN), ...folded, columns.find((c) => c.name === IMPORT_ID_COLUMN)!];
      return { name: name as TableName, placement: placement as Placement, columns: all, template: withFolded };
    });
  return tables;
}

export function clickHouseTable(name: string): ClickHouseTable {
  const table = clickHouseTables().find((t) => t.name === name);
  if (!table) throw new Error(`INTERNAL ERROR: no ClickHouse table ${name}`);
  return table;
}

/**
 * The table a shard-local query reads (part B's compiler): with a cluster, a sharded table's
 * (or the per-customer summary's, customer-summary.ts) `<name>_local` on the shard the query runs on; a copied table (products, mails, stores), or
 * any table on one server, under its own name.
 */
export function localTableName(layout: { readonly cluster?: string }, table: string): string {
  const known = clickHouseTables().find((t) => t.name === table);
  return layout.cluster && (known?.placement === 'sharded' || table === 'customer_summary') ? `${table}_local` : table;
}

/** The name a shard stores a table's rows under (`localTableName`), with a suffix for an import's next version. */
export const storedName = (layout: Layout, table: string, suffix = '') => `${localTableName(layout, table)}${suffix}`;

const qualified = (layout: Layout, name: string) => `${chIdent(layout.database)}.${chIdent(name)}`;

/** The statements that create `table` on every shard (in order): the stored table, and over a sharded one the Distributed table. */
export function createStatements(layout: Layout, table: ClickHouseTable): string[] {
  const stored = storedName(layout, table.name);
  const statements = [table.template.replace('{table}', qualified(layout, stored))];
  if (stored !== table.name) statements.push(distributedStatement(layout, table.name, stored));
  return statements;
}

/** A Distributed table `name` over the shards' `local` tables, sharded by customer. */
export function distributedStatement(layout: Layout, name: string, local: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(layout, name)} AS ${qualified(layout, local)} ` +
    `ENGINE = Distributed(${chString(layout.cluster!)}, ${chString(layout.database)}, ${chString(local)}, ${SHARDING_KEY})`;
}

/** A new empty table `name` with the columns of `like` (an import's incoming or next version). */
export function createLikeStatement(layout: Layout, name: string, like: string, table: ClickHouseTable): string {
  const engine = /\) (ENGINE = .*)$/s.exec(table.template)![1]!;
  return `CREATE TABLE ${qualified(layout, name)} AS ${qualified(layout, like)} ${engine}`;
}

/** A free-named column (`attr:NAME`, `group:NAME`) is Nullable(String), as DuckDB's VARCHAR. */
export function addColumnStatement(layout: Layout, name: string, column: string): string {
  return `ALTER TABLE ${qualified(layout, name)} ADD COLUMN ${chIdent(column)} Nullable(String)`;
}

export { qualified as qualifiedName };
