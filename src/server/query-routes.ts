import type { Hono } from 'hono';
import { parseQuery, printCheckedQuery, todayIn, type Workspace } from '../index.js';
import { jsonBody, queryDefinitionBody, queryTextBody } from './requests.js';

/**
 * The builder's text view (src/query/query-language.md): a query read into its definition, and a
 * definition written as its canonical query, each checked by the definition's parser. The parser stays on the server (it is the library's,
 * as the CLI's -q); a fault is the library's 400 with line:column, the caret text in its message
 * and, for a definition's faults, each with its JSON path and its place in the text.
 */
export function addQueryRoutes(app: Hono, workspace: Workspace): void {
  app.post('/api/query/parse', async (c) => {
    const { text } = queryTextBody(await jsonBody(c.req.raw));
    return c.json({ definition: parseQuery(text, { asOf: todayIn(workspace.tz) }) });
  });

  app.post('/api/query/print', async (c) => {
    const { definition } = queryDefinitionBody(await jsonBody(c.req.raw));
    // Checked as /api/query/parse checks what it reads (a definition nested too deep, or of
    // version 2, was once printed without a word): the same 400 faults with their JSON paths.
    return c.json({ text: printCheckedQuery(definition, { asOf: todayIn(workspace.tz) }) });
  });
}
