// Builds the web builder's page into dist/web/: one bundle, the stylesheet and index.html, from
// npm packages only (no CDN, no web font). Run by npm run build / prepare / start / test / bench.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const out = here('../../dist/web/');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [here('main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${out}app.js`,
  logLevel: 'warning',
});
copyFileSync(here('index.html'), `${out}index.html`);
copyFileSync(here('styles.css'), `${out}styles.css`);
