import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importShop, runCli, tempDir } from '../helpers/cli.js';

/** The CLI on definitions built to hurt: a clear answer or a clear refusal, never a crash or a hang. */
describe('hostile definitions through the CLI', () => {
  const dir = tempDir();
  const db = importShop(dir);
  const count = (name: string, text: string | Buffer) => {
    writeFileSync(join(dir, name), text);
    return runCli(['count', join(dir, name), '--db', db, '--json', '--as-of', '2025-03-31']);
  };

  it('refuses 10,000 levels of nesting with a short JSON path (exit 2)', () => {
    const r = count('deep.json', `{"version":1,"where":${'{"not":'.repeat(10_000)}{"kind":"age","min":1}${'}'.repeat(10_000)}}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kumiwake: where.not{×100}: conditions are nested deeper than 100 levels\n');
  });

  it('evaluates a 50 MB document (a million long names)', () => {
    const names = Array.from({ length: 999_999 }, (_, i) => `${'x'.repeat(45)}${String(i).padStart(6, '0')}`);
    const r = count('big.json', JSON.stringify({ version: 1, where: { kind: 'field', field: 'name', op: 'in', values: [...names, '佐藤'] } }));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).count).toBe(1);
  });

  it('refuses broken JSON and a document that is not an object, naming the file', () => {
    let r = count('broken.json', '{"version":1,"where":{"kind":"age",');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json:1:36: not valid JSON: property name expected/);
    r = count('comma.json', '{\n  "version": 1,\n  "where": {"kind": "age" "min": 20}\n}\n');
    expect(r.stderr).toMatch(/comma\.json:3:27: not valid JSON: comma expected/);
    // a missing value, which JSON.parse gives no position for
    r = count('no-value.json', '{\n "version": 1,\n "where": {"kind": "age", "min": 20, "max": }\n}');
    expect(r.stderr).toBe(`kumiwake: ${join(dir, 'no-value.json')}:3:45: not valid JSON: value expected\n`);
    r = count('twice.json', '{"version": 1,\n  "where": {"kind": "purchases", "orderCount": {"min": 1, "min": 200}}}');
    expect(r.stderr).toContain('twice.json:2:59: where.orderCount: "min" is given twice in one object, and JSON keeps only the last: remove one');
    r = count('utf16.json', Buffer.from('\uFEFF{"version":1}', 'utf16le'));
    expect(r.stderr.trim()).toMatch(/utf16\.json: not UTF-8 text \(UTF-16, as Excel's "Unicode text" saves\?\): save it as UTF-8$/);
    r = count('array.json', '[1,2,3]');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(top level): a segment definition must be a JSON object');
  });

  it('says in words why a definition file cannot be read', () => {
    let r = runCli(['count', join(dir, 'nothere.json'), '--db', db]);
    expect([r.code, r.stderr]).toEqual([2, `kumiwake: ${join(dir, 'nothere.json')}: cannot read the definition: no such file (ENOENT)\n`]);
    r = runCli(['count', dir, '--db', db]);
    expect(r.stderr).toBe(`kumiwake: ${dir}: cannot read the definition: it is a folder (EISDIR)\n`);
  });
});

/**
 * Issue 19, item 6: names every object inherits, numbers beyond what the columns hold and dates
 * outside years 1 to 9999 ended in `internal error` (exit 1), and `segments save` stored such a
 * definition, failing every later count. Each is a fault at its JSON path (exit 2), never stored.
 */
describe('every fault is a fault, through count and segments save', () => {
  const dir = tempDir();
  const db = importShop(dir);
  // JSON text, so that 2^63 is written as a user writes it, not as JavaScript prints it.
  const cases: Array<[string, string, string]> = [
    ['{"kind":"field","field":"gender","op":"eq","value":"constructor"}', 'where.value', 'unknown-enum-value'],
    ['{"kind":"field","field":"mail_permission","op":"in","values":["pc","__proto__"]}', 'where.values[1]', 'unknown-enum-value'],
    ['{"kind":"field","field":"points","op":"eq","value":9223372036854775808}', 'where.value', 'out-of-range'],
    ['{"kind":"field","field":"customer_id","op":"between","min":1e300}', 'where.min', 'out-of-range'],
    ['{"kind":"age","min":9223372036854775808}', 'where.min', 'out-of-range'],
    ['{"kind":"tenure","max":100000000000000000000}', 'where.max', 'out-of-range'],
    ['{"kind":"purchases","sales":{"min":1e20}}', 'where.sales.min', 'out-of-range'],
    ['{"kind":"purchases","window":{"from":"today-2027y"},"orderCount":{"min":1}}', 'where.window.from', 'out-of-range'],
    ['{"kind":"purchases","lastOrderedAt":{"to":"today+7975y"}}', 'where.lastOrderedAt.to', 'out-of-range'],
    ['{"kind":"field","field":"birthday","op":"between","min":"today-3000y"}', 'where.min', 'out-of-range'],
  ];

  it('refuses each in count (exit 2, the JSON path and code in --json) and never stores it', () => {
    cases.forEach(([where, path, code], i) => {
      const file = join(dir, `hostile-${i}.json`);
      writeFileSync(file, `{"version":1,"where":${where}}`);
      const counted = runCli(['count', file, '--db', db, '--json', '--as-of', '2025-03-31']);
      expect(counted.stderr, where).not.toContain('internal error');
      expect(counted.code, where).toBe(2);
      expect(counted.stderr).toMatch(new RegExp(`^kumiwake: ${path.replace(/[.[\]]/g, '\\$&')}: `));
      expect(JSON.parse(counted.stdout).error.faults, where).toEqual([expect.objectContaining({ path, code })]);
      const saved = runCli(['segments', 'save', `hostile-${i}`, file, '--db', db]);
      expect(saved.stderr, where).not.toContain('internal error');
      expect(saved.code, where).toBe(2);
      expect(saved.stderr).toContain(`${path}: `);
    });
    expect(JSON.parse(runCli(['segments', 'list', '--db', db, '--json']).stdout)).toEqual([]);
  }, 600_000);

  it('refuses --as-of 0000-01-01 with a sentence, and a relative date that leaves year 1 at its path', () => {
    const file = join(dir, 'yesterday.json');
    writeFileSync(file, '{"where":{"kind":"purchases","lastOrderedAt":{"from":"today-1d"}}}');
    let r = runCli(['count', file, '--db', db, '--as-of', '0000-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kumiwake: --as-of 0000-01-01 is out of range: dates run from 0001-01-01 to 9999-12-31\n');
    r = runCli(['count', file, '--db', db, '--as-of', '0001-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kumiwake: where.lastOrderedAt.from: today-1d is 0000-12-31 as of 0001-01-01, outside the dates that can be used (0001-01-01 to 9999-12-31)\n');
    r = runCli(['count', file, '--db', db, '--as-of', '9999-12-31', '--json']);
    expect(r.code, r.stderr).toBe(0);
  });
});
