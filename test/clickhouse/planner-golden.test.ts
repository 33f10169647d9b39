/**
 * The ClickHouse planner's statements for the dialect contract's cases (no server needed): every
 * condition kind compiles with both ClickHouse dialects into well-formed SQL whose text holds
 * no value, and the contract's representative definitions give the golden SQL stored under
 * __golden__/<dialect>/ (what runs on 18.16 with folded copies, and on 26.7 with NFKC in SQL).
 */
import { describe, expect, it } from 'vitest';
import { clickhouseDialect, clickhouseLegacyDialect } from '../../src/dialect/clickhouse/dialect.js';
import { inlineParameters } from '../../src/dialect/clickhouse/inline.js';
import { parseLocalDate } from '../../src/model/dates.js';
import type { MailCondition } from '../../src/model/segment.js';
import { validateDefinition } from '../../src/model/validate.js';
import { leavesOf } from '../../src/model/walk.js';
import {
  compileClickHouseCount, compileClickHouseMailSelectionCount, compileClickHouseMemberFlags, compileClickHouseMembers, type ClickHousePlanOptions,
} from '../../src/planner/clickhouse/compile-segment.js';
import type { CompiledSegment } from '../../src/planner/compile-segment.js';
import { cases, golden, savedVip } from '../unit/dialect-contract.cases.js';

const asOf = parseLocalDate('2025-03-31')!;
const lookupSegment = (name: string): unknown => (name === 'saved-vip' ? savedVip : undefined);
const schema = { customerColumns: new Set(['attr:会員ランク']), purchaseColumns: new Set(['group:管理']) };
const entries = { compileCount: compileClickHouseCount, compileMembers: compileClickHouseMembers, compileMemberFlags: compileClickHouseMemberFlags } as const;

for (const dialect of [clickhouseDialect, clickhouseLegacyDialect]) {
  const options: ClickHousePlanOptions = { dialect, asOf, schema, localTable: (t) => `shop.${t}_local`, wholeTable: (t) => `shop.${t}` };
  const wellFormed = (plan: CompiledSegment) => {
    const bad = /undefined|\[object Object\]|NaN|\btrue\b|\bfalse\b|\bWITH\b|\bOVER\b/.exec(plan.sql);
    expect(bad ? plan.sql.slice(Math.max(0, bad.index - 150), bad.index + 50) : '').toBe('');
    // Every placeholder has its value, and the statement as sent holds no placeholder left.
    expect(inlineParameters(plan.sql, plan.parameters)).not.toMatch(/(?<!['"\w])\$\d+/);
  };

  describe(`ClickHouse planner, dialect ${dialect.name}`, () => {
    it('compiles every condition kind of the contract cases into well-formed statements (no WITH, no window, no true/false)', () => {
      for (const c of cases) {
        const definition = validateDefinition({ includeDeleted: c.includeDeleted, where: c.where }, { asOf, lookupSegment });
        for (const entry of Object.values(entries)) wellFormed(entry(definition, options));
        for (const leaf of leavesOf(definition.where).filter((l): l is MailCondition => l.kind === 'mail')) wellFormed(compileClickHouseMailSelectionCount(leaf, options));
      }
    });

    // ClickHouse has no customer numbers: the numbered form is DuckDB's alone.
    it.each(golden.filter((g) => !g.schema.startsWith('numbered')))('compiles $name to the golden SQL', async (g) => {
      const definition = validateDefinition(g.definition, { asOf, lookupSegment });
      const plan = g.entry === 'compileMailSelectionCount'
        ? compileClickHouseMailSelectionCount(leavesOf(definition.where).find((l): l is MailCondition => l.kind === 'mail')!, options)
        : entries[g.entry](definition, options);
      const text = [`-- ${g.name}: ${g.entry}`, `-- definition: ${JSON.stringify(g.definition)}`, inlineParameters(plan.sql, plan.parameters), ''].join('\n');
      await expect(text).toMatchFileSnapshot(`./__golden__/${dialect.name}/${g.name}.sql`);
    });
  });
}
