import type { Hono } from 'hono';
import { definitionJsonSchema, PAGE_INPUTS as names, todayIn, type Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';
import { RequestFault } from './faults.js';
import { countBody, jsonBody, membersBody } from './requests.js';

/** The mail picker's filters (GET /api/mails). */
const MAIL_PARAMETERS = ['q', 'kind', 'store', 'sentFrom', 'sentTo', 'limit'];

/**
 * What the builder reads: the definition's schema and the catalog for its forms, the mail
 * picker, live counts and member pages. Every segment arrives as a definition (or a saved
 * segment's name) and goes through the library, which parses it as the CLI does.
 */
export function addApiRoutes(app: Hono, workspace: Workspace, turns: OneAtATime): void {
  app.get('/api/schema', async (c) => {
    const catalog = await turns.run(c.req.raw.signal, () => workspace.builderCatalog());
    return c.json({ definitionSchema: definitionJsonSchema(), catalog, tz: workspace.tz, today: todayIn(workspace.tz) });
  });

  // Every filter is read or refused (400 naming it), never ignored: an unreadable day listed every
  // mail or none. An empty parameter is one not given (the page leaves its empty fields out).
  app.get('/api/mails', async (c) => {
    const query = c.req.query();
    for (const key of Object.keys(query)) {
      if (!MAIL_PARAMETERS.includes(key)) throw new RequestFault('unknown-parameter', `"${key}" is not a parameter of /api/mails (expected ${MAIL_PARAMETERS.join(', ')})`);
    }
    const given = (key: string) => (query[key] === undefined || query[key]!.trim() === '' ? undefined : query[key]);
    const limitText = given('limit');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RequestFault('bad-argument', `"limit" must be a whole number from 1 to 1000, not ${JSON.stringify(limitText)}`);
    const mails = await turns.run(c.req.raw.signal, () => workspace.mails({
      q: query.q, kind: given('kind'), store: given('store'), sent: { from: given('sentFrom'), to: given('sentTo') }, limit, names,
    }));
    return c.json({ mails });
  });

  // The live count; with `conditions: true`, every node of the tree counted alone and, inside an
  // AND, cumulatively (the funnel), from the same customer sets as the total (Workspace.conditionCounts).
  app.post('/api/count', async (c) => {
    const { input, asOf, conditions } = countBody(await jsonBody(c.req.raw));
    const result = await turns.run(c.req.raw.signal, () => (conditions ? workspace.conditionCounts(input, { asOf, names }) : workspace.count(input, { asOf, names })), { interruptible: true });
    return c.json(result);
  });

  // Date columns (not timestamps) are written as days; the catalog's types are read once.
  let dateColumns: Promise<ReadonlySet<string>> | undefined;
  app.post('/api/members', async (c) => {
    const { input, request } = membersBody(await jsonBody(c.req.raw));
    const page = await turns.run(c.req.raw.signal, () => workspace.members(input, { ...request, names }), { interruptible: true });
    dateColumns ??= turns.run(undefined, () => workspace.builderCatalog()).then((catalog) => new Set(catalog.fields.filter((f) => f.type === 'date').map((f) => f.name)));
    const days = await dateColumns;
    return c.json({ ...page, rows: page.rows.map((row) => plainRow(row, days)) });
  });
}

/**
 * Member rows as JSON can carry them: big integers as numbers or text; dates and timestamps as
 * the local text they were imported as (`2025-05-05`, `2025-05-05 12:10:59`), never shifted to a
 * zone (the engine hands them over as Dates of that wall-clock time in UTC).
 */
function plainRow(row: Readonly<Record<string, unknown>>, days: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value, days.has(key));
  return out;
}

function plainValue(value: unknown, day: boolean): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return day ? value.toISOString().slice(0, 10) : value.toISOString().slice(0, 19).replace('T', ' ');
  if (Array.isArray(value)) return value.map((v) => plainValue(v, day));
  if (value !== null && typeof value === 'object') return String(value);
  return value;
}
