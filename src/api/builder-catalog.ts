import { customerFigures, customers, mails as mailsTable } from '../catalog/tables.js';
import type { Engine } from '../engine/engine.js';
import { plainValue } from '../segments/customer-row.js';

/** What a form offers for one customer field of a `field` condition. */
export interface BuilderField {
  readonly name: string;
  /** the Japanese label of the catalog (the first alias) */
  readonly label: string;
  readonly type: 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'enum' | 'tags';
  /** enumerations: each canonical value with its Japanese label */
  readonly choices?: ReadonlyArray<{ readonly value: string; readonly label: string }>;
}

/**
 * What a segment builder offers beside the definition's JSON Schema: the customer fields with
 * their labels and choices, the attribute and order groups this database holds, and the values
 * the low-cardinality customer columns hold (for pick lists; the definition may name others).
 */
export interface BuilderCatalog {
  readonly fields: readonly BuilderField[];
  /** `attr:NAME` fields imported into this database */
  readonly attributes: readonly string[];
  /** order group names (the `groups` keys of a purchases condition) imported into this database */
  readonly orderGroups: readonly string[];
  /** column → its values (the dictionary of low-cardinality customer columns, at most 500 each) */
  readonly values: Readonly<Record<string, readonly string[]>>;
  /** what a member page (`Workspace.members` columns, sort) can show: customer fields, attribute groups, lifetime figures */
  readonly memberColumns: ReadonlyArray<{ readonly name: string; readonly label: string }>;
}

/** One mail of the catalog, for a mail picker. */
export interface MailSummary {
  readonly mailId: string;
  readonly subject: string | null;
  /** local time as stored, `YYYY-MM-DD HH:MM:SS` */
  readonly sentAt: string | null;
  readonly kind: string | null;
  readonly storeId: string | null;
  /** with `counts`: the customers with a send, open, click event of the mail (mail-list.ts) */
  readonly sends?: number;
  readonly opens?: number;
  readonly clicks?: number;
}

export interface MailSearch {
  /** text the subject or the mail id contains (NFKC, lower-cased, as a definition's subjectContains) */
  readonly q?: string;
  /** a kind as the importer reads it (`manual`, `MANUAL`, `手動`, …); an unknown one is refused (mail-list.ts) */
  readonly kind?: string;
  readonly store?: string;
  /** sent on or after / on or before these days, YYYY-MM-DD */
  readonly sentFrom?: string;
  readonly sentTo?: string;
  /** at most this many (default 100, at most 1,000), newest first */
  readonly limit?: number;
  /** text the subject contains (NFKC, lower-cased), the mail id aside (`kumiwake mails list --subject`) */
  readonly subject?: string;
  /**
   * sent in this range of days, each end a date form of a definition (`2026-10-01`, `today-30d`)
   * or a day as the importer reads one (`2026/10/07`, `2026年10月7日`), resolved at `asOf`; as
   * its ends, or as typed, `FROM~TO` (either end left out) or one day (mail-list.ts)
   */
  readonly sent?: { readonly from?: string; readonly to?: string } | string;
  /** how the caller names these inputs in faults (default: `sent.from`, `--sent`, `--kind`) */
  readonly names?: import('../input-names.js').InputNames;
  /** the as-of date relative `sent` ends are resolved at (default today) */
  readonly asOf?: string;
  /** add each mail's send, open and click counts */
  readonly counts?: boolean;
}

const MAX_VALUES = 500;

