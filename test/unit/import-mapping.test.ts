import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { customers, purchases } from '../../src/catalog/tables.js';
import { mapHeader, refuseWrongDelimiter } from '../../src/import/header.js';
import { emptyMapping, loadMapping } from '../../src/import/mapping.js';
import { planStage } from '../../src/engine/duckdb/import/stage.js';
import { tempDir } from '../helpers/cli.js';

describe('mapping files', () => {
  const dir = tempDir();
  const mappingFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('accepts a byte-order mark, and names the JSON path of a bad derived column', () => {
    expect(loadMapping(mappingFile('bom.json', '\uFEFF{"columns": {"No": "customer_id"}}')).columns).toEqual({ No: 'customer_id' });
    expect(() => loadMapping(mappingFile('bad-derive.json', '{"derive": {"order_id": {"join": ["a"]}}}'))).toThrow(/bad-derive\.json: derive\.order_id: .*\{"concat": \[\.\.\.\], "sep": "-"\}/);
  });

  it('says in words why a mapping file cannot be read', () => {
    expect(() => loadMapping(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the mapping file: no such file \(ENOENT\)$/);
    expect(() => loadMapping(dir)).toThrow(/: cannot read the mapping file: it is a folder \(EISDIR\)$/);
  });

  it('feeds two columns from one header, and lets headers used by a concat name no column', () => {
    const mapping = { ...emptyMapping, columns: { Mail: ['email_pc', 'email_mobile'] }, derive: { customer_id: { concat: ['Shop', 'No'], sep: '-' } } };
    const mapped = mapHeader(customers, ['Shop', 'No', 'Mail'], 'c.csv', mapping);
    expect(Object.fromEntries(mapped.positionOf)).toEqual({ email_pc: 2, email_mobile: 2 });
    expect(() => mapHeader(customers, ['Shop', 'Mail'], 'c.csv', mapping)).toThrow('c.csv:1: column No: is not a header of the file (mapping: derive."customer_id".concat[1])');
  });

  it('refuses a derived column the file already gives, and numbering a column that is not an integer', () => {
    const twice = { ...emptyMapping, derive: { customer_id: { constant: 'x' } } };
    expect(() => mapHeader(customers, ['customer_id'], 'c.csv', twice, 'm.json')).toThrow(`m.json: derive."customer_id": the file's column "customer_id" already gives customer_id`);
    const text = { ...emptyMapping, derive: { remark: { numberWithin: ['order_id'] } } };
    const header = mapHeader(purchases, ['order_id', 'customer_id', 'ordered_at', 'product_code'], 'p.csv', text);
    expect(() => planStage(purchases, header, 4, text, { mappingFile: 'm.json' })).toThrow('m.json: derive."remark": numberWithin numbers rows, and remark is not an integer column');
  });

  it('says to use the canonical name when skipIfEmpty or a rule names a header or an alias', () => {
    const mapping = { ...emptyMapping, columns: { Member: 'customer_id' }, skipIfEmpty: ['Member'] };
    const header = mapHeader(purchases, ['order_id', 'Member', 'ordered_at', 'product_code'], 'p.csv', mapping);
    expect(() => planStage(purchases, header, 4, mapping, { mappingFile: 'm.json' })).toThrow('m.json: skipIfEmpty[0]: "Member" is a header of the file; rules and skipIfEmpty name canonical columns: use "customer_id"');
    const alias = { ...emptyMapping, rules: [{ when: { column: '受注番号', startsWith: 'C' }, set: { '決済状況': 'cancelled' } }] };
    const plain = mapHeader(purchases, ['受注番号', 'customer_id', 'ordered_at', 'product_code'], 'p.csv', alias);
    expect(() => planStage(purchases, plain, 4, alias, { mappingFile: 'm.json' })).toThrow('m.json: rules[0].set: "決済状況" is not a column of purchases; rules name canonical columns: use "status"');
  });

  it('hints at --delimiter when the header is one column holding tabs or semicolons', () => {
    expect(() => refuseWrongDelimiter(['a\tb'], 'x.tsv', ',')).toThrow('x.tsv:1: the header is one column holding tabs: is the file separated by tabs? Read it with --delimiter tab');
    expect(() => refuseWrongDelimiter(['a;b'], 'x.csv', ',')).toThrow(/--delimiter ';'/);
    expect(() => refuseWrongDelimiter(['customer_id'], 'x.csv', ',')).not.toThrow();
    expect(() => refuseWrongDelimiter(['a', 'b;c'], 'x.csv', ',')).not.toThrow();
  });
});
