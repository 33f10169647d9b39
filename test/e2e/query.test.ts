/**
 * The query language through the CLI (issue 17): `count -q` gives the count of the same segment
 * written as JSON (counted through the library) and the count worked out by hand from
 * test/fixtures/shop (as of 2025-03-31; 004 is deleted); print / parse; a .kwq file; segments
 * save -q; a job with "query"; a malformed query exits 2 with its line:column and no stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

/** The seed searches on the fixture: the query, the same segment as JSON, the members by hand. */
const SEEDS = [
  {
    name: 'LTV-Lab dormant repeater',
    // 2+ orders: 001 (O1, O2), 003 (O5, O6); last order on or before 2025-01-30: 003 only; 003 opened neither mail.
    query: 'purchases { orders >= 2 and lastOrderedAt <= today-60d } and not opened(M1, M2)',
    where: { all: [{ kind: 'purchases', orderCount: { min: 2 }, lastOrderedAt: { to: 'today-60d' } }, { not: { kind: 'mail', event: 'open', mails: ['M1', 'M2'] } }] },
    members: 1,
  },
  {
    name: 'ecforce relative dates',
    // ordered since 2024-12-01: 001 (O1), 003 (O5/O6 on 2024-12-31); registered since 2024-03-31: 001, 002 (that very day).
    query: 'purchases(window: today-120d..today) { orders >= 1 } or registered_at >= today-1y',
    where: { any: [{ kind: 'purchases', window: { from: 'today-120d', to: 'today' }, orderCount: { min: 1 } }, { kind: 'field', field: 'registered_at', op: 'between', min: 'today-1y' }] },
    members: 3,
  },
  {
    name: 'SATORI tags include / exclude',
    // vip or newsletter (folded): 001, 003 (VIP); without newsletter: 003.
    query: 'tags(vip, newsletter) and not tags(newsletter)',
    where: { all: [{ kind: 'tags', tags: ['vip', 'newsletter'] }, { not: { kind: 'tags', tags: ['newsletter'] } }] },
    members: 1,
  },
] as const;

// Each spawn takes a second or two on a loaded machine.
describe('queries through the CLI', { timeout: 60_000 }, () => {
  let dir: string;
  let db: string;
  let shop: Workspace;

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    shop = await openWorkspace({ db, tz: 'Asia/Tokyo' });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await shop.import({ table, files: [join(SHOP, `${file}.csv`)] });
    }
    await shop.close();
  });

  const cliCount = (args: string[]) => {
    const r = runCli(['count', ...args, '--db', db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { count: number }).count;
  };

  it.each(SEEDS)('count -q gives the JSON count of the $name search', async ({ query, where, members }) => {
    const library = await openWorkspace({ db, readOnly: true, tz: 'Asia/Tokyo' });
    try {
      expect((await library.count({ definition: { version: 1, where } }, { asOf: AS_OF })).count).toBe(members);
    } finally {
      await library.close();
    }
    expect(cliCount(['-q', query])).toBe(members);
  });

  it('a .kwq file counts where DEF.json does, and segments save -q saves the definition the query makes', () => {
    const file = join(dir, 'women.kwq');
    // 性別 is gender's Japanese name; women: 001, 005 (004 deleted).
    writeFileSync(file, '# women\n性別 = 女性\n');
    expect(cliCount([file])).toBe(2);
    const saved = runCli(['segments', 'save', 'women', '-q', 'gender = female', '--db', db, '--json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(cliCount(['-q', 'segment(women) and tags(vip)'])).toBe(1);
  });

  it('print writes the canonical text and parse reads it back to the same JSON', () => {
    const def = { version: 1, where: SEEDS[0].where };
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(def));
    const printed = runCli(['print', file]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe('{ version: 1 }\npurchases { orders >= 2 and lastOrderedAt <= today-60d } and not opened(M1, M2)\n');
    const parsed = runCli(['parse', printed.stdout]);
    expect(parsed.code, parsed.stderr).toBe(0);
    expect(JSON.parse(parsed.stdout)).toEqual(def);
  });

  it('print refuses what parse would refuse, as count does: a definition nested too deep or of version 2 (exit 2, never a stack overflow)', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"where":${'{"all":['.repeat(10_000)}{"kind":"age","min":1}${']}'.repeat(10_000)}}`);
    let r = runCli(['print', deep]);
    expect([r.code, r.stderr]).toEqual([2, `kumiwake: where${'.all[0]'.repeat(100)}: conditions are nested deeper than 100 levels\n`]);
    const two = join(dir, 'two.json');
    writeFileSync(two, '{"version": 2}');
    r = runCli(['print', two, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.faults).toEqual([{ code: 'unsupported-version', path: 'version', message: 'version 2 is not supported (only 1)' }]);
  });

  it('a job with "query" runs that segment', () => {
    const jobs = join(dir, 'jobs');
    mkdirSync(jobs, { recursive: true });
    writeFileSync(join(jobs, 'tagged.json'), JSON.stringify({ query: SEEDS[2].query, outputs: [] }));
    const r = runCli(['run', 'tagged', '--jobs-dir', jobs, '--db', db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ job: 'tagged', status: 'succeeded', count: SEEDS[2].members });
  });

  it('a malformed query exits 2 with its line, column and caret, and no stack trace', () => {
    const r = runCli(['count', '-q', 'age 20..29 and\n  purchases { ordrs >= 1 }', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('query 2:15: unknown purchase figure "ordrs"');
    expect(r.stderr).toContain('did you mean "orders"?');
    expect(r.stderr).toContain('  purchases { ordrs >= 1 }\n                ^^^^^');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    // A fault only the workspace can find (saved segments live there) is placed in the text too.
    const unknown = runCli(['count', '-q', 'tags(vip) and segment(nope)', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('kumiwake: query 1:23: where.all[1].name: there is no saved segment "nope"\n  tags(vip) and segment(nope)\n                        ^^^^\n');
  });
});
