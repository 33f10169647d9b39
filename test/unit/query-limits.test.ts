/**
 * Queries built to hurt (the web server reads them on its one thread, /api/query/parse): a text of
 * any shape is read in time about linear in its length, and nesting past the definition's limit is
 * refused as soon as the parser reaches it, never by a stack overflow. No test here is timed: each
 * input took minutes, or overflowed the stack, before the parser was fixed.
 */
import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/model/validate.js';
import { QueryDefinitionError } from '../../src/query/errors.js';
import { parseQuery, printCheckedQuery, printQuery } from '../../src/query/query.js';

const asOf = { y: 2025, m: 3, d: 31 };
const values = (n: number, word = (i: number) => `v${i}`) => Array.from({ length: n }, (_, i) => word(i));

/** The definition faults of a query (with their line and column), or the other error it threw. */
const faults = (text: string) => {
  try {
    parseQuery(text, { asOf });
  } catch (e) {
    if (e instanceof QueryDefinitionError) return e.queryFaults;
    throw e;
  }
  throw new Error('no fault');
};

describe('reading a long query', () => {
  it('reads a list of 100,000 values (each word once copied the rest of the text: minutes)', () => {
    const tags = values(100_000);
    expect(parseQuery(`tags(${tags.join(', ')})`, { asOf }).where).toEqual({ kind: 'tags', tags });
  });

  it('reads lists of 200,000 values (their places were once spread into a call: a stack overflow)', () => {
    expect(parseQuery(`remark_1 in (${Array(200_000).fill('ab').join(',')})`, { asOf }).where).toMatchObject({ op: 'in', values: Array(200_000).fill('ab') });
    const tags = values(200_000);
    expect(parseQuery(`tags(${tags.join(', ')})`, { asOf }).where).toEqual({ kind: 'tags', tags });
  });

  it('refuses 5,000 nested "not" at the 101st, as the JSON is refused (each level once copied every place below it: minutes)', () => {
    expect(faults(`${'not '.repeat(5000)}reachable(email)`)).toEqual([
      { code: 'too-deep', path: `where${'.not'.repeat(100)}`, message: 'conditions are nested deeper than 100 levels', line: 1, column: 401 },
    ]);
  });

  it('places a fault deep inside a wide query at its text', () => {
    const text = `${'not '.repeat(90)}(${Array(20_000).fill('reachable(email)').join(' and ')} and\n  age 30..20)`;
    expect(faults(text)).toEqual([{ code: 'min-greater-than-max', path: `where${'.not'.repeat(90)}.all[20000]`, message: 'min 30 is greater than max 20', line: 2, column: 3 }]);
  });
});

describe('faults of a long query', () => {
  it('lists the first 100 of 100,000 conditions too deep (each fault was once passed up through every level: minutes)', () => {
    const listed = faults(`${'not '.repeat(99)}(${Array(100_000).fill('reachable(email)').join(' and ')})`);
    expect(listed).toHaveLength(100);
    expect(listed[0]).toEqual({ code: 'too-deep', path: `where${'.not'.repeat(99)}.all[0]`, message: 'conditions are nested deeper than 100 levels', line: 1, column: 398 });
  });

  it('shows a line of 8 MB only around each of its 100 faults (a copy of it per fault was past the longest text JavaScript holds: a RangeError)', () => {
    const text = `${Array(400_000).fill('reachable(email)').join(' and ')}${' and age 30..20'.repeat(100)}`;
    let error: unknown;
    try {
      parseQuery(text, { asOf });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryDefinitionError);
    const { queryFaults, message } = error as QueryDefinitionError;
    expect(queryFaults).toHaveLength(100);
    expect(queryFaults[0]).toMatchObject({ path: 'where.all[400000]', line: 1, column: text.indexOf('age') + 1 });
    expect(message.length).toBeLessThan(100 * 1000);
    expect(message.split('\n').slice(0, 3)).toEqual([
      `query 1:${text.indexOf('age') + 1}: where.all[400000]: min 30 is greater than max 20`,
      `  …${text.slice(text.indexOf('age') - 50, text.indexOf('age') + 150)}…`,
      `   ${' '.repeat(50)}^^^^^^^^^^`,
    ]);
  });
});

