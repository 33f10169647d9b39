/**
 * The JSON Schema of a definition (src/model/json-schema.ts) accepts what users write: the sample
 * segments, the definitions inside job files, and every definition the parser accepts; it refuses
 * an unknown kind, an unknown property and a value of the wrong type.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/model/dates.js';
import { definitionJsonSchema } from '../../src/model/json-schema.js';
import { DefinitionError } from '../../src/model/faults.js';
import { parseDefinition } from '../../src/model/parse.js';
import { definition as randomDefinition } from '../reference/random-definitions.js';

const asOf = parseLocalDate('2025-03-31')!;
const root = join(import.meta.dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
const jsonFiles = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.json')).sort().map((f) => join(root, dir, f));

// Strict, except that a `required` inside if/then or anyOf may name properties declared beside it,
// and a value may have several types (`"type": ["string", "number"]`).
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(definitionJsonSchema());
const errors = () => ajv.errorsText(validate.errors);

const samples = Object.fromEntries(jsonFiles('data/segments').map((file) => [file.replace(/^.*\/(.*)\.json$/, '$1'), readJson(file)]));
const lookupSegment = (name: string) => samples[name] ?? (name === 'saved-vip' ? { where: { kind: 'tags', tags: ['vip'] } } : undefined);

describe('the JSON Schema of a definition', () => {
  it('is draft 2020-12 and names every condition kind', () => {
    const schema = definitionJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const kinds = JSON.stringify(schema).match(/"kind":\{"type":"string","const":"(\w+)"/g);
    expect(kinds).toHaveLength(11);
  });

  it.each(Object.keys(samples))('accepts the sample segment %s', (name) => {
    expect(validate(samples[name]), errors()).toBe(true);
    expect(() => parseDefinition(samples[name], { asOf, lookupSegment })).not.toThrow();
  });

  it.each(jsonFiles('jobs').map((f) => [f.replace(/^.*\//, ''), f]))('accepts the definition of the job %s', (_, file) => {
    const job = readJson(file) as { definition?: unknown; segment?: string };
    // A job names a saved segment or holds its definition inline.
    const definition = job.definition ?? samples[job.segment ?? ''];
    expect(definition, `${file}: neither an inline definition nor a sample segment`).toBeDefined();
    expect(validate(definition), errors()).toBe(true);
  });

  it('refuses an unknown kind, an unknown property and a value of the wrong type', () => {
    for (const where of [
      { kind: 'shopping' },
      { kind: 'age', min: 20, colour: 'red' },
      { all: [{ kind: 'reachable', channel: 'email' }], any: [] },
      { kind: 'tags', tags: 'vip' },
      { kind: 'age', min: '20' },
      { kind: 'purchases', orderCount: { min: 1.5 } },
      { kind: 'purchases', window: { from: 'yesterday' }, orderCount: { min: 1 } },
      { kind: 'purchases', stores: ['100'] },
      { kind: 'purchases', lastOrder: {} }, { kind: 'purchases', firstOrder: { store: ['100'] } }, { kind: 'purchases', lastOrder: { mediaEmpty: 'yes' } },
      { kind: 'purchases', statuses: '完了', orderCount: { min: 1 } }, { kind: 'purchases', shipWindow: { on: 'shipped' }, orderCount: { min: 1 } },
      { kind: 'purchases', products: [{ remark: 'のし', count: { min: 1 } }] }, { kind: 'purchases', products: [{ remarkContains: 1, count: { min: 1 } }] },
      { kind: 'rfm', r: [0, 5] }, { kind: 'rfm', f: [4] }, { kind: 'rfm', cell: 'vip' }, { kind: 'rfm', m: [1.5, 2] },
      { kind: 'mail', event: 'opened', mails: ['M1'] },
      { kind: 'mail', event: 'open' },
      { kind: 'field', field: 'colour', op: 'eq', value: 'red' },
      { kind: 'field', field: 'name', op: 'in', value: 'x' },
      { kind: 'birthday', from: '13-01', to: '12-31' },
      { kind: 'birthday' }, { kind: 'birthday', month: 13 }, { kind: 'birthday', month: 'this', from: '01-01', to: '01-31' },
      { kind: 'subscription', status: 'active' }, { kind: 'subscription', count: { min: -1 } }, { kind: 'field', field: 'name', op: 'eq', value: 'x', loose: 'yes' },
      { not: [] },
    ]) {
      expect(validate({ version: 1, where }), JSON.stringify(where)).toBe(false);
      expect(() => parseDefinition({ version: 1, where }, { asOf, lookupSegment })).toThrow();
    }
    expect(validate({ version: 2 })).toBe(false);
    expect(validate({ version: 1, colour: 'red' })).toBe(false);
    expect(validate([])).toBe(false);
  });

  it('takes a saved segment named by a number, as the parser reads it as its text', () => {
    const byNumber = { version: 1, where: { kind: 'segment', name: 2024 } };
    expect(validate(byNumber), errors()).toBe(true);
    expect(() => parseDefinition(byNumber, { asOf, lookupSegment: (n) => (n === '2024' ? { where: { kind: 'tags', tags: ['vip'] } } : undefined) })).not.toThrow();
    for (const name of ['', true, null]) {
      expect(validate({ version: 1, where: { kind: 'segment', name } }), String(name)).toBe(false);
      expect(() => parseDefinition({ version: 1, where: { kind: 'segment', name } }, { asOf, lookupSegment })).toThrow();
    }
  });

  it('accepts every definition the parser accepts', () => {
    let accepted = 0;
    fc.assert(fc.property(randomDefinition, (definition) => {
      try {
        parseDefinition(definition, { asOf, lookupSegment });
      } catch (e) {
        // The schema cannot tell a date range that runs backwards; the parser can.
        if (e instanceof DefinitionError && e.faults.every((f) => f.code === 'date-order')) return;
        throw e;
      }
      accepted++;
      expect(validate(definition), `${JSON.stringify(definition)}\n${errors()}`).toBe(true);
    }), { numRuns: 500, seed: 12 });
    expect(accepted).toBeGreaterThan(250);
  });
});
