import type { Hono } from 'hono';
import { PAGE_INPUTS as names, type Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';
import { jsonBody, saveBody, updateBody } from './requests.js';

/**
 * Saved segments: list, show, save (409 when the name is taken, unless `force`), save over,
 * rename, delete (409 while another saved segment uses it). The library checks every definition
 * and name, as `kumiwake segments` does.
 */
export function addSegmentRoutes(app: Hono, workspace: Workspace, turns: OneAtATime): void {
  const saved = workspace.segments;
  app.get('/api/segments', async (c) => c.json({ segments: await turns.run(c.req.raw.signal, () => saved.list()) }));

  app.get('/api/segments/:name', async (c) => c.json(await turns.run(c.req.raw.signal, () => saved.show(c.req.param('name'), names))));

  app.get('/api/segments/:name/history', async (c) => c.json({ versions: await turns.run(c.req.raw.signal, () => saved.history(c.req.param('name'), names)) }));

  app.post('/api/segments', async (c) => {
    const { name, definition, force } = saveBody(await jsonBody(c.req.raw));
    return c.json(await turns.run(undefined, () => saved.save(name, definition, { force })), 201);
  });

  app.put('/api/segments/:name', async (c) => {
    const name = c.req.param('name');
    const update = updateBody(await jsonBody(c.req.raw));
    if ('rename' in update) return c.json(await turns.run(undefined, () => saved.rename(name, update.rename, names)));
    // Saving over a name that is not saved would create it: that is a POST.
    return c.json(await turns.run(undefined, async () => {
      await saved.show(name, names);
      return saved.save(name, update.definition, { force: true });
    }));
  });

  app.delete('/api/segments/:name', async (c) => {
    const name = c.req.param('name');
    await turns.run(undefined, () => saved.delete(name, names));
    return c.json({ deleted: name });
  });
}