export async function builderCatalog(db: Engine): Promise<BuilderCatalog> {
  const columns = await db.introspect();
  const fields = customers.columns.map((c): BuilderField => ({
    name: c.name, label: c.label, type: c.type,
    ...(c.type === 'enum' ? { choices: [...new Set(Object.values(c.values ?? {}))].map((value) => ({ value, label: c.valueLabels?.[value] ?? value })) } : {}),
  }));
  const names = (table: string, prefix: string) => columns.filter((c) => c.table === table && c.column.startsWith(prefix)).map((c) => c.column).sort();
  const values: Record<string, string[]> = {};
  if (db.dialectName === 'clickhouse') Object.assign(values, await serverDictionary(db, names('customers', 'attr:')));
  else if (columns.some((c) => c.table === 'customer_values')) {
    const rows = await db.query<{ column_name: string; value: string }>({ sql: 'SELECT column_name, value FROM customer_values ORDER BY column_name, value', parameters: [] });
    for (const { column_name, value } of rows) {
      const list = (values[column_name] ??= []);
      if (list.length < MAX_VALUES) list.push(value);
    }
  }
  const attributes = names('customers', 'attr:');
  const memberColumns = [...fields, ...attributes.map((name) => ({ name, label: name.slice('attr:'.length) })), ...customerFigures].map(({ name, label }) => ({ name, label }));
  return { fields, attributes, orderGroups: names('purchases', 'group:').map((c) => c.slice('group:'.length)), values, memberColumns };
}

/**
 * ClickHouse keeps no customer_values: the same dictionary read from the customers, each column's
 * values in DuckDB's order (bytes), none for a column with more than the dictionary keeps.
 */
async function serverDictionary(db: Engine, attributes: readonly string[]): Promise<Record<string, string[]>> {
  const [{ clickhouseEngineOf }, { distinctCustomerValues }, { DICTIONARY_COLUMNS, MAX_DICTIONARY_VALUES }] = await Promise.all([
    import('../engine/clickhouse/engine.js'), import('../engine/clickhouse/customer-values.js'), import('../engine/duckdb/import/customer-values.js')]);
  const engine = clickhouseEngineOf(db);
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const values: Record<string, string[]> = {};
  for (const column of [...DICTIONARY_COLUMNS, ...attributes, 'tags']) {
    const found = await distinctCustomerValues(engine, column, MAX_DICTIONARY_VALUES);
    if (found && found.length > 0) values[column] = found.sort(byBytes).slice(0, MAX_VALUES);
  }
  return values;
}

const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * The mails of the catalog that pass every filter given, newest first. The catalog is small (one
 * row per mail sent), so it is read whole and filtered here, with the fold a definition's
 * `subjectContains` uses.
 */
export async function searchMails(db: Engine, search: MailSearch): Promise<MailSummary[]> {
  const limit = Math.min(Math.max(Math.trunc(search.limit ?? 100), 1), 1000);
  // sent_at as each engine hands it over, made text here: ClickHouse 18.16's CAST refuses the NULL of a mail never sent.
  const read = await db.query<{ mail_id: string; subject: string | null; sent_at: unknown; kind: string | null; store_id: string | null }>({
    sql: `SELECT ${mailsTable.columns.map((c) => c.name).join(', ')} FROM mails ORDER BY sent_at DESC NULLS LAST, mail_id`,
    parameters: [],
  });
  const rows = read.map((m) => ({ ...m, sent_at: plainValue(m.sent_at, 'timestamp') as string | null }));
  const q = search.q === undefined || search.q.trim() === '' ? undefined : fold(search.q.trim());
  const day = (at: string | null) => at?.slice(0, 10);
  return rows
    .filter((m) => q === undefined || fold(m.subject ?? '').includes(q) || fold(m.mail_id).includes(q))
    .filter((m) => !search.subject || fold(m.subject ?? '').includes(fold(search.subject.trim())))
    .filter((m) => !search.kind || m.kind === search.kind)
    .filter((m) => !search.store || m.store_id === search.store)
    .filter((m) => !search.sentFrom || (day(m.sent_at) ?? '') >= search.sentFrom)
    .filter((m) => !search.sentTo || (day(m.sent_at) ?? '\uffff') <= search.sentTo)
    .slice(0, limit)
    .map((m) => ({ mailId: m.mail_id, subject: m.subject, sentAt: m.sent_at?.slice(0, 19) ?? null, kind: m.kind, storeId: m.store_id }));
}
