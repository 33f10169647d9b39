import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestMissedOccurrence } from '../../src/jobs/missed-runs.js';
import { defaultOutputRoot, loadJob, outputFor, sharedOutputs } from '../../src/jobs/job-file.js';
import { wallClock } from '../../src/jobs/local-time.js';
import { resolveExportColumns } from '../../src/export/columns.js';
import { displayWidth } from '../../src/export/write-xlsx.js';
import { tempDir } from '../helpers/cli.js';
import type { KumiwakeError } from '../../src/errors.js';

describe('missed runs', () => {
  const mondayNine = (since: string, now: string) => latestMissedOccurrence('0 9 * * 1', 'Asia/Tokyo', since, new Date(now));

  it('finds the latest occurrence after the last recorded one, in the job\'s time zone', () => {
    // 2026-11-23 is a Monday; 03:00Z is 12:00 in Tokyo, after that day's 09:00.
    expect(mondayNine('2026-11-09 09:00', '2026-11-23T03:00:00Z')).toBe('2026-11-23 09:00');
    // Sunday 21:00 in Tokyo: the latest Monday 09:00 is the week before.
    expect(mondayNine('2026-11-09 09:00', '2026-11-22T12:00:00Z')).toBe('2026-11-16 09:00');
    // 23:59Z on Sunday is already Monday 08:59 in Tokyo: not yet 09:00.
    expect(mondayNine('2026-11-09 09:00', '2026-11-22T23:59:00Z')).toBe('2026-11-16 09:00');
    expect(mondayNine('2026-11-09 09:00', '2026-11-23T00:00:00Z')).toBe('2026-11-23 09:00');
  });

  it('finds nothing when the latest occurrence already ran, or lies beyond the lookback', () => {
    expect(mondayNine('2026-11-23 09:00', '2026-11-23T03:00:00Z')).toBeUndefined();
    expect(latestMissedOccurrence('0 0 1 1 *', 'Asia/Tokyo', '2024-01-01 00:00', new Date('2026-11-23T03:00:00Z'))).toBeUndefined();
  });

  it('writes wall-clock times in the zone asked for', () => {
    expect(wallClock(new Date('2026-11-22T15:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-23 00:30');
    expect(wallClock(new Date('2026-11-22T15:30:00Z'), 'UTC')).toBe('2026-11-22 15:30');
  });
});

describe('job files', () => {
  const dir = tempDir();
  const jobs = join(dir, 'jobs');
  mkdirSync(jobs);
  const job = (name: string, body: unknown) => {
    writeFileSync(join(jobs, `${name}.json`), JSON.stringify(body));
    return loadJob(join(jobs, `${name}.json`));
  };

  it('take defaults: Asia/Tokyo, catch up the latest missed run, enabled', () => {
    expect(job('minimal', { segment: 'vip' })).toMatchObject({ name: 'minimal', timezone: 'Asia/Tokyo', missed: 'run-latest', enabled: true, outputs: [] });
  });

  it('fill an output path\'s placeholders inside the output folder, data/out of the project by default', () => {
    const spec = job('weekly', { segment: 'vip', outputs: [{ path: '{job}/{segment}-{date}-{time}.csv' }] });
    const root = defaultOutputRoot(jobs);
    expect(root).toBe(join(dir, 'data', 'out'));
    expect(outputFor(spec, 0, { segment: 'v/i.p', date: '2026-11-23', time: '0900' }, root).path).toBe(join(dir, 'data/out/weekly/v_i.p-2026-11-23-0900.csv'));
  });

  it('keep outputs inside the output folder', () => {
    expect(() => job('up', { segment: 'vip', outputs: [{ path: 'a/../../b.csv' }] })).toThrow(/up\.json: outputs\[0\]\.path: .* must stay inside the output folder/);
    expect(() => job('abs', { segment: 'vip', outputs: [{ path: '/etc/b.csv' }] })).toThrow(/abs\.json: outputs\[0\]\.path: .* must stay inside the output folder/);
    expect(() => job('inline', { definition: { where: { kind: 'age', min: 30, max: 20 } } }))
      .toThrow(/inline\.json: definition\.where: .*30.*20/);
    expect(() => job('inline-kind', { definition: { where: { all: [{ kind: 'nosuch' }] } } })).toThrow(/inline-kind\.json: definition\.where\.all\[0\]/);
    expect(job('inline-ok', { definition: { where: { kind: 'segment', name: 'saved-later' } } }).definition).toBeDefined();
    expect(() => job('twice', { segment: 'vip', outputs: [{ path: 'same/{date}.csv' }, { path: 'same/./{date}.csv', rows: 'entered' }] }))
      .toThrow(/twice\.json: outputs\[1\]\.path: "same\/\.\/\{date\}\.csv" is the file outputs\[0\] writes/);
  });

  it('name the paths two jobs may both write: alike once {job} and {segment} are filled in, {time} only on one schedule', () => {
    const root = defaultOutputRoot(jobs);
    const daily = (name: string, path: string, schedule = '0 9 * * *', segment = 'vip') => job(name, { segment, schedule, outputs: [{ path }] });
    const specs = [
      daily('a', 'list-{date}.csv'), daily('b', 'list-{date}.csv'), // shared
      daily('c', '{job}-{date}.csv'), daily('d', '{job}-{date}.csv'), // their own names
      daily('e', '{segment}.csv', '0 9 * * *', 'x'), daily('f', '{segment}.csv', '0 18 * * *', 'x'), // one segment
      daily('g', 'at-{time}.csv'), daily('h', 'at-{time}.csv', '0 18 * * *'), daily('i', 'at-{time}.csv'), // g and i at 09:00
    ];
    expect(sharedOutputs(specs, root)).toEqual([
      { path: join(root, 'list-{date}.csv'), jobs: ['a', 'b'] },
      { path: join(root, 'x.csv'), jobs: ['e', 'f'] },
      { path: join(root, 'at-{time}.csv'), jobs: ['g', 'i'] },
    ]);
  });

  it('refuse unknown keys and bad values with the JSON path', () => {
    expect(() => job('typo', { segment: 'vip', shedule: '0 9 * * 1' })).toThrow(/typo\.json: shedule: "shedule" is not a job setting \(did you mean "schedule"\?\); known: description, segment/);
    expect(() => job('zone', { segment: 'vip', outputs: [{ path: 'a.csv', headers: 'kanji' }] })).toThrow(/zone\.json: outputs\[0\]\.headers: /);
    expect(() => job('cron', { segment: 'vip', schedule: '0 9 * *' })).toThrow(/cron\.json: schedule: "0 9 \* \*" is not a cron schedule/);
  });

  it('name every fault of a file at once, in their own words, not only the first', () => {
    const refused = (name: string, spec: Record<string, unknown>) => {
      try {
        job(name, spec);
      } catch (e) {
        return { code: (e as KumiwakeError).code, lines: (e as Error).message.split('\n').map((l) => l.slice(l.indexOf(`${name}.json: `) + name.length + 7)) };
      }
      throw new Error(`${name} was accepted`);
    };
    const many = refused('many', {
      segment: 'nosuch', outputs: [{ path: 'x.xls' }, { path: 'y.csv', colums: ['name'] }, { path: '{day}.csv', columns: ['shoe_size'] }],
      schedule: '61 * * * *', timezone: 'Asia/Tokio', keepMembers: 0,
    });
    expect(many.code).toBe('job-invalid');
    expect(many.lines).toEqual([
      'outputs[1].colums: "colums" is not a job setting (did you mean "columns"?); known: path, format, columns, encoding, headers, csvFormulas, values, rows, sort, limit',
      'keepMembers: must be at least 1',
      expect.stringMatching(/^schedule: "61 \* \* \* \*" is not a cron schedule/),
      'timezone: "Asia/Tokio" is not a time zone (e.g. Asia/Tokyo)',
      'outputs[0].path: x.xls: .xls is not a format kumiwake writes; Excel files are written as .xlsx (e.g. x.xlsx)',
      'outputs[2].path: unknown placeholder {day}; known: {job} {segment} {date} {time}',
      expect.stringMatching(/^outputs\[2\]\.columns\[0\]: unknown column "shoe_size"/),
    ]);
    // An output zod refused leaves a gap the later outputs' checks step over (it was a TypeError).
    expect(refused('gap', { segment: 'vip', outputs: [{ path: 'a.csv' }, { path: 'b.csv', colums: [] }, { path: 'c.csv' }, { path: 'c.csv' }] }).lines).toEqual([
      'outputs[1].colums: "colums" is not a job setting (did you mean "columns"?); known: path, format, columns, encoding, headers, csvFormulas, values, rows, sort, limit',
      'outputs[3].path: "c.csv" is the file outputs[2] writes: give each output its own path',
    ]);
    expect(refused('half', { segment: 'vip', keepMembers: 1.5, enabled: 'yes' }).lines).toEqual([
      'enabled: must be true or false, not the text "yes"', 'keepMembers: must be a whole number, not the number 1.5',
    ]);
  });
});

describe('export columns', () => {
  it('accept canonical customer columns, attr: columns of the database and the figures, with Japanese labels', () => {
    const cols = resolveExportColumns(['customer_id', 'attr:会員ランク', 'total_sales'], new Set(['attr:会員ランク']));
    expect(cols.map((c) => [c.name, c.label, c.type])).toEqual([
      ['customer_id', '会員番号', 'text'], ['attr:会員ランク', '会員ランク', 'text'], ['total_sales', '累計購入金額', 'decimal'],
    ]);
  });

  it('refuse unknown and repeated columns, naming them', () => {
    expect(() => resolveExportColumns(['customer_id', 'attr:none'], new Set())).toThrow(/--columns\[1\]: unknown column "attr:none"/);
    expect(() => resolveExportColumns(['name', 'name'], new Set())).toThrow(/--columns\[1\]: column "name" is named twice/);
  });

  it('measure display widths with wide characters counted double', () => {
    expect(displayWidth('会員番号')).toBe(8);
    expect(displayWidth('ﾔﾏﾀﾞ')).toBe(4);
    expect(displayWidth('abc')).toBe(3);
  });
});
