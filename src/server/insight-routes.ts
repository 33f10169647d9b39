import type { Hono } from 'hono';
import { PAGE_INPUTS as names, type Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';
import { breakdownBody, jsonBody, whyBody } from './requests.js';

/**
 * The results beside the builder: breakdowns of a segment (`count --by`), one customer's page
 * (`kumiwake customer`) and why they are in or out of the open segment (`kumiwake why`). The
 * library parses every definition and refuses an unknown field or customer with its code.
 */
export function addInsightRoutes(app: Hono, workspace: Workspace, turns: OneAtATime): void {
  app.post('/api/breakdown', async (c) => {
    const { input, by, asOf } = breakdownBody(await jsonBody(c.req.raw));
    return c.json(await turns.run(c.req.raw.signal, () => workspace.breakdown(input, { by, asOf, names }), { interruptible: true }));
  });

  // A malformed asOf is the library's fault (400), never silently today.
  app.get('/api/customers/:id', async (c) => {
    const asOf = c.req.query('asOf') || undefined;
    const id = c.req.param('id');
    // The shop's names of remark_1 … remark_10 (`settings set remark-label`) label the record's remarks on the page.
    return c.json(await turns.run(c.req.raw.signal, async () => ({
      ...(await workspace.customer(id, { asOf, names })),
      remarkLabels: (await workspace.settings()).remarkLabels ?? {},
    })));
  });

  app.post('/api/why', async (c) => {
    const { customerId, input, asOf } = whyBody(await jsonBody(c.req.raw));
    return c.json(await turns.run(c.req.raw.signal, () => workspace.why(customerId, input, { asOf, names })));
  });
}
