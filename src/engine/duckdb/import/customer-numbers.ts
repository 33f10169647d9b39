import type { DuckDBEngine } from '../engine.js';
import { MISSING_CUSTOMERS, remakeTable, sideTableOf } from './side-load.js';
import { MAIL_EVENT_SETS_MARK, refreshMailEventSets } from './mail-event-sets.js';

/**
 * The schema_info key saying every row of customers, mail_events and customer_summary carries its
 * customer's number (the planner joins by it only then).
 */
export const CUSTOMER_NUMBERS_MARK = 'customer_numbers';

/** The tables whose rows carry their customer's number. */
export type NumberedTable = 'customers' | 'mail_events' | 'customer_summary';

/** Every numbered table, in the order numberCustomers numbers them. */
export const NUMBERED_TABLES: readonly NumberedTable[] = ['customers', 'mail_events', 'customer_summary'];

/**
 * Why numbers: a mail condition joins a million customers to their events, a lifetime figure to
 * their summaries. On the text ids DuckDB hashes and compares a million strings (did not click a
 * scenario mail at 1x: 55 ms, as much as the hand-written query); on integers the same join took
 * 27 ms, opened one of three mails 11 against 37 ms, bought in the last 90 days (customer_summary)
 * 11 against 34 ms.
 *
 * The rule that keeps them exact: customer_numbers gives every customer id ever stored in
 * customers, mail_events or customer_summary one number, never changed or reused, and each row of
 * those tables holds its id's number. So a customer who leaves the customers table (a replace
 * import) and comes back gets the number their events and summary still hold, and events or
 * purchases imported before their customer already hold the number the customer will get. A
 * writer inserts rows without a number (or with the dictionary's number, the same by the rule:
 * mail events from the customers row, the summary rebuilt by customer from customer_numbers),
 * then numberRows fills the others.
 */
export async function numberRows(db: DuckDBEngine, table: string): Promise<number> {
  // Usually none: DuckDB answers from the column's statistics.
  const rows = await unnumberedRows(db, table);
  if (rows === 0) return 0;
  await giveNumbers(db, `SELECT DISTINCT customer_id FROM ${table} WHERE customer_no IS NULL`);
  await fillNumbers(db, table, rows);
  return rows;
}

