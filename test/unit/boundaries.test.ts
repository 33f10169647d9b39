/**
 * Layer boundaries a machine checks (issue 12): dependency-cruiser cruises src/ with the rules in
 * .dependency-cruiser.cjs and the test fails on any violation, listing each one. The same rules are
 * cruised over a planted-violation tree (test/fixtures/boundaries/src/, the same folder layout)
 * to prove that every rule fires and that the allowed imports stay quiet.
 *
 * Cycles: a cycle that exists at run time fails. A cycle with a type-only edge (`import type`, or
 * an import whose bindings are all `type`) is erased by the compiler; it is printed, not failed on.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseFileSync, type ModuleItem } from '@swc/core';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test', 'fixtures', 'boundaries');

let options: ICruiseOptions;

beforeAll(async () => {
  options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
});

async function cruiseSrc(baseDir: string): Promise<ICruiseResult> {
  const reported = await cruise(['src'], { ...options, baseDir, validate: true });
  if (typeof reported.output === 'string') throw new Error('dependency-cruiser returned a report, not a result');
  return reported.output;
}

/** Module specifiers that `file` imports or re-exports only as types (erased at run time). */
function typeOnlySpecifiers(file: string): Set<string> {
  const typeOnly = new Set<string>();
  const value = new Set<string>();
  const body: ModuleItem[] = parseFileSync(file, { syntax: 'typescript' }).body;
  for (const item of body) {
    if (item.type === 'ImportDeclaration') {
      const erased =
        item.typeOnly ||
        (item.specifiers.length > 0 && item.specifiers.every((s) => s.type === 'ImportSpecifier' && s.isTypeOnly));
      (erased ? typeOnly : value).add(item.source.value);
    } else if (item.type === 'ExportNamedDeclaration' && item.source) {
      const erased =
        item.typeOnly ||
        (item.specifiers.length > 0 && item.specifiers.every((s) => s.type === 'ExportSpecifier' && s.isTypeOnly));
      (erased ? typeOnly : value).add(item.source.value);
    } else if (item.type === 'ExportAllDeclaration') {
      value.add(item.source.value);
    }
  }
  for (const specifier of value) typeOnly.delete(specifier);
  return typeOnly;
}

/** True when every import from `from` to `to` is erased at run time. */
function isTypeOnlyEdge(result: ICruiseResult, baseDir: string, from: string, to: string): boolean {
  const module = result.modules.find((m) => m.source === from);
  const imports = module?.dependencies.filter((d) => d.resolved === to) ?? [];
  if (imports.length === 0) return false;
  const erased = typeOnlySpecifiers(join(baseDir, from));
  return imports.every(
    (d) =>
      (d.dependencyTypes.length > 0 && d.dependencyTypes.every((t) => t === 'type-import')) ||
      (!d.dependencyTypes.includes('dynamic-import') && !d.dependencyTypes.includes('require') && erased.has(d.module)),
  );
}

function cycleEdges(violation: IViolation): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  let previous = violation.from;
  for (const step of violation.cycle ?? []) {
    edges.push([previous, step.name]);
    previous = step.name;
  }
  return edges;
}

function isTypeOnlyCycle(result: ICruiseResult, baseDir: string, violation: IViolation): boolean {
  return cycleEdges(violation).some(([from, to]) => isTypeOnlyEdge(result, baseDir, from, to));
}

/** Shortens a resolved npm path (`../../../node_modules/pg/lib/index.js`) to `node_modules/pg/lib/index.js`. */
function shortPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at >= 0 ? path.slice(at) : path;
}

function describeViolation(violation: IViolation): string {
  const path = violation.cycle?.length
    ? [violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')
    : `${violation.from} → ${shortPath(violation.to)}`;
  return `${violation.rule.name}: ${path}`;
}

interface Checked {
  result: ICruiseResult;
  /** Violations the test fails on. */
  failing: IViolation[];
  /** Cycles through a type-only import: reported, not failed on. */
  typeOnlyCycles: IViolation[];
}

async function check(baseDir: string): Promise<Checked> {
  const result = await cruiseSrc(baseDir);
  const violations = result.summary.violations;
  const typeOnlyCycles = violations.filter(
    (v) => v.rule.name === 'no-circular' && isTypeOnlyCycle(result, baseDir, v),
  );
  return { result, typeOnlyCycles, failing: violations.filter((v) => !typeOnlyCycles.includes(v)) };
}

describe('layer boundaries (.dependency-cruiser.cjs)', () => {
  it('src/ has no violations', async () => {
    const { result, failing, typeOnlyCycles } = await check(ROOT);

    // The cruise really read the TypeScript sources (an absent parser would scan nothing and pass).
    const sources = result.modules.filter((m) => m.source.startsWith('src/') && m.source.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(50);
    expect(
      result.modules.some(
        (m) => m.source.startsWith('src/planner/') && m.dependencies.some((d) => d.resolved.startsWith('src/model/')),
      ),
      'the planner imports the model',
    ).toBe(true);

    if (typeOnlyCycles.length > 0) {
      console.warn(
        `boundaries: ${typeOnlyCycles.length} cycle(s) through a type-only import (erased at run time):\n` +
          typeOnlyCycles.map((v) => `  ${describeViolation(v)}`).join('\n'),
      );
    }
    const listing = failing.map((v) => `  ${describeViolation(v)}`).join('\n');
    expect(failing.length, `${failing.length} boundary violation(s) in src/:\n${listing}\n`).toBe(0);
  });

  it('reports every planted violation in test/fixtures/boundaries/, and only those', async () => {
    const { failing, typeOnlyCycles } = await check(FIXTURE);
    const reported = failing.map(describeViolation).sort();
    expect(reported).toEqual(
      [
        'catalog-imports-nothing-of-ours: src/catalog/tables.ts → src/model/segment.ts',
        'model-only-catalog-and-errors: src/model/segment.ts → src/dialect/dialect.ts',
        'planner-only-model-catalog-dialect-interface: src/planner/x.ts → src/engine/duckdb/engine.ts',
        'planner-only-model-catalog-dialect-interface: src/planner/x.ts → src/dialect/registry.ts',
        'planner-only-model-catalog-dialect-interface: src/planner/x.ts → src/dialect/duckdb/dialect.ts',
        'clickhouse-planner-only-model-catalog-its-dialect: src/planner/clickhouse/y.ts → src/dialect/duckdb/dialect.ts',
        'engine-below-everything: src/engine/duckdb/engine.ts → src/model/segment.ts',
        'import-export-not-planner: src/export/out.ts → src/planner/x.ts',
        'services-not-entry: src/jobs/job.ts → src/api/entry.ts',
        'cli-only-public-entry: src/cli/y.ts → src/planner/x.ts',
        'server-only-public-entry: src/server/app.ts → src/planner/x.ts',
        'only-cli-imports-server: src/generate/serve.ts → src/server/page.ts',
        'web-page-imports-only-itself: src/web/main.ts → src/index.ts',
        'nothing-imports-cli: src/api/entry.ts → src/cli/z.ts',
        'nothing-imports-bench: src/generate/gen.ts → src/bench/b.ts',
        'no-dev-dependencies-in-src: src/generate/gen.ts → node_modules/pg/lib/index.js',
        'no-circular: src/segments/cycle-a.ts → src/segments/cycle-b.ts → src/segments/cycle-a.ts',
      ].sort(),
    );
    expect(typeOnlyCycles.map(describeViolation)).toEqual([
      'no-circular: src/segments/types-a.ts → src/segments/types-b.ts → src/segments/types-a.ts',
    ]);
  });
});
