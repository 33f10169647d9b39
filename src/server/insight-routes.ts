import type { Hono } from 'hono';
import type { Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';
import { breakdownBody, jsonBody, whyBody } from './requests.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The results beside the builder: breakdowns of a segment (`count --by`), one customer's page
 * (`kumiwake customer`) and why they are in or out of the open segment (`kumiwake why`). The
 * library parses every definition and refuses an unknown field or customer with its code.
 */
export function addInsightRoutes(app: Hono, workspace: Workspace, turns: OneAtATime): void {
  app.post('/api/breakdown', async (c) => {
    const { input, by, asOf } = breakdownBody(await jsonBody(c.req.raw));
    return c.json(await turns.run(c.req.raw.signal, () => workspace.breakdown(input, { by, asOf })));
  });

  app.get('/api/customers/:id', async (c) => {
    const asOf = c.req.query('asOf');
    const id = c.req.param('id');
    return c.json(await turns.run(c.req.raw.signal, () => workspace.customer(id, { asOf: asOf !== undefined && DATE.test(asOf) ? asOf : undefined })));
  });

  app.post('/api/why', async (c) => {
    const { customerId, input, asOf } = whyBody(await jsonBody(c.req.raw));
    return c.json(await turns.run(c.req.raw.signal, () => workspace.why(customerId, input, { asOf })));
  });
}
