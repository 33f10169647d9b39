/**
 * Kumiwake's layer boundaries, checked by dependency-cruiser (issue 12).
 *
 *   npx depcruise src --config .dependency-cruiser.cjs
 *
 * and by test/unit/boundaries.test.ts inside `npm test`, which also cruises a planted
 * violation tree (test/fixtures/boundaries/) with these same rules.
 *
 * Paths are relative to the cruise's base directory and written per folder (`^src/engine/`,
 * not per file), so files moving inside a layer (e.g. src/import -> src/engine/duckdb)
 * need no rule change. Type-only imports count: the swc parser sees `import type` too.
 *
 * Layers, lowest first:
 *   catalog   tables / columns / labels; imports nothing of ours
 *   model     the segment definition; catalog + errors.ts only
 *   dialect   dialect.ts (interface), registry.ts, <engine>/ implementations
 *   planner   segment -> SQL; model, catalog, dialect/dialect.ts, errors.ts only
 *   engine    engine.ts (interface), <engine>/ implementations; below the planner and model
 *   import, export   never the planner
 *   segments, jobs   services
 *   api + index.ts   the public entry
 *   cli       the public entry (index.ts), the web server and its own files only
 *   server    the web builder's server: the public entry and its own files only
 *   web       the browser page: its own files and npm packages only (bundled)
 *   bench, generate  tools; may import internals; nothing imports bench
 */

/** The public entry and everything above it: no library layer may reach up into these. */
const ENTRY_AND_ABOVE = '^src/(api|cli|bench)/|^src/index\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      // 'warn' so that `npx depcruise` lists type-only cycles without failing on them; the test
      // (test/unit/boundaries.test.ts) fails on every cycle that exists at run time and prints the
      // type-only ones (a cycle through `import type` is erased by the compiler).
      severity: 'warn',
      comment: 'No import cycles anywhere in src/.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'catalog-imports-nothing-of-ours',
      severity: 'error',
      comment: 'src/catalog/ is the bottom: tables, columns, labels. It imports no other module of ours.',
      from: { path: '^src/catalog/' },
      to: { path: '^src/', pathNot: '^src/catalog/' },
    },
    {
      name: 'model-only-catalog-and-errors',
      severity: 'error',
      comment: 'src/model/ (the segment definition) may import src/catalog/ and src/errors.ts, nothing else of ours.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/(model/|catalog/|errors\\.ts$)' },
    },
    {
      name: 'planner-only-model-catalog-dialect-interface',
      severity: 'error',
      comment:
        'src/planner/ may import src/model/, src/catalog/, the dialect interface src/dialect/dialect.ts and ' +
        'src/errors.ts only: no dialect implementation or registry, no engine, import, export, services, api, cli.',
      from: { path: '^src/planner/', pathNot: '^src/planner/clickhouse/' },
      to: { path: '^src/', pathNot: '^src/(planner/|model/|catalog/|dialect/dialect\\.ts$|errors\\.ts$)' },
    },
    {
      name: 'clickhouse-planner-only-model-catalog-its-dialect',
      severity: 'error',
      comment:
        'src/planner/clickhouse/ (the set-based planner written for ClickHouse) may import what the planner may, ' +
        'and the ClickHouse dialect it compiles for (src/dialect/clickhouse/dialect.ts): no engine, import, services, api, cli.',
      from: { path: '^src/planner/clickhouse/' },
      to: { path: '^src/', pathNot: '^src/(planner/|model/|catalog/|dialect/dialect\\.ts$|dialect/clickhouse/dialect\\.ts$|errors\\.ts$)' },
    },
    {
      name: 'engine-below-everything',
      severity: 'error',
      comment:
        'src/engine/ (the Engine interface and its implementations) is below everything: ' +
        'no planner, model, segments, jobs, api, cli, nor the public entry.',
      from: { path: '^src/engine/' },
      to: { path: `^src/(planner|model|segments|jobs|generate)/|${ENTRY_AND_ABOVE}` },
    },
    {
      name: 'import-export-not-planner',
      severity: 'error',
      comment: 'src/import/ and src/export/ never import the planner, nor the public entry (api, index.ts) or cli.',
      from: { path: '^src/(import|export)/' },
      to: { path: `^src/planner/|${ENTRY_AND_ABOVE}` },
    },
    {
      name: 'services-not-entry',
      severity: 'error',
      comment: 'The services src/segments/ and src/jobs/ never import the public entry (api, index.ts) or cli.',
      from: { path: '^src/(segments|jobs)/' },
      to: { path: ENTRY_AND_ABOVE },
    },
    {
      name: 'cli-only-public-entry',
      severity: 'error',
      comment:
        'src/cli/ uses the library through its public entry src/index.ts only ' +
        '(plus its own files, npm packages and node builtins).',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(cli/|server/|index\\.ts$)' },
    },
    {
      name: 'server-only-public-entry',
      severity: 'error',
      comment:
        'src/server/ (the web builder\'s server) is a client of the library like the CLI: it imports the public ' +
        'entry src/index.ts and its own files only; only src/cli/ (kumiwake serve) imports it.',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: '^src/(server/|index\\.ts$)' },
    },
    {
      name: 'only-cli-imports-server',
      severity: 'error',
      comment: 'The library never reaches up into the web server; the benchmark (a tool) starts it to time the page.',
      from: { pathNot: '^src/(cli|server|bench)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'web-page-imports-only-itself',
      severity: 'error',
      comment:
        'src/web/ is the browser page, bundled by esbuild: it talks to the server over HTTP and imports no ' +
        'module of ours outside src/web/ (node code must never reach a browser bundle).',
      from: { path: '^src/web/' },
      to: { path: '^src/', pathNot: '^src/web/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'src/cli/ is the top: nothing outside it imports it.',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-bench',
      severity: 'error',
      comment: 'src/bench/ is a tool: it may import internals, but nothing imports it.',
      from: { pathNot: '^src/bench/' },
      to: { path: '^src/bench/' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      severity: 'error',
      comment:
        'A devDependency is not installed for users of the package: src/ may not import one, ' +
        'except the benchmark (src/bench/ uses pg), the page (src/web/, bundled into dist/web at build time) ' +
        'and the build step that bundles the command line (src/cli/bundle.mjs, esbuild).',
      from: { path: '^src/', pathNot: ['^src/(bench|web)/', '^src/cli/bundle[.]mjs$'] },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves (an import the cruiser cannot resolve would also escape every rule above).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 (the native compiler) has no JavaScript compiler API for dependency-cruiser's
    // tsc parser, so sources are parsed with swc. The resolver maps `./x.js` to `./x.ts` itself
    // (as tsc does under NodeNext); no tsconfig paths are in use.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    // swc as dependency-cruiser calls it cannot parse JSX: the page's .tsx files are checked by
    // its build instead (src/web/build.mjs refuses a bundle input outside src/web and preact).
    exclude: { path: '\\.d\\.ts$|^src/web/.*\\.tsx$' },
    moduleSystems: ['es6', 'cjs'],
  },
};
