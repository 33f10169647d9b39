import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { mailEvents, purchases } from '../../src/catalog/tables.js';
import { EVENTS_CHECKED, IMPORT_PHASE, importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { importPhases } from '../../src/bench/run-imports.js';
import { tempDir } from '../helpers/cli.js';

// `npm run bench` says where an import's time went from the phases the import logs at debug
// level: the rows, the lookup of customers the customers table lacks, the derived summaries.

describe('an import logs where its time went', () => {
  it('logs the rows, unknown customers and derived phases once each, which the bench reads back', async () => {
    const dir = tempDir();
    const file = join(dir, 'lines.csv');
    writeFileSync(file, 'order_id,line_no,customer_id,ordered_at,product_code,amount\nO1,1,C1,2024-01-05 10:00,P1,100\nO2,1,C2,2024-02-05 10:00,P2,200\n');
    const lines: string[] = [];
    const record = (level: string) => (fields: object, message: string) => lines.push(JSON.stringify({ level, ...fields, msg: message }));
    const db = await DuckDBEngine.open(join(dir, 'p.duckdb'));
    try {
      await importFiles(db, { table: purchases, files: [file], logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } });
    } finally {
      db.close();
    }
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; phase?: string; ms?: number }).filter((e) => e.msg === IMPORT_PHASE);
    expect(logged.map((e) => e.phase)).toEqual(['rows', 'unknown customers', 'derived']);
    for (const entry of logged) expect(entry.ms).toBeGreaterThanOrEqual(0);
    const phases = importPhases(`not json\n${lines.join('\n')}\n`);
    expect(Object.keys(phases).sort()).toEqual(['derived', 'rows', 'unknown customers']);
    expect(phases.rows).toBeCloseTo(logged[0]!.ms! / 1000, 6);
  });

  it('logs apart the pass of a full load of mail events that keeps each event once and counts those of missing customers', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.csv');
    writeFileSync(file, 'customer_id,mail_id,event,occurred_at\nC1,M1,open,2024-05-01 10:00\nC1,M1,open,2024-05-01 10:00\n');
    const lines: string[] = [];
    const record = (fields: object, message: string) => lines.push(JSON.stringify({ ...fields, msg: message }));
    const db = await DuckDBEngine.open(join(dir, 'e.duckdb'));
    try {
      const result = await importFiles(db, { table: mailEvents, files: [file], logger: { debug: record, info: record, warn: record, error: record } });
      expect([result.rowsStored, result.unknownCustomers]).toEqual([1, 1]);
    } finally {
      db.close();
    }
    expect(Object.keys(importPhases(lines.join('\n'))).sort()).toEqual(['derived', EVENTS_CHECKED, 'rows', 'unknown customers'].sort());
  });
});
