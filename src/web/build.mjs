// Builds the web builder's page into dist/web/: one bundle, the stylesheet and index.html, from
// npm packages only (no CDN, no web font). Run by npm run build / prepare / start / test / bench.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const root = here('../../');
const out = here('../../dist/web/');
/** What the bundle may hold: the page's own files and the UI library; never node code of ours. */
const ALLOWED_INPUTS = /^(src\/web\/|node_modules\/preact\/)/;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const { metafile } = await build({
  absWorkingDir: root,
  metafile: true,
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
const strays = Object.keys(metafile.inputs).filter((input) => !ALLOWED_INPUTS.test(input));
if (strays.length > 0) {
  rmSync(out, { recursive: true, force: true });
  throw new Error(`the page's bundle may hold only src/web/ and preact; it imports ${strays.join(', ')}`);
}
copyFileSync(here('index.html'), `${out}index.html`);
copyFileSync(here('styles.css'), `${out}styles.css`);