const unnumberedRows = async (db: DuckDBEngine, table: string): Promise<number> =>
  Number((await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table} WHERE customer_no IS NULL`))[0]!.n);

/** Gives the ids of `ids` (a query of distinct customer_id) new to the dictionary the next numbers, in id order (the same numbers for the same data). */
async function giveNumbers(db: DuckDBEngine, ids: string): Promise<void> {
  await db.run(`INSERT INTO customer_numbers
    SELECT customer_id, (SELECT COALESCE(max(customer_no), 0) FROM customer_numbers) + row_number() OVER (ORDER BY customer_id)
    FROM (${ids}) AS fresh
    WHERE customer_id NOT IN (SELECT customer_id FROM customer_numbers)`);
}

/** Gives the `rows` rows of `table` without a number their id's number from the dictionary. */
async function fillNumbers(db: DuckDBEngine, table: string, rows: number): Promise<void> {
  if (rows < remadeFromRows(table)) {
    await db.run(`UPDATE ${table} SET customer_no = n.customer_no FROM customer_numbers AS n
                  WHERE ${table}.customer_no IS NULL AND n.customer_id = ${table}.customer_id`);
    return;
  }
  // Written again, in its order, with the numbers: an UPDATE of tens of millions of events holds
  // each old value until the commit, and the million rows of a customer_summary the same
  // transaction wrote took 6.2-6.8 s to update against 1.2 s written again. (A million customers
  // update in 0.1 s.)
  await remakeTable(db, table, (t) => `BY NAME SELECT r.* REPLACE (COALESCE(r.customer_no, n.customer_no) AS customer_no)
    FROM ${t} AS r LEFT JOIN customer_numbers AS n ON n.customer_id = r.customer_id`);
}

/**
 * The placeholders of sql/purchase-summaries.sql that number customer_summary's rows as its full
 * rebuild writes them. Numbering them afterwards (numberRows) wrote the million rows again: 1.3 s
 * of a 1x import of 40 categories, whose customer_summary statement took no longer with the join
 * (6.6 s before, 5.8 s after). Each pass joins the numbers of its own customers (`customerPass`,
 * its condition on customer_id): joined to every number, each of the 6 passes of a 3x shop hashed
 * all 3M of them, and the statement took 33.8 s against 24.2 s without numbers, 1,347,516 against
 * 934,908 KiB; the pass's own, 23.4 s and 898,592 KiB. A guest new to the numbers is still written
 * without one.
 */
export const summaryRowsNumbered = (customerPass: string) => ({
  number_column: ', customer_no',
  number_value: ', n.customer_no',
  number_join: ` LEFT JOIN (SELECT customer_id, customer_no FROM customer_numbers WHERE ${customerPass}) AS n ON n.customer_id = o.customer_id`,
});

/** The same placeholders for an upsert's recount, whose rows numberRows numbers (they are few). */
export const SUMMARY_ROWS_UNNUMBERED: Readonly<Record<keyof ReturnType<typeof summaryRowsNumbered>, string>> = {
  number_column: '', number_value: '', number_join: '',
};

/** Rows without a number from which numberRows writes the table again instead of updating them. */
function remadeFromRows(table: string): number {
  if (table === 'mail_events' || table === sideTableOf('mail_events')) return 2_000_000;
  return table === 'customer_summary' ? 100_000 : Number.POSITIVE_INFINITY;
}

/**
 * A row without a number, in a numbered table: written by a writer that does not number
 * (an earlier version of kumiwake, or SQL of someone's own). The planner then joins by the text
 * id, and the next opening for writing numbers it. Answered from DuckDB's statistics (1 ms at 1x).
 */
export const UNNUMBERED_ROW_SQL = `SELECT ${NUMBERED_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE customer_no IS NULL)`).join(' OR ')} AS unnumbered`;

/**
 * Numbers every row of the numbered tables that has none and sets the mark: after a customers
 * import, and once on a database made before the numbers. Inside the caller's transaction. Events
 * numbered here (or a database made before the sets) have their answer sets built again.
 */
export async function numberCustomers(db: DuckDBEngine): Promise<void> {
  let eventsNumbered = 0;
  for (const table of NUMBERED_TABLES) {
    const rows = await numberRows(db, table);
    if (table === 'mail_events') eventsNumbered = rows;
  }
  if (!(await db.hasSchemaMark(CUSTOMER_NUMBERS_MARK))) await db.setSchemaMark(CUSTOMER_NUMBERS_MARK);
  // The sets of answer events are built from the events' numbers (mail-event-sets.ts).
  if (eventsNumbered > 0 || !(await db.hasSchemaMark(MAIL_EVENT_SETS_MARK))) await refreshMailEventSets(db);
}

/**
 * Counts the customers the committed side table of mail events names that the customers table
 * lacks (the events without a number: the load's join, or side-load.ts numberSideEvents, numbered
 * the others), then numbers those events. Usually none lacks a number, and the count of those that
 * do is answered from the column's statistics (1 ms at 1x). When some do, their distinct ids are
 * kept in a table of their own, counted there, given numbers in one transaction and written into
 * the events in another (`transaction`), all before the transaction that finishes the import:
 * with every event missing its customer (81M events of 3M 36-character ids imported before the
 * customers), noting every event's id, or numbering the events, inside that transaction ran out of
 * the default 400 MB; and the ids are made distinct once instead of twice (about 30 s each). Ids
 * numbered by an import that fails afterwards keep their numbers: they stay exact (a number is
 * never given to another id), but the same data imported again after a failure may number its
 * customers otherwise than a first import would.
 */
export async function numberMissingCustomers(db: DuckDBEngine, transaction: (work: () => Promise<void>) => Promise<void>): Promise<number> {
  const events = sideTableOf('mail_events');
  const rows = await unnumberedRows(db, events);
  if (rows === 0) return 0;
  await db.run(`CREATE OR REPLACE TABLE ${MISSING_CUSTOMERS} AS SELECT customer_id FROM ${events} WHERE customer_no IS NULL GROUP BY customer_id`);
  try {
    const [missing] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${MISSING_CUSTOMERS}`);
    await transaction(() => giveNumbers(db, `SELECT customer_id FROM ${MISSING_CUSTOMERS}`));
    await transaction(() => fillNumbers(db, events, rows));
    return Number(missing!.n);
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${MISSING_CUSTOMERS}`);
  }
}
