import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customers } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { firstLineFault } from '../../src/engine/duckdb/import/csv-line-faults.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';

// DuckDB refuses files with changing line ends or a stray quote as if a line were longer than
// 32 MB (its sniffer's hints name the maximum line size), or with a parser in "an invalid state"
// for a large one: the refusal must name the real cause and its line (the header is line 1).

const lines = (from: number, count: number, ending: string) =>
  Array.from({ length: count }, (_, i) => `${from + i},name ${from + i}${ending}`).join('');

describe('CSV errors DuckDB blames on the line size', () => {
  let dir: string;
  let db: DuckDBEngine;
  beforeEach(async () => {
    dir = tempDir();
    db = await DuckDBEngine.open(':memory:');
  });
  afterEach(() => db.close());

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refusal = async (path: string) => {
    try {
      await importFiles(db, { table: customers, files: [path] });
    } catch (e) {
      return e as Error & { code?: string; line?: number };
    }
    throw new Error(`${path} was imported`);
  };
  const changedEnding = (path: string, line: number, ending: string, before: string) =>
    `${path}:${line}: this line ends in ${ending} where the lines before end in ${before} (files joined together?): give every line the same ending`;

  it('names the first LF line of a CRLF file (files joined together)', async () => {
    const path = file('f.csv', 'customer_id,name\r\n1,a\r\n2,b\n');
    const error = await refusal(path);
    expect(error.message).toBe(changedEnding(path, 3, 'LF', 'CRLF'));
    expect(error).toMatchObject({ code: 'csv-line-ends', line: 3 });
  });

  it('names line 5 of a CRLF file where only that line ends in LF', async () => {
    const path = file('line-5.csv', `customer_id,name\r\n${lines(1, 3, '\r\n')}4,d\n${lines(5, 3, '\r\n')}`);
    expect((await refusal(path)).message).toBe(changedEnding(path, 5, 'LF', 'CRLF'));
  });

  it('names the first CRLF line of an LF file, also past the part DuckDB samples', async () => {
    const path = file('late.csv', `customer_id,name\n${lines(1, 100_000, '\n')}${lines(100_001, 10, '\r\n')}`);
    expect((await refusal(path)).message).toBe(changedEnding(path, 100_002, 'CRLF', 'LF'));
  });

  it('names a quote in the middle of a field', async () => {
    const path = file('g.csv', 'customer_id,name,prefecture\n1,"ab"c,x\n');
    const error = await refusal(path);
    expect(error.message).toBe(`${path}:2: field 2 has text after its closing quote (a stray " inside it?): a " inside a field must be doubled ("") and the whole field quoted`);
    expect(error).toMatchObject({ code: 'csv-quote', line: 2 });
  });

  it('still says a line is longer than 32 MB when one is, with its line', async () => {
    const path = file('long.csv', `customer_id,name\n1,a\n2,${'x'.repeat(33 << 20)}\n3,c\n`);
    const error = await refusal(path);
    expect(error.message).toBe(`${path}:3: a line is longer than 32 MB`);
    expect(error).toMatchObject({ code: 'csv-line-size', line: 3 });
  });

  it('imports well-formed CRLF files, LF inside quoted cells (as Excel writes them) included', async () => {
    const plain = file('crlf.csv', `customer_id,name\r\n${lines(1, 5, '\r\n')}`);
    const cells = file('excel.csv', 'customer_id,name\r\n11,"two\nlines"\r\n12,"say ""hi"" "\r\n');
    for (const path of [plain, cells]) await importFiles(db, { table: customers, files: [path] });
    const names = await db.all<{ customer_id: string; name: string }>(`SELECT customer_id, name FROM customers ORDER BY customer_id`);
    expect(names).toHaveLength(7);
    expect(names.find((r) => r.customer_id === '11')?.name).toBe('two\nlines');
    expect(names.find((r) => r.customer_id === '12')?.name).toBe('say "hi"');
  });
});

describe('firstLineFault', () => {
  const fault = (text: string, delimiter = ',') => {
    const path = join(tempDir(), 'f.csv');
    writeFileSync(path, text);
    return firstLineFault(path, delimiter);
  };

  it('finds nothing in what DuckDB reads: a quote inside an unquoted field, blanks around a quoted one, a missing last line end', () => {
    expect(fault('id,name\n1,a"b\n2,ab"\n3, "c" \n4,"d""e"\n5,"f\ng"\n6,x')).toBeUndefined();
    expect(fault('id,name\r\n1,"a"\r\n2,"b\nc"\r\n')).toBeUndefined();
  });

  it('finds the first fault in the file, whichever kind', () => {
    expect(fault('id,name\n1,"a"\tb\n2,c\r\n')).toEqual({ kind: 'text-after-quote', line: 2, field: 2 });
    expect(fault('id,name\n1,a\r\n2,"a"b\n')).toEqual({ kind: 'line-end-changes', line: 2, ending: 'CRLF', before: 'LF' });
    expect(fault('id\tname\n1\t"a\nb"x\n', '\t')).toEqual({ kind: 'text-after-quote', line: 3, field: 2 });
  });
});
