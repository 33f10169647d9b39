import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { KumiwakeError } from '../errors.js';
import { parseJsonText } from '../json-text.js';
import { readReason } from '../system-reasons.js';
import { parseQuery } from '../query/query.js';
import { validateDefinition } from '../model/validate.js';
import { DefinitionError } from '../model/faults.js';
import { todayIn } from '../model/dates.js';
import { checkExportColumnNames } from '../export/columns.js';
import { checkSortKeys } from '../export/sort.js';
import { CSV_ENCODINGS, CSV_FORMULAS, EXPORT_FORMATS, HEADER_STYLES, outputFault, VALUE_STYLES, type OutputSpec } from '../export/formats.js';
import { issueFaults, JobFaults, jobPath, type JobFileFault } from './job-faults.js';
import { DEFAULT_KEEP_MEMBERS, MAX_KEEP_MEMBERS, OUTPUT_ROWS, type OutputRows } from './run-members.js';

/**
 * A job file in jobs/ (see README, "Jobs"): which segment, when, and where its lists go.
 * The job's name is its file name without `.json`.
 */
const outputSchema = z
  .object({
    path: z.string().min(1),
    format: z.enum(EXPORT_FORMATS).optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    encoding: z.enum(CSV_ENCODINGS).optional(),
    headers: z.enum(HEADER_STYLES).optional(),
    csvFormulas: z.enum(CSV_FORMULAS).optional(),
    values: z.enum(VALUE_STYLES).optional(),
    /** the run's members, or who entered or left since the job's previous run (run-members.ts); or the members' order lines */
    rows: z.enum([...OUTPUT_ROWS, 'purchases']).default('members'),
    /** as `kumiwake export --sort` and `--limit` */
    sort: z.array(z.string().min(1)).min(1).optional(),
    limit: z.number().int().min(0).optional(),
  })
  .strict();

const jobSchema = z
  .object({
    description: z.string().optional(),
    segment: z.string().min(1).optional(),
    definition: z.record(z.string(), z.unknown()).optional(),
    /** the definition as a query (src/query/query-language.md), read into `definition` */
    query: z.string().optional(),
    schedule: z.string().min(1).optional(),
    timezone: z.string().default('Asia/Tokyo'),
    missed: z.enum(['run-latest', 'skip']).default('run-latest'),
    enabled: z.boolean().default(true),
    /** warnings (names the data does not hold) fail the run instead of being recorded with it */
    strict: z.boolean().default(false),
    outputs: z.array(outputSchema).default([]),
    /** how many runs' member sets (per segment) are kept for entered/left and `kumiwake diff` */
    keepMembers: z.number().int().min(1).max(MAX_KEEP_MEMBERS).default(DEFAULT_KEEP_MEMBERS),
  })
  .strict();

export type JobSpec = z.infer<typeof jobSchema> & { readonly name: string; readonly file: string };

const JOB_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,99}$/u;
const TOKENS = ['job', 'segment', 'date', 'time'] as const;

/** Reads and checks one job file; every fault names the file and the JSON path, all of them at once. */
export function loadJob(file: string): JobSpec {
  const name = basename(file).replace(/\.json$/i, '');
  if (!JOB_NAME.test(name)) throw new JobFaults(file, [{ path: '(file name)', message: 'a job name is letters, digits, "_", "." and "-" (the file name without .json)' }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KumiwakeError(code === 'ENOENT' ? 'job-missing' : 'job-invalid', `${file}: ${code === 'ENOENT' ? 'no such job file' : `cannot read the job file: ${readReason(e)}`}`);
  }
  const json = parseJsonText(text, file, 'job-invalid');
  const parsed = jobSchema.safeParse(json, { reportInput: true });
  const faults: JobFileFault[] = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueFaults(issue, knownKeys));
  // The settings zod found no fault in are checked further, so that one reading names every fault.
  const faulty = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => jobPath(issue.path.slice(0, issue.path[0] === 'outputs' ? 2 : 1))));
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) faults.push(...settingFaults(file, json as Record<string, unknown>, faulty));
  if (faults.length > 0 || !parsed.success) throw new JobFaults(file, faults);
  const job = parsed.data;
  if (job.query !== undefined) job.definition = queryDefinition(file, job.query);
  return { ...job, name, file: resolve(file) };
}

