import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { customers, mailEvents, purchases } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { CUSTOMER_NUMBERS_MARK } from '../../src/engine/duckdb/import/customer-numbers.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { planMembers, planTargetOf, schemaInfo } from '../../src/segments/evaluate.js';
import type { SchemaInfo } from '../../src/planner/context.js';
import { duckdbDialect } from '../../src/dialect/duckdb/dialect.js';
import { validateDefinition } from '../../src/model/validate.js';
import { compileMembers } from '../../src/planner/compile-segment.js';
import { NUMBER_SET_BITS_AT_MOST } from '../../src/planner/compile-mail.js';
import { SegmentStore } from '../../src/segments/store.js';
import { tempDir } from '../helpers/cli.js';

// Mail conditions join customers to their events by customer number where every row has one
// (src/engine/duckdb/import/customer-numbers.ts). The numbers must follow the customers through
// any order of imports: events before their customer, a customer who leaves and comes back, a
// database made before the numbers.

const asOf = parseLocalDate('2026-06-30')!;
const opened = { version: 1, where: { kind: 'mail', event: 'open', mails: ['M1'] } };
const notClicked = { version: 1, where: { not: { kind: 'mail', event: 'click', mails: ['M1'] } } };
const twoOrders = { version: 1, where: { kind: 'purchases', orderCount: { min: 2 } } };
const orderedSinceJune = { version: 1, where: { kind: 'purchases', window: { from: '2026-06-01' }, orderCount: { min: 1 } } };

