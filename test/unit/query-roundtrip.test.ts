/**
 * The query language's round trip (issue 17): every definition the planner's property test
 * generates (test/reference/random-definitions.ts, every kind) prints to a text that parses back
 * to the same definition, and a canonical text prints back to itself.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryText } from '../../src/query/parser.js';
import { parseQuery, printQuery } from '../../src/query/query.js';
import { definition } from '../reference/random-definitions.js';

const parse = (text: string) => parseQueryText(text).definition;

/** Texts as the issue and query-language.md write them, with the JSON each must make. */
const WRITTEN: ReadonlyArray<readonly [string, unknown]> = [
  ['age 20..29', { kind: 'age', min: 20, max: 29 }],
  ['purchases { sales >= 10000 }', { kind: 'purchases', sales: { min: 10000 } }],
  ['gender in (female, unknown)', { kind: 'field', field: 'gender', op: 'in', values: ['female', 'unknown'] }],
  ['purchases(window: today-90d..today, stores: 100) { orders >= 1 and sales >= 10000 }',
    { kind: 'purchases', window: { from: 'today-90d', to: 'today' }, stores: [100], orderCount: { min: 1 }, sales: { min: 10000 } }],
  ['purchases { bought(P001, P002) >= 2 and bought(category: 化粧品) = 0 }',
    { kind: 'purchases', products: [{ products: ['P001', 'P002'], count: { min: 2 } }, { categories: ['化粧品'], count: { min: 0, max: 0 } }] }],
  ['opened(M120, M121)', { kind: 'mail', event: 'open', mails: ['M120', 'M121'] }],
  ['not clicked(subject ~ "セール", sent: today-30d..)', { not: { kind: 'mail', event: 'click', mailFilter: { subjectContains: 'セール', sent: { from: 'today-30d' } } } }],
  ['segment(dormant)', { kind: 'segment', name: 'dormant' }],
  ['reachable(email)', { kind: 'reachable', channel: 'email' }],
  ['性別 = 女性 and 都道府県 = "東京都"', { all: [{ kind: 'field', field: 'gender', op: 'eq', value: '女性' }, { kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' }] }],
];

/** Canonical texts: each prints back to itself. */
const CANONICAL = [
  'age 20..29 and (tags(vip, newsletter) or not tags(churned, match: all))',
  '{ version: 1, name: dormant-repeaters, includeDeleted: false }\npurchases { orders >= 2 and lastOrderedAt <= today-180d } and reachable(email) and not opened(M120, M121, match: any)',
  'purchases(window: today-90d..today on shipped, groups: { 管理: (VIP, 通常) }) { lastOrder(stores: "200", remarkContains: のし) and bought(P1, unit: quantity) 2..5 }',
  'name = 山田花子 loose and attr:"会員 ランク" in ("", ゴールド) and points is not empty',
  'subscription(status: (継続, active), nextDeliveryAt: today..today+7d) >= 1 and rfm(r: 4..5, f: 1..3) and birthday(month: next)',
  'all() or any(age >= 20) or birthday(12-20..01-10)',
];

describe('query texts', () => {
  it.each(WRITTEN.filter(([, json]) => json !== undefined))('%s', (text, where) => {
    expect(parse(text)).toStrictEqual({ where });
  });

  it.each(CANONICAL)('prints back to itself: %s', (text) => {
    expect(printQuery(parse(text))).toBe(text);
  });
});

/** The queries of the reference's examples: its code blocks, without shell lines, faults and carets. */
const REFERENCE_EXAMPLES = [...readFileSync(new URL('../../src/query/query-language.md', import.meta.url), 'utf8').matchAll(/```\n([\s\S]*?)```/g)]
  .map((m) => m[1]!.split('\n').filter((line) => line.trim() !== '' && !/^(\$|kumiwake|\s)/.test(line) && !line.startsWith('  ')))
  .filter((lines) => lines.length > 0 && !lines.some((l) => l.startsWith('{ version') ) )
  .flat()
  .map((line) => line.replace(/\s+#.*$/, ''));

describe('the reference\'s examples', () => {
  it('are many, and each reads as a definition and prints back to a text that reads the same', () => {
    expect(REFERENCE_EXAMPLES.length).toBeGreaterThan(8);
    for (const text of REFERENCE_EXAMPLES) {
      const definition = parseQuery(text, { asOf: { y: 2026, m: 12, d: 2 } });
      expect(parse(printQuery(definition)), text).toStrictEqual(definition);
    }
  });
});

describe('printing what is not a definition', () => {
  it('is refused with the JSON path of what no query can write', () => {
    const refused = (d: unknown) => { try { printQuery(d); } catch (e) { return [(e as { code: string }).code, (e as Error).message.split(':')[0]]; } return undefined; };
    expect(refused({ where: { kind: 'field', field: 'name', op: 'eq', value: 'x', values: ['a'] } })).toEqual(['query-unprintable', 'where.values']);
    expect(refused({ where: { all: [{ kind: 'age', min: 1, colour: 'red' }] } })).toEqual(['query-unprintable', 'where.all[0].colour']);
    expect(refused({ where: { kind: 'nope' } })).toEqual(['query-unprintable', 'where.kind']);
    expect(refused({ where: { kind: 'tags', tags: [null] } })).toEqual(['query-unprintable', 'where.tags[0]']);
  });
});

describe('query round trip', () => {
  it('parse(print(d)) equals d, and print(parse(t)) is t, for thousands of random definitions', () => {
    fc.assert(
      fc.property(definition, (d) => {
        const text = printQuery(d);
        expect(parse(text)).toStrictEqual(d);
        expect(printQuery(parse(text))).toBe(text);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});

/** Any text or number in every place a definition holds one: quoting, escapes and number forms. */
const anyText = fc.oneof(
  fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', 'a b', '"', '\\', '\n', '\u2028', 'and', 'or', 'not', 'true', 'on', 'loose', 'in', '1', '01', '-1', '1e5', '-', '..', 'a..b', '#x',
    'attr:x', 'x.', '.x', 'a:b', '(', 'today-30d', '2024-01-31', '12-20', '山田 花子', 'ｶﾀｶﾅ', '🍣', 'e\u0301'),
);
const anyNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e21, 5e-324, -1.5));
const anyScalar = fc.oneof(anyText, anyNumber, fc.boolean());
const anyList = fc.array(fc.oneof(anyText, anyNumber), { maxLength: 3 });
const anyRange = (value: fc.Arbitrary<unknown>, keys: readonly [string, string]) => fc.record({ [keys[0]]: value, [keys[1]]: value }, { requiredKeys: [] });
const wildLeaf = fc.oneof(
  fc.record({ kind: fc.constant('field'), field: fc.oneof(anyText, fc.constant('name')), op: fc.constantFrom('eq', 'ne', 'contains', 'starts_with', 'ends_with'), value: anyScalar, loose: fc.boolean() }, { requiredKeys: ['kind', 'field', 'op', 'value'] }),
  fc.record({ kind: fc.constant('field'), field: anyText.map((t) => `attr:${t}`), op: fc.constantFrom('in', 'not_in'), values: fc.array(anyScalar, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('field'), field: anyText, op: fc.constant('between'), min: fc.oneof(anyText, anyNumber), max: fc.oneof(anyText, anyNumber) }, { requiredKeys: ['kind', 'field', 'op'] }),
  fc.record({ kind: fc.constant('tags'), tags: anyList, match: anyText }, { requiredKeys: ['kind', 'tags'] }),
  fc.record({ kind: fc.constant('segment'), name: anyText }),
  fc.record({ kind: fc.constant('birthday'), from: anyText, to: anyText, month: fc.oneof(anyText, anyNumber) }, { requiredKeys: ['kind'] }),
  fc.record({
    kind: fc.constant('purchases'), window: fc.record({ from: anyText, to: anyText, on: anyText }, { requiredKeys: [] }), stores: anyList,
    groups: fc.dictionary(anyText, anyList, { maxKeys: 2 }), orderCodes: anyRange(anyText, ['min', 'max']), sales: anyRange(anyNumber, ['min', 'max']),
    lastOrder: fc.record({ media: anyList, mediaEmpty: fc.boolean(), remarkContains: anyText }, { requiredKeys: [] }),
    products: fc.array(fc.record({ products: anyList, categories: anyList, unit: anyText, remarkContains: anyText, count: anyRange(anyNumber, ['min', 'max']) }, { requiredKeys: ['count'] }), { minLength: 1, maxLength: 2 }),
  }, { requiredKeys: ['kind'] }),
  fc.record({
    kind: fc.constant('mail'), event: fc.constantFrom('send', 'open', 'click', 'qr'), mails: anyList, match: anyText, window: anyRange(anyText, ['from', 'to']),
    mailFilter: fc.record({ kinds: anyList, subjectContains: anyText, sent: anyRange(anyText, ['from', 'to']) }, { requiredKeys: [] }),
  }, { requiredKeys: ['kind', 'event'] }),
  fc.record({ kind: fc.constant('rfm'), r: fc.tuple(anyNumber, anyNumber), cell: anyText }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('subscription'), status: anyList, deliveries: anyRange(anyNumber, ['min', 'max']), count: anyRange(anyNumber, ['min', 'max']) }, { requiredKeys: ['kind'] }),
);
/** Plain objects (fast-check's records have no prototype), own `__proto__` keys kept. */
const plain = (v: unknown): unknown => (Array.isArray(v) ? v.map(plain) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
const wildDefinition = fc.record({ name: anyText, description: anyText, where: fc.oneof(wildLeaf, fc.record({ any: fc.array(wildLeaf, { maxLength: 3 }) })) }, { requiredKeys: [] }).map(plain);

describe('query round trip, any values', () => {
  it('parse(print(d)) equals d for any texts, numbers and lists in every place (valid or not)', () => {
    fc.assert(fc.property(wildDefinition, (d) => {
      const text = printQuery(d);
      expect(parse(text)).toStrictEqual(d);
      expect(printQuery(parse(text))).toBe(text);
    }), { numRuns: 2000 });
  }, 60_000);
});