/** The keys the job (`[]`) or one of its outputs (`['outputs', i]`) takes. */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  return Object.keys(path.length === 0 ? jobSchema.shape : outputSchema.shape);
}

/** The faults zod cannot see: one segment source, the query and definition, cron, zone, output paths, columns and sort keys. */
function settingFaults(file: string, job: Record<string, unknown>, faulty: ReadonlySet<string>): JobFileFault[] {
  const faults: JobFileFault[] = [];
  const given = (key: string) => job[key] !== undefined;
  const fine = (key: string) => given(key) && !faulty.has(key);
  if (['segment', 'definition', 'query'].filter(given).length !== 1) {
    faults.push({ path: '(top level)', message: 'give either "segment" (a saved segment\'s name) or "definition" (inline) or "query" (a query text): exactly one of them' });
  }
  if (fine('query')) faults.push(...queryFaults(file, job.query as string));
  else if (fine('definition')) faults.push(...definitionFaults(job.definition as Record<string, unknown>));
  if (fine('schedule')) {
    const check = cron.validateDetailed(job.schedule as string);
    if (!check.valid) faults.push({ path: 'schedule', message: `"${String(job.schedule)}" is not a cron schedule: ${check.errors.map((e) => e.message).join('; ')}` });
  }
  if (fine('timezone')) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: job.timezone as string });
    } catch {
      faults.push({ path: 'timezone', message: `"${String(job.timezone)}" is not a time zone (e.g. Asia/Tokyo)` });
    }
  }
  if (Array.isArray(job.outputs)) faults.push(...outputFaults(job.outputs, faulty));
  return faults;
}

/** Each output zod accepted: one path each, known placeholders, inside the output folder, format options, columns, sort keys. */
function outputFaults(outputs: readonly unknown[], faulty: ReadonlySet<string>): JobFileFault[] {
  const faults: JobFileFault[] = [];
  const paths: Array<string | undefined> = [];
  outputs.forEach((raw, i) => {
    const parsed = outputSchema.safeParse(raw);
    if (faulty.has(`outputs[${i}]`) || !parsed.success) return;
    const output = parsed.data;
    const at = `outputs[${i}]`;
    // Two outputs of one run writing one file: the later would replace the earlier unseen.
    const same = paths.findIndex((other) => other !== undefined && normalize(other) === normalize(output.path));
    paths[i] = output.path;
    if (same >= 0) faults.push({ path: `${at}.path`, message: `"${output.path}" is the file outputs[${same}] writes: give each output its own path` });
    for (const match of output.path.matchAll(/\{([^}]*)\}/g)) {
      if (!(TOKENS as readonly string[]).includes(match[1]!)) faults.push({ path: `${at}.path`, message: `unknown placeholder {${match[1]}}; known: ${TOKENS.map((t) => `{${t}}`).join(' ')}` });
    }
    if (isAbsolute(output.path) || output.path.split(/[\\/]/).includes('..')) {
      faults.push({ path: `${at}.path`, message: `"${output.path}" must stay inside the output folder: a relative path without ".."` });
    }
    const rows = output.rows === 'purchases' ? 'purchases' : 'members';
    const wrong = outputFault({ ...output, rows });
    if (wrong) faults.push({ path: `${at}.${wrong.key}`, message: wrong.message });
    for (const [key, check] of [['columns', checkExportColumnNames], ['sort', checkSortKeys]] as const) {
      const list = output[key];
      if (!list) continue;
      try {
        check(list, `${at}.${key}`, rows);
      } catch (e) {
        // The export's own sentence starts with the path it was given, and the item's (`sort[0]`).
        const message = (e as Error).message;
        const cut = message.startsWith(`${at}.${key}`) ? message.indexOf(': ') : -1;
        faults.push(cut < 0 ? { path: `${at}.${key}`, message } : { path: message.slice(0, cut), message: message.slice(cut + 2) });
      }
    }
  });
  return faults;
}

