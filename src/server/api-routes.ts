import type { Hono } from 'hono';
import { definitionJsonSchema, PAGE_INPUTS as names, todayIn, type Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';
import { countBody, jsonBody, membersBody } from './requests.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

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

  app.get('/api/mails', async (c) => {
    const query = c.req.query();
    const day = (value: string | undefined) => (value !== undefined && DATE.test(value) ? value : undefined);
    const limit = Number(query.limit ?? 100);
    const mails = await turns.run(c.req.raw.signal, () => workspace.mails({
      q: query.q, kind: query.kind || undefined, store: query.store || undefined,
      sentFrom: day(query.sentFrom), sentTo: day(query.sentTo), limit: Number.isFinite(limit) ? limit : 100,
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