describe('nesting past the definition\'s limit (100 levels)', () => {
  const tooDeep = (path: string, column: number, line = 1) => [{ code: 'too-deep', path, message: 'conditions are nested deeper than 100 levels', line, column }];

  it('is refused at the 101st "not" of 100,000, before the rest is read (the parser recursed through them all: a stack overflow)', () => {
    expect(faults(`${'not '.repeat(100_000)}reachable(email)`)).toEqual(tooDeep(`where${'.not'.repeat(100)}`, 401));
  });

  it('is refused at the 101st of 50,000 parentheses, with the path of the condition they hold', () => {
    expect(faults(`${'('.repeat(50_000)}reachable(email)${')'.repeat(50_000)}`)).toEqual(tooDeep('where', 101));
    const chained = `age >= 20 and\n${'(reachable(email) or '.repeat(50_000)}age >= 30${')'.repeat(50_000)}`;
    expect(faults(chained)).toEqual(tooDeep(`where.all[1]${'.any[1]'.repeat(100)}`, 1 + 21 * 100, 2));
  });

  it('is refused at the 101st of 10,000 "all(", with the JSON\'s path', () => {
    expect(faults(`${'all('.repeat(10_000)}reachable(email)${')'.repeat(10_000)}`)).toEqual(tooDeep(`where${'.all[0]'.repeat(100)}`, 401));
  });

  it('never refuses the text of a definition the JSON accepts: 100 levels print and read back', () => {
    const leaf = { kind: 'reachable', channel: 'email' };
    let nots: unknown = leaf;
    let calls: unknown = leaf;
    let chains: unknown = leaf;
    for (let level = 1; level < 100; level++) {
      nots = { not: nots };
      calls = { [level % 2 === 0 ? 'all' : 'any']: [calls] };
      chains = { [level % 2 === 0 ? 'all' : 'any']: [leaf, chains] };
    }
    for (const where of [nots, calls, chains]) expect(parseQuery(printQuery({ where }), { asOf }).where).toEqual(where);
    // one level more is the JSON's own fault, at the leaf
    expect(faults(`${'not '.repeat(100)}reachable(email)`)).toEqual(tooDeep(`where${'.not'.repeat(100)}`, 401));
  });
});

describe('printing a definition nested past the limit, or one the definition\'s parser refuses', () => {
  const nest = (levels: number, wrap: (inner: unknown) => unknown) => {
    let where: unknown = { kind: 'reachable', channel: 'email' };
    for (let level = 0; level < levels; level++) where = wrap(where);
    return { where };
  };
  const refusal = (print: () => string) => {
    try {
      print();
    } catch (e) {
      if (e instanceof DefinitionError) return e.faults;
      throw e;
    }
    throw new Error('printed');
  };
  const tooDeep = (path: string) => [{ code: 'too-deep', path, message: 'conditions are nested deeper than 100 levels' }];

  it('refuses 10,000 nested groups at the 101st level with the JSON\'s fault (printing recursed through them all: a stack overflow)', () => {
    expect(refusal(() => printQuery(nest(10_000, (c) => ({ all: [c] }))))).toEqual(tooDeep(`where${'.all[0]'.repeat(100)}`));
    expect(refusal(() => printQuery(nest(3000, (c) => ({ not: c }))))).toEqual(tooDeep(`where${'.not'.repeat(100)}`));
    // checked first, by the definition's parser: both conditions of the 100th group are too deep
    const chain = nest(3000, (c) => ({ any: [{ kind: 'age', min: 1 }, c] }));
    expect(refusal(() => printCheckedQuery(chain))).toEqual([...tooDeep(`where${'.any[1]'.repeat(99)}.any[0]`), ...tooDeep(`where${'.any[1]'.repeat(100)}`)]);
  });

  it('printCheckedQuery refuses what parseQuery refuses, with the JSON faults; printQuery prints it, to read back to the same faults', () => {
    expect(refusal(() => printCheckedQuery({ version: 2 }, { asOf }))).toEqual([{ code: 'unsupported-version', path: 'version', message: 'version 2 is not supported (only 1)' }]);
    expect(refusal(() => printCheckedQuery({ where: { kind: 'age', min: 30, max: 20 } }, { asOf }))).toEqual([{ code: 'min-greater-than-max', path: 'where', message: 'min 30 is greater than max 20' }]);
    expect(printQuery({ version: 2 })).toBe('{ version: 2 }');
    expect(printCheckedQuery({ version: 1, where: { not: { kind: 'reachable', channel: 'email' } } }, { asOf })).toBe('{ version: 1 }\nnot reachable(email)');
  });
});