/**
 * A job's inline "definition", checked as its query would be (the saved segments it names are
 * looked up when it runs): a job saved or scheduled with a definition every run would refuse is
 * refused now, with `definition.…` and every fault of it.
 */
function definitionFaults(definition: Record<string, unknown>): JobFileFault[] {
  try {
    validateDefinition(definition, { asOf: todayIn('Asia/Tokyo'), lookupSegment: () => ({}) });
    return [];
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    return e.faults.map((f) => ({ path: `definition${f.path === '' || f.path.startsWith('[') ? '' : '.'}${f.path}`, message: f.message }));
  }
}

/** A job's "query" read as the run reads it: its fault names "query" and the place in the text. */
function queryFaults(file: string, query: string): JobFileFault[] {
  try {
    queryDefinition(file, query);
    return [];
  } catch (e) {
    if (!(e instanceof KumiwakeError)) throw e;
    const message = e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
    // "query 1:5: …": the place in the text stays after the path.
    return [{ path: 'query', message: message.replace(/^query /, '') }];
  }
}

/** A job's "query", read into its definition; a fault names the file, "query" and the place in the text. */
function queryDefinition(file: string, query: string): Record<string, unknown> {
  try {
    return parseQuery(query, { source: 'query' }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof KumiwakeError) throw new KumiwakeError('job-invalid', `${file}: ${e.message}`);
    throw e;
  }
}

