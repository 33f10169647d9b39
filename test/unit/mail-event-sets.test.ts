import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { customers, mailEvents, purchases } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { MAIL_EVENT_SET_BITS_AT_MOST, MAIL_EVENT_SET_EVENTS, MAIL_EVENT_SETS_MARK, refreshMailEventSets } from '../../src/engine/duckdb/import/mail-event-sets.js';
import { NUMBER_SET_BITS_AT_MOST } from '../../src/planner/compile-mail.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { countSegment, planMembers, planTargetOf, schemaInfo } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { tempDir, writeCsv } from '../helpers/cli.js';

// A `not` mail leaf without a window reads the stored sets of its mails' customers
// (src/engine/duckdb/import/mail-event-sets.ts) instead of the events. The sets must follow every
// change of the events and of the customer numbers, or the leaf silently answers for old events.
// A present leaf joins the events (compile-mail.ts says why): its customers are the complement.

const asOf = parseLocalDate('2026-06-30')!;
const notClickedM1 = { version: 1, where: { not: { kind: 'mail', event: 'click', mails: ['M1'] } } };
const clickedM1 = { version: 1, where: { kind: 'mail', event: 'click', mails: ['M1'] } };
const notOpenedScenario = { version: 1, where: { not: { kind: 'mail', event: 'open', mailFilter: { kinds: ['scenario'] } } } };

