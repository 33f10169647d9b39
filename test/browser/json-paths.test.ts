/**
 * The page finds a fault's field by its JSON path: src/web/tree.ts must write a path exactly as
 * the parser does (src/model/faults.ts `at`), and edit the definition without touching the rest.
 * Plain functions: no browser needed.
 */
import { describe, expect, it } from 'vitest';
import { at } from '../../src/model/faults.js';
import { parseDefinition, type DefinitionError } from '../../src/model/validate.js';
import { changeGroup, getAt, jsonPath, moveAt, setAt, splitList, type Json } from '../../src/web/tree.js';

const parserPath = (steps: ReadonlyArray<string | number>) => steps.reduce<string>((path, step) => at(path, step), '');

describe('the page\'s JSON paths and edits', () => {
  it('writes paths as the parser does, quoted keys included', () => {
    for (const steps of [['where'], ['where', 'all', 0, 'products', 1, 'count', 'max'], ['where', 'not', 'groups', '管理ステイタス'], ['where', 'any', 2, 'groups', 'a b.c"d']]) {
      expect(jsonPath(steps)).toBe(parserPath(steps));
    }
  });

  it('names the field of a real parser fault', () => {
    const definition = { where: { all: [{ kind: 'purchases', window: { from: 'today-90d' }, groups: { '管理ステイタス': [] }, orderCount: { min: 1 } }] } };
    let faults: readonly { path: string }[] = [];
    try {
      parseDefinition(definition, { asOf: { y: 2026, m: 10, d: 31 } });
    } catch (error) {
      faults = (error as DefinitionError).faults;
    }
    expect(faults.map((f) => f.path)).toContain(jsonPath(['where', 'all', 0, 'groups', '管理ステイタス']));
  });

  it('edits a copy: sets, removes keys and list items, moves, regroups', () => {
    const original: Json = { where: { all: [{ kind: 'tags', tags: ['a'] }, { kind: 'age', min: 1 }] } };
    const frozen = JSON.stringify(original);
    expect(setAt(original, ['where', 'all', 1, 'max'], 9)).toEqual({ where: { all: [{ kind: 'tags', tags: ['a'] }, { kind: 'age', min: 1, max: 9 }] } });
    expect(setAt(original, ['where', 'all', 0], undefined)).toEqual({ where: { all: [{ kind: 'age', min: 1 }] } });
    expect(setAt(original, ['where'], undefined)).toEqual({});
    expect(getAt(moveAt(original, ['where', 'all'], 1, -1), ['where', 'all', 0])).toEqual({ kind: 'age', min: 1 });
    expect(moveAt(original, ['where', 'all'], 0, -1)).toBe(original);
    expect(getAt(original, ['where', 'all', 5, 'x'])).toBeUndefined();
    expect(JSON.stringify(original)).toBe(frozen);
    const children: Json[] = [{ kind: 'tags', tags: ['a'] }, { kind: 'age', min: 1 }];
    const all = { all: children };
    expect(changeGroup(all, 'any')).toEqual({ any: children });
    expect(changeGroup(all, 'not')).toEqual({ not: { all: children } });
    expect(changeGroup({ not: { kind: 'age', min: 1 } }, 'all')).toEqual({ all: [{ kind: 'age', min: 1 }] });
    expect(changeGroup({ all: [{ kind: 'age', min: 1 }] }, 'not')).toEqual({ not: { kind: 'age', min: 1 } });
  });

  it('reads typed lists on commas, 、, tabs and new lines', () => {
    expect(splitList('P001, P002、P003\tP004\n P005 ,,')).toEqual(['P001', 'P002', 'P003', 'P004', 'P005']);
  });
});
