import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importShop, runCli, tempDir } from '../helpers/cli.js';

/** The CLI on definitions built to hurt: a clear answer or a clear refusal, never a crash or a hang. */
describe('hostile definitions through the CLI', () => {
  const dir = tempDir();
  const db = importShop(dir);
  const count = (name: string, text: string) => {
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
    expect(r.stderr).toMatch(/broken\.json: not valid JSON/);
    r = count('array.json', '[1,2,3]');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(top level): a segment definition must be a JSON object');
  });
});