describe('stored sets of the customers who answered each mail', () => {
  let dir: string;
  let path: string;
  let db: DuckDBEngine;
  const write = (name: string, rows: string[]) => writeCsv(join(dir, name), `${rows.join('\n')}\n`);
  const events = (name: string, rows: string[]) => write(name, ['customer_id,mail_id,event,occurred_at', ...rows]);
  const plan = async (definition: unknown, on = db) => planMembers(definition, await SegmentStore.load(on), asOf, await planTargetOf(on));
  const members = async (definition: unknown, on = db) => {
    const rows = await on.query<{ customer_id: string }>(await plan(definition, on));
    const ids = rows.map((r) => r.customer_id).sort();
    expect((await countSegment(on, definition, await SegmentStore.load(on), asOf)).count).toBe(ids.length);
    return ids;
  };
  /**
   * Answer events whose customer's bit is not set in their mail's set, plus bits set for no such
   * event: 0 when the sets are exactly the events'.
   */
  const faults = async (on = db) => (await on.all<{ n: bigint }>(`SELECT
      (SELECT count(*) FROM mail_events e LEFT JOIN mail_event_sets s USING (event, mail_id)
        WHERE e.event IN ('open', 'click', 'qr') AND (s.customers IS NULL OR get_bit(s.customers, e.customer_no) <> 1))
    + abs((SELECT COALESCE(sum(bit_count(customers)), 0) FROM mail_event_sets)
        - (SELECT count(*) FROM (SELECT DISTINCT event, mail_id, customer_no FROM mail_events WHERE event IN ('open', 'click', 'qr')))) AS n`))[0]!.n;
  const mark = async () => JSON.parse((await db.all<{ value: string }>('SELECT value FROM schema_info WHERE key = $1', [MAIL_EVENT_SETS_MARK]))[0]!.value) as { events: string[]; highest: number };
  const numberOf = async (id: string) => (await db.all<{ no: number }>('SELECT customer_no AS no FROM customer_numbers WHERE customer_id = $1', [id]))[0]!.no;

  beforeAll(async () => {
    dir = tempDir();
    path = join(dir, 's.duckdb');
    db = await DuckDBEngine.open(path);
    await importFiles(db, { table: customers, files: [write('c1.csv', ['customer_id,name', 'A,a', 'B,b', 'C,c', 'D,d'])] });
    await db.run(`INSERT INTO mails (mail_id, kind) VALUES ('M1', 'manual'), ('M2', 'scenario'), ('M3', 'scenario')`);
  });
  afterAll(() => db.close());

  it('are built by a full load of events, its unknown customers included, and read by a not mail leaf', async () => {
    await importFiles(db, { table: mailEvents, files: [events('e1.csv', [
      'A,M1,send,2026-06-01 10:00', 'A,M1,click,2026-06-01 11:00', 'B,M1,open,2026-06-02 11:00', 'C,M2,click,2026-06-02 12:00',
      'X,M1,click,2026-06-03 11:00', 'D,M3,open,2026-06-03 12:00', 'D,M3,qr,2026-06-03 12:05'])] });
    expect(await faults()).toBe(0n);
    expect(await mark()).toEqual({ events: MAIL_EVENT_SET_EVENTS, highest: await numberOf('X') });
    expect((await db.all('SELECT 1 FROM mail_event_sets')).length).toBe(5);
    expect((await plan(notClickedM1)).sql).toContain('FROM mail_event_sets');
    expect(await members(notClickedM1)).toEqual(['B', 'C', 'D']);
    expect(await members(notOpenedScenario)).toEqual(['A', 'B', 'C']);
    expect((await plan(clickedM1)).sql).not.toContain('mail_event_sets');
    expect(await members(clickedM1)).toEqual(['A']);
    expect(await members({ version: 1, where: { kind: 'mail', event: 'qr', mailFilter: { kinds: ['scenario'] } } })).toEqual(['D']);
  });

  it('follow appended events and a replace of them', async () => {
    await importFiles(db, { table: mailEvents, mode: 'append', files: [events('e2.csv', ['B,M1,click,2026-06-04 11:00', 'A,M2,open,2026-06-04 12:00'])] });
    expect(await faults()).toBe(0n);
    expect(await members(notClickedM1)).toEqual(['C', 'D']);
    expect(await members(clickedM1)).toEqual(['A', 'B']);
    expect(await members(notOpenedScenario)).toEqual(['B', 'C']);
    await importFiles(db, { table: mailEvents, mode: 'replace', files: [events('e3.csv', ['C,M1,click,2026-06-05 11:00'])] });
    expect(await faults()).toBe(0n);
    expect(await members(notClickedM1)).toEqual(['A', 'B', 'D']);
    expect(await members(notOpenedScenario)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('leave out customers numbered after them (a purchases guest who becomes a customer), who answered no mail', async () => {
    const highest = (await mark()).highest;
    await importFiles(db, { table: purchases, files: [write('p1.csv', ['order_id,line_no,customer_id,ordered_at,product_code,amount', 'O1,1,G,2026-06-06 10:00,P1,1000'])] });
    await importFiles(db, { table: customers, files: [write('c2.csv', ['customer_id,name', 'G,g', 'X,x'])] });
    expect(await numberOf('G')).toBeGreaterThan(highest);
    // The sets stay as they were: no event changed.
    expect((await mark()).highest).toBe(highest);
    expect((await plan(notClickedM1)).sql).toContain('FROM mail_event_sets');
    // G's number is past every set's end: absent, not an error; X clicked no mail since the replace.
    expect(await members(notClickedM1)).toEqual(['A', 'B', 'D', 'G', 'X']);
    expect(await members(clickedM1)).toEqual(['C']);
    await importFiles(db, { table: mailEvents, mode: 'append', files: [events('e4.csv', ['G,M1,click,2026-06-07 11:00'])] });
    expect(await faults()).toBe(0n);
    expect(await members(notClickedM1)).toEqual(['A', 'B', 'D', 'X']);
    expect(await members(clickedM1)).toEqual(['C', 'G']);
  });

  it('are built in passes of a few mails each when they would not fit in memory at once, the same', async () => {
    const stored = async () => db.all<{ event: string; mail_id: string; bits: string }>(
      'SELECT event, mail_id, CAST(customers AS VARCHAR) AS bits FROM mail_event_sets ORDER BY event, mail_id');
    await importFiles(db, { table: mailEvents, mode: 'append', files: [events('e5.csv', ['A,M2,open,2026-06-08 11:00', 'D,M3,qr,2026-06-08 12:00'])] });
    const once = await stored();
    expect(once.map((s) => `${s.event} ${s.mail_id}`)).toEqual(['click M1', 'open M2', 'qr M3']);
    await db.transaction(() => refreshMailEventSets(db, { bytesPerPass: 1 }));
    expect(await stored()).toEqual(once);
    expect(await faults()).toBe(0n);
  });

  it('are not read for a window, every mail, or sends, whose answers they do not hold', async () => {
    for (const leaf of [
      { kind: 'mail', event: 'click', mails: ['M1'], window: { from: '2026-06-07' } },
      { kind: 'mail', event: 'click', mails: ['M1', 'M2'], match: 'all' },
      { kind: 'mail', event: 'send', mails: ['M1'] },
    ]) {
      expect((await plan({ version: 1, where: { not: leaf } })).sql).not.toContain('mail_event_sets');
      expect((await plan({ version: 1, where: leaf })).sql).not.toContain('mail_event_sets');
    }
    // C clicked M1 before the window, G inside it.
    expect(await members({ version: 1, where: { not: { kind: 'mail', event: 'click', mails: ['M1'], window: { from: '2026-06-07' } } } })).toEqual(['A', 'B', 'C', 'D', 'X']);
  });

  it('are built when a database made before them is next opened for writing, and not read until then', async () => {
    await db.run('DELETE FROM mail_event_sets');
    await db.run('DELETE FROM schema_info WHERE key = $1', [MAIL_EVENT_SETS_MARK]);
    db.close();
    const readOnly = await DuckDBEngine.open(path, { readOnly: true });
    try {
      expect((await schemaInfo(readOnly)).mailEventSets).toBeUndefined();
      expect((await plan(notClickedM1, readOnly)).sql).not.toContain('mail_event_sets');
      expect(await members(notClickedM1, readOnly)).toEqual(['A', 'B', 'D', 'X']);
    } finally {
      readOnly.close();
    }
    db = await DuckDBEngine.open(path);
    expect(await faults()).toBe(0n);
    expect((await mark()).events).toEqual(MAIL_EVENT_SET_EVENTS);
    expect(await members(notClickedM1)).toEqual(['A', 'B', 'D', 'X']);
  });

  it('are built for as many customer numbers as the planner tests a set of', () => {
    expect(MAIL_EVENT_SET_BITS_AT_MOST).toBe(NUMBER_SET_BITS_AT_MOST);
  });
});