/** The job files of a folder, sorted by name; a bad file is reported, not fatal to the others. */
export function listJobFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
  } catch (e) {
    throw new KumiwakeError('jobs-missing', `${dir}: cannot read the jobs folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** `kumiwake run JOB`: a path to a job file, or a job's name in the jobs folder. */
export function jobFileFor(jobOrPath: string, jobsDir: string): string {
  return jobOrPath.endsWith('.json') || jobOrPath.includes('/') ? jobOrPath : join(jobsDir, `${jobOrPath}.json`);
}

/** A placeholder's value becomes one path component: separators and dot-dot cannot escape. */
const pathSafe = (value: string) => value.replace(/[^\p{L}\p{N}_.\-]/gu, '_').replace(/^\.+/, '_');

/**
 * The folder job outputs go to unless one is given (the CLI's --out-dir or KUMIWAKE_OUTPUT_DIR):
 * data/out in the project (the folder that holds the jobs folder), whatever the working directory.
 */
export function defaultOutputRoot(jobsDir: string): string {
  return resolve(join(dirname(resolve(jobsDir)), 'data', 'out'));
}

/**
 * An output's path for one run: placeholders filled in, resolved inside the output folder. A
 * symbolic link on the way that leads outside the folder is refused when the run writes.
 */
export function outputFor(job: JobSpec, index: number, values: { segment: string; date: string; time: string }, outputRoot: string): OutputSpec {
  const output = job.outputs[index]!;
  const filled = output.path.replace(/\{(job|segment|date|time)\}/g, (_, token: (typeof TOKENS)[number]) =>
    pathSafe(token === 'job' ? job.name : values[token]));
  return { ...output, path: resolve(outputRoot, filled), rows: output.rows === 'purchases' ? 'purchases' : 'members' };
}

/** The segment a job's runs are recorded under: its saved segment, else its definition's name, else the job's. */
export function segmentNameOf(job: JobSpec): string {
  return job.segment ?? String((job.definition as { name?: unknown } | undefined)?.name ?? job.name);
}

/**
 * Output paths two or more jobs may both write (their paths alike once the job's name and segment
 * are filled in; `{time}` alike only for jobs of the same schedule, `{date}` for any): on a day
 * both run, the later run replaces the earlier's file. Worth a warning when the jobs are scheduled
 * together, not a refusal: one job may be meant to take over another's file.
 */
export function sharedOutputs(jobs: readonly JobSpec[], outputRoot: string): Array<{ readonly path: string; readonly jobs: readonly string[] }> {
  const writers = new Map<string, Set<string>>();
  const schedules = new Map<string, number>();
  for (const job of jobs) {
    const segment = segmentNameOf(job);
    const schedule = job.schedule ?? '';
    if (!schedules.has(schedule)) schedules.set(schedule, schedules.size);
    job.outputs.forEach((_, i) => {
      // Placeholder values no path holds, written back as the placeholders in the warning.
      const path = outputFor(job, i, { segment, date: 'KUMIWAKEDATE', time: `KUMIWAKETIME${schedules.get(schedule)}X` }, outputRoot).path;
      writers.set(path, (writers.get(path) ?? new Set()).add(job.name));
    });
  }
  return [...writers].filter(([, names]) => names.size > 1)
    .map(([path, names]) => ({ path: path.replaceAll('KUMIWAKEDATE', '{date}').replace(/KUMIWAKETIME\d+X/g, '{time}'), jobs: [...names] }));
}

/** The warning for an output path several jobs write, naming them. */
export function sharedOutputWarning(shared: { readonly path: string; readonly jobs: readonly string[] }): string {
  const names = shared.jobs.map((name) => `"${name}"`);
  const when = shared.path.includes('{date}') ? 'on a day both run, ' : '';
  return `jobs ${names.slice(0, -1).join(', ')} and ${names.at(-1)} write the same file ${shared.path}: ${when}the later run replaces the earlier's`;
}

/** The customers an output lists, or whose order lines it lists (`"rows": "purchases"`: the run's members). */
export const customersOf = (rows: JobSpec['outputs'][number]['rows']): OutputRows => (rows === 'purchases' ? 'members' : rows);

/**
 * Where a path really is (symbolic links followed) as far as it exists, with the parts that do not
 * exist yet after it. A broken symbolic link on the way is refused: where it leads is unknown.
 */
function realLocation(path: string, where: string): string {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...missing);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw notAFolder(at, path, where);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (lstatOrUndefined(at)?.isSymbolicLink()) throw new KumiwakeError('output-escapes', `${where}: ${path} leads through the broken symbolic link ${at}`);
      if (dirname(at) === at) return resolve(path);
      missing.unshift(basename(at));
    }
  }
}

/** The fault of a path with something else than a folder (a file, a device) where one of its folders should be. */
function notAFolder(at: string, path: string, where: string): KumiwakeError {
  for (let above = dirname(at); ; above = dirname(above)) {
    const found = statOrUndefined(above); // links followed: a link to a file is a file here
    if (found && !found.isDirectory()) {
      return new KumiwakeError('output-not-folder', `${where}: ${path} cannot be made: ${above} ${found.isFile() ? 'is a file, not a folder' : 'is not a folder'}`);
    }
    if (dirname(above) === above) return new KumiwakeError('output-not-folder', `${where}: ${path} cannot be made: a part of it is not a folder`);
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses a path whose real location (symbolic links followed) is outside the output folder.
 * Checked before any folder is made: a link that leads out is refused without creating anything
 * on the other side.
 */
export function assertInsideOutputRoot(path: string, outputRoot: string, where: string): void {
  const root = realLocation(outputRoot, where);
  const folder = realLocation(dirname(path), where);
  if (folder !== root && !folder.startsWith(root + sep)) {
    throw new KumiwakeError('output-escapes', `${where}: ${path} leads outside the output folder ${root} (through a symbolic link)`);
  }
}