describe('customer numbers', () => {
  let dir: string;
  let path: string;
  let db: DuckDBEngine;
  const write = (name: string, rows: string[]) => {
    writeFileSync(join(dir, name), `${rows.join('\n')}\n`);
    return join(dir, name);
  };
  const members = async (definition: unknown) => {
    const plan = planMembers(definition, await SegmentStore.load(db), asOf, await planTargetOf(db));
    return (await db.query<{ customer_id: string }>({ sql: plan.sql, parameters: plan.parameters })).map((r) => r.customer_id).sort();
  };
  /** Rows without a number, or whose number is not their id's in the dictionary; ids numbered twice; numbers given twice. */
  const faults = async () => (await db.all<{ n: bigint }>(`SELECT
      (SELECT count(*) FROM customers c LEFT JOIN customer_numbers n USING (customer_id) WHERE c.customer_no IS NULL OR c.customer_no IS DISTINCT FROM n.customer_no)
    + (SELECT count(*) FROM mail_events e LEFT JOIN customer_numbers n USING (customer_id) WHERE e.customer_no IS NULL OR e.customer_no IS DISTINCT FROM n.customer_no)
    + (SELECT count(*) FROM customer_summary s LEFT JOIN customer_numbers n USING (customer_id) WHERE s.customer_no IS NULL OR s.customer_no IS DISTINCT FROM n.customer_no)
    + (SELECT count(*) - count(DISTINCT customer_id) FROM customer_numbers)
    + (SELECT count(*) - count(DISTINCT customer_no) FROM customer_numbers) AS n`))[0]!.n;
  const numberOf = async (id: string) => (await db.all<{ no: number }>('SELECT customer_no AS no FROM customer_numbers WHERE customer_id = $1', [id]))[0]?.no;

  beforeAll(async () => {
    dir = tempDir();
    path = join(dir, 'n.duckdb');
    db = await DuckDBEngine.open(path);
  });
  afterAll(() => db.close());

  it('numbers a new database, and the planner joins mail conditions by them', async () => {
    expect(await db.hasSchemaMark(CUSTOMER_NUMBERS_MARK)).toBe(true);
    await importFiles(db, { table: customers, files: [write('c1.csv', ['customer_id,name', 'A,a', 'B,b', 'C,c'])] });
    // X is not a customer yet: its events still get a number, the one X will have.
    await importFiles(db, { table: mailEvents, files: [write('e1.csv', ['customer_id,mail_id,event,occurred_at',
      'A,M1,send,2026-06-01 10:00', 'A,M1,open,2026-06-01 11:00', 'B,M1,open,2026-06-02 11:00', 'B,M1,click,2026-06-02 11:01',
      'X,M1,open,2026-06-03 11:00', 'X,M1,click,2026-06-03 11:01'])] });
    expect(await faults()).toBe(0n);
    expect((await schemaInfo(db)).customerNumbers).toBe(true);
    const plan = planMembers(opened, await SegmentStore.load(db), asOf, await planTargetOf(db));
    expect(plan.sql).toContain('customer_no');
    expect(await members(opened)).toEqual(['A', 'B']);
    expect(await members(notClicked)).toEqual(['A', 'C']);
  });

  it('gives a customer imported after their events the number the events hold', async () => {
    const x = await numberOf('X');
    expect(x).toBeDefined();
    await importFiles(db, { table: customers, files: [write('c2.csv', ['customer_id,name', 'X,x', 'D,d'])] });
    expect(await faults()).toBe(0n);
    expect(await numberOf('X')).toBe(x);
    expect(await members(opened)).toEqual(['A', 'B', 'X']);
    expect(await members(notClicked)).toEqual(['A', 'C', 'D']);
  });

  it('keeps a number for a customer who leaves and comes back, and never gives it to another', async () => {
    const a = await numberOf('A');
    await importFiles(db, { table: customers, files: [write('c3.csv', ['customer_id,name', 'B,b', 'C,c', 'E,e'])], mode: 'replace' });
    expect(await members(opened)).toEqual(['B']);
    const e = await numberOf('E');
    expect(e).not.toBe(a);
    expect(e).toBeGreaterThan(Math.max(...(await db.all<{ no: number }>(`SELECT customer_no AS no FROM customer_numbers WHERE customer_id <> 'E'`)).map((r) => r.no)));
    await importFiles(db, { table: customers, files: [write('c4.csv', ['customer_id,name', 'A,a2'])] });
    expect(await numberOf('A')).toBe(a);
    expect(await faults()).toBe(0n);
    expect(await members(opened)).toEqual(['A', 'B']);
    expect(await members(notClicked)).toEqual(['A', 'C', 'E']);
  });

  it('numbers events appended to a stored table, and a full reload of them', async () => {
    await importFiles(db, { table: mailEvents, files: [write('e2.csv', ['customer_id,mail_id,event,occurred_at', 'C,M1,open,2026-06-05 11:00', 'Y,M1,open,2026-06-05 12:00'])] });
    expect(await faults()).toBe(0n);
    expect(await members(opened)).toEqual(['A', 'B', 'C']);
    const result = await importFiles(db, { table: mailEvents, mode: 'replace', files: [write('e3.csv', ['customer_id,mail_id,event,occurred_at',
      'E,M1,open,2026-06-06 11:00', 'Y,M1,click,2026-06-06 12:00', 'Z,M1,open,2026-06-06 12:00'])] });
    expect(result.unknownCustomers).toBe(2);
    expect(await faults()).toBe(0n);
    expect(await members(opened)).toEqual(['E']);
    expect(await members(notClicked)).toEqual(['A', 'B', 'C', 'E']);
  });

  it('joins by the text id while a row has no number (an earlier version wrote it), until the next opening numbers it', async () => {
    await db.run(`INSERT INTO mail_events (customer_id, mail_id, event, occurred_at) VALUES ('A', 'M1', 'click', TIMESTAMP '2026-06-07 10:00')`);
    expect((await schemaInfo(db)).customerNumbers).toBe(false);
    const plan = planMembers(notClicked, await SegmentStore.load(db), asOf, await planTargetOf(db));
    expect(plan.sql).not.toContain('customer_no');
    expect(await members(notClicked)).toEqual(['B', 'C', 'E']);
    db.close();
    db = await DuckDBEngine.open(path);
    expect(await faults()).toBe(0n);
    expect((await schemaInfo(db)).customerNumbers).toBe(true);
    expect(await members(notClicked)).toEqual(['B', 'C', 'E']);
  });

  it('numbers a database made before the numbers when it is next opened for writing', async () => {
    const before = { opened: await members(opened), notClicked: await members(notClicked) };
    await db.run(`DELETE FROM schema_info WHERE key = '${CUSTOMER_NUMBERS_MARK}'`);
    await db.run('UPDATE customers SET customer_no = NULL');
    await db.run('UPDATE mail_events SET customer_no = NULL');
    await db.run('UPDATE customer_summary SET customer_no = NULL');
    await db.run('DELETE FROM customer_numbers');
    expect((await schemaInfo(db)).customerNumbers).toBe(false);
    // Without the mark the planner joins by the text id, and answers the same.
    expect(await members(opened)).toEqual(before.opened);
    db.close();
    db = await DuckDBEngine.open(path);
    expect(await db.hasSchemaMark(CUSTOMER_NUMBERS_MARK)).toBe(true);
    expect(await faults()).toBe(0n);
    expect({ opened: await members(opened), notClicked: await members(notClicked) }).toEqual(before);
  });

  it('numbers customer_summary through full and partial purchases imports, guests and customers who come later, and joins lifetime figures by it', async () => {
    // With categories, the full rebuild is the one by customer (summaries-by-customer.ts), which
    // numbers the rows as it writes them; a partial import writes by the deltas.
    const header = 'order_id,line_no,customer_id,ordered_at,product_code,category,amount';
    // B and C have two orders, G (not a customer yet) two, E one.
    await importFiles(db, { table: purchases, files: [write('p1.csv', [header,
      'O1,1,B,2026-05-01 10:00,P1,k1,100', 'O2,1,B,2026-06-02 10:00,P1,k1,100', 'O3,1,C,2026-05-03 10:00,P2,k2,100', 'O4,1,C,2026-05-04 10:00,P2,k2,100',
      'O5,1,G,2026-06-05 10:00,P1,k1,100', 'O6,1,G,2026-06-06 10:00,P1,k1,100', 'O7,1,E,2026-06-07 10:00,P1,k1,100'])] });
    expect(await faults()).toBe(0n);
    expect(await numberOf('G')).toBeDefined();
    expect((await schemaInfo(db)).customerNumbers).toBe(true);
    const plan = planMembers(twoOrders, await SegmentStore.load(db), asOf, await planTargetOf(db));
    expect(plan.sql).toMatch(/"customer_no" = "c"\."customer_no"/);
    expect(await members(twoOrders)).toEqual(['B', 'C']);
    expect(await members(orderedSinceJune)).toEqual(['B', 'E']);
    // A partial import: E's second order, and D's first (a summary row the deltas add).
    await importFiles(db, { table: purchases, files: [write('p2.csv', [header, 'O8,1,E,2026-06-08 10:00,P2,k2,100', 'O9,1,D,2026-06-09 10:00,P2,k2,100'])] });
    expect(await faults()).toBe(0n);
    expect(await members(twoOrders)).toEqual(['B', 'C', 'E']);
    // G comes as a customer with the number their summary row holds.
    const g = await numberOf('G');
    await importFiles(db, { table: customers, files: [write('c5.csv', ['customer_id,name', 'G,g'])] });
    expect(await numberOf('G')).toBe(g);
    expect(await faults()).toBe(0n);
    expect(await members(twoOrders)).toEqual(['B', 'C', 'E', 'G']);
    expect(await members(orderedSinceJune)).toEqual(['B', 'E', 'G']);
  });

  it('tests a not mail leaf against the stored sets, one set of the numbers, or by NOT IN past NUMBER_SET_BITS_AT_MOST, with the same customers', async () => {
    const schema = await schemaInfo(db);
    expect(schema.highestCustomerNumber).toBe(Math.max(...(await db.all<{ no: number }>('SELECT customer_no AS no FROM customer_numbers')).map((r) => r.no)));
    const valid = validateDefinition(notClicked, { asOf });
    const planned = async (changed: Partial<SchemaInfo>) => {
      const plan = compileMembers(valid, { dialect: duckdbDialect, asOf, schema: { ...schema, ...changed } });
      return { sql: plan.sql, members: (await db.query<{ customer_id: string }>(plan)).map((r) => r.customer_id).sort() };
    };
    const byStoredSets = await planned({});
    const bySet = await planned({ mailEventSets: undefined });
    const byNotIn = await planned({ mailEventSets: undefined, highestCustomerNumber: NUMBER_SET_BITS_AT_MOST });
    expect(byStoredSets.sql).toContain('FROM mail_event_sets');
    expect(bySet.sql).not.toContain('mail_event_sets');
    expect(bySet.sql).not.toContain('NOT IN');
    expect(byNotIn.sql).toContain('NOT IN');
    expect(bySet.members).toEqual(['B', 'C', 'E', 'G']);
    expect(byStoredSets.members).toEqual(bySet.members);
    expect(byNotIn.members).toEqual(bySet.members);
  });

  it('numbers customer_summary as the SQL files rebuild it (a shop without categories), leaving only a guest to number afterwards', async () => {
    const own = await DuckDBEngine.open(join(dir, 'files.duckdb'));
    try {
      await importFiles(own, { table: customers, files: [write('c-files.csv', ['customer_id,name', 'A,a', 'B,b'])] });
      const statements: string[] = [];
      const run = own.run.bind(own);
      own.run = async (sql, params) => { statements.push(sql); return run(sql, params); };
      const header = 'order_id,line_no,customer_id,ordered_at,product_code,amount';
      await importFiles(own, { table: purchases, files: [write('p-files.csv', [header,
        'O1,1,A,2026-05-01 10:00,P1,100', 'O2,1,B,2026-05-02 10:00,P1,100', 'O3,1,B,2026-05-03 10:00,P2,100'])] });
      // The rebuild's INSERT joins the numbers; nothing numbers the written rows again.
      expect(statements.filter((sql) => /INSERT INTO customer_summary/.test(sql)).every((sql) => /customer_no/.test(sql))).toBe(true);
      expect(statements.some((sql) => /INSERT INTO customer_numbers|UPDATE customer_summary|remaking_customer_summary/.test(sql))).toBe(false);
      const summary = await own.all<{ id: string; no: number | null; orders: bigint }>(
        'SELECT s.customer_id AS id, s.customer_no AS no, s.order_count AS orders FROM customer_summary s ORDER BY 1');
      const numbers = await own.all<{ id: string; no: number }>('SELECT customer_id AS id, customer_no AS no FROM customer_numbers ORDER BY 1');
      expect(summary).toEqual([{ id: 'A', no: numbers[0]!.no, orders: 1n }, { id: 'B', no: numbers[1]!.no, orders: 2n }]);
      // In passes, each joins the numbers of its own customers only (at 3x, all of them in each of
      // 6 passes took 9.6 s more).
      statements.length = 0;
      await own.transaction(() => refreshDerivedTables(own, 'purchases', 'all', 1));
      const passes = statements.filter((sql) => sql.startsWith('INSERT INTO customer_summary'));
      expect(passes.length).toBeGreaterThan(1);
      passes.forEach((sql, i) => expect(sql.split(`hash(customer_id) % ${passes.length} = ${i}`)).toHaveLength(3));
      expect(await own.all('SELECT s.customer_id AS id, s.customer_no AS no, s.order_count AS orders FROM customer_summary s ORDER BY 1')).toEqual(summary);
      // A guest's row is written without a number and numbered after the rebuild.
      statements.length = 0;
      await importFiles(own, { table: purchases, mode: 'replace', files: [write('p-guest.csv', [header,
        'O1,1,A,2026-05-01 10:00,P1,100', 'O4,1,G,2026-05-04 10:00,P1,100'])] });
      expect(statements.some((sql) => /INSERT INTO customer_numbers/.test(sql))).toBe(true);
      const guest = await own.all<{ no: number | null; known: number | null }>(
        `SELECT s.customer_no AS no, n.customer_no AS known FROM customer_summary s JOIN customer_numbers n USING (customer_id) WHERE customer_id = 'G'`);
      expect(guest).toHaveLength(1);
      expect(guest[0]!.no).toBe(guest[0]!.known);
    } finally {
      own.close();
    }
  });
});
