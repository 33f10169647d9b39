import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Hono } from 'hono';
import { KumiwakeError } from '../index.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json',
};

/**
 * The built page (dist/web), read once at start: only the files that folder holds are served, by
 * exact name, so no request path can reach anything else on disk.
 */
export function addStaticFiles(app: Hono, root: string): void {
  if (!existsSync(join(root, 'index.html'))) {
    throw new KumiwakeError('web-not-built', `the builder page is not built (${join(root, 'index.html')} is missing): run npm run build`, 1);
  }
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name.split('\\').join('/')}`, { body: readFileSync(join(root, name)), type });
  }
  app.get('*', (c) => {
    const file = files.get(c.req.path === '/' ? '/index.html' : c.req.path);
    if (!file) return c.json({ error: { code: 'not-found', message: `nothing at ${c.req.path}` } }, 404);
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type });
  });
}
