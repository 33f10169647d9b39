/**
 * What the warnings' checks share: the codes and shape of a warning, where a value sits in the
 * definition (its JSON path, or its place inside a saved segment), and the Checker that looks
 * names up with bounded queries: the names of one kind with one IN query per small table
 * (catalogs, dictionaries, summaries), at most MAX_PROBES of them one by one in a large table
 * (order lines, mail events), and suggestions from at most MAX_CANDIDATES values of the first
 * SCAN_ROWS rows.
 */
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { at, readablePath } from '../model/faults.js';
import type { Condition, Leaf } from '../model/segment.js';
import type { SchemaInfo } from '../planner/context.js';
import { suggest } from './suggest.js';

/** Stable codes of warnings (segment-definition.md, "Warnings"). */
export const WARNING_CODES = [
  'unknown-mail', 'unknown-product', 'unknown-category', 'unknown-store', 'unknown-media', 'unknown-order-group',
  'unknown-attribute', 'unknown-tag', 'value-never-occurs', 'no-mail-selected', 'no-customers', 'customers-missing',
  'loose-value-empty', 'empty-range',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface SegmentWarning {
  readonly code: WarningCode;
  /** JSON path of the value in the definition (of the `segment` reference for a saved segment's own) */
  readonly path: string;
  readonly message: string;
  /** the nearest names the data holds (NFKC, case-folded edit distance), at most 3 */
  readonly suggestions: readonly string[];
}

export const MAX_WARNINGS = 100;
const MAX_CANDIDATES = 10_000;
const SCAN_ROWS = 100_000;
const MAX_PROBES = 20;
/** Order lines / events whose customers are looked up in customers. */
export const SAMPLE_ROWS = 1_000;

/** Where a value sits: its path, and for a value inside a saved segment, that segment and its own path. */
export interface Site {
  readonly path: string;
  readonly inSaved?: { readonly name: string; readonly path: string };
}
export interface Named { readonly value: string; readonly site: Site }
export interface Located<L extends Leaf> { readonly leaf: L; readonly site: Site }

/** Every leaf with its path, saved segments' leaves included (reported at the reference). */
export function locate(condition: Condition, path: string, outer: Site | undefined, out: Array<Located<Leaf>>): void {
  const site = (p: string): Site => (outer ? { path: outer.path, inSaved: { name: outer.inSaved!.name, path: p } } : { path: p });
  switch (condition.kind) {
    case 'all':
    case 'any':
      condition.conditions.forEach((c, i) => locate(c, at(at(path, condition.kind), i), outer, out));
      return;
    case 'not':
      locate(condition.condition, at(path, 'not'), outer, out);
      return;
    case 'segment': {
      // A saved segment's own values are reported at the outermost reference, naming the chain.
      const name = outer?.inSaved ? `${outer.inSaved.name} → ${condition.name}` : condition.name;
      locate(condition.definition.where, 'where', { path: outer?.path ?? at(path, 'name'), inSaved: { name, path: '' } }, out);
      return;
    }
    default:
      out.push({ leaf: condition, site: site(path) });
  }
}

/** A site one step further into the leaf. */
export const step = (site: Site, ...keys: Array<string | number>): Site => {
  const deeper = (p: string) => keys.reduce<string>((q, k) => at(q, k), p);
  return site.inSaved ? { path: site.path, inSaved: { ...site.inSaved, path: deeper(site.inSaved.path) } } : { path: deeper(site.path) };
};

/** A column of a table to look names up in. */
export interface Source { readonly table: string; readonly column: string }

export class Checker {
  readonly warnings: SegmentWarning[] = [];
  private readonly kysely: Kysely<Record<string, never>>;

  constructor(readonly db: Engine, readonly dialect: SqlDialect, readonly schema: SchemaInfo, private readonly facts?: Map<string, unknown>) {
    this.kysely = new Kysely<Record<string, never>>({ dialect: dialect.kysely });
  }

  /** An answer about the data alone (not the definition), asked once per state of the data when the caller keeps `facts`. */
  async fact<T>(key: string, ask: () => Promise<T>): Promise<T> {
    if (this.facts?.has(key)) return this.facts.get(key) as T;
    const answer = await ask();
    this.facts?.set(key, answer);
    return answer;
  }

  get full(): boolean {
    return this.warnings.length >= MAX_WARNINGS;
  }

  add(code: WarningCode, site: Site, message: string, suggestions: readonly string[] = []): void {
    if (this.full) return;
    const text = site.inSaved ? `saved segment "${site.inSaved.name}", ${readablePath(site.inSaved.path)}: ${message}` : message;
    if (this.warnings.some((w) => w.code === code && w.path === site.path && w.message === text)) return;
    this.warnings.push({ code, path: site.path, message: text, suggestions: [...suggestions] });
  }

  async run<T>(statement: RawBuilder<unknown>): Promise<T[]> {
    return this.db.query<T>(statement.compile(this.kysely));
  }

  private column(source: Source): Sql {
    return sql`${sql.id(source.column)}`;
  }

  /**
   * The values none of the sources holds (compared exactly): one IN query per small source, then
   * at most MAX_PROBES values probed one by one in the large ones (the others count as found).
   */
  async missing(values: readonly string[], small: readonly Source[], large: readonly Source[] = []): Promise<Set<string>> {
    let left = new Set(values);
    for (const source of small) {
      if (left.size === 0) break;
      const rows = await this.run<{ v: string }>(sql`SELECT DISTINCT ${this.column(source)} AS v FROM ${sql.table(source.table)}
        WHERE ${this.dialect.inList(this.column(source), [...left])}`);
      for (const { v } of rows) left.delete(v);
    }
    if (large.length === 0 || left.size === 0) return left;
    const probed = [...left].slice(0, MAX_PROBES);
    left = new Set(probed);
    for (const value of probed) {
      for (const source of large) {
        const [hit] = await this.run<{ hit: number }>(sql`SELECT 1 AS hit FROM ${sql.table(source.table)} WHERE ${this.column(source)} = ${value} LIMIT 1`);
        if (hit) {
          left.delete(value);
          break;
        }
      }
    }
    return left;
  }

  /** Up to MAX_CANDIDATES distinct values of the first SCAN_ROWS rows of each source. */
  async candidates(sources: readonly Source[]): Promise<string[]> {
    const found: string[] = [];
    for (const source of sources) {
      const c = this.column(source);
      const rows = await this.run<{ v: string }>(sql`SELECT DISTINCT v FROM (SELECT ${c} AS v FROM ${sql.table(source.table)} WHERE ${c} IS NOT NULL
        LIMIT ${sql.lit(SCAN_ROWS)}) AS scanned LIMIT ${sql.lit(MAX_CANDIDATES)}`);
      found.push(...rows.map((r) => r.v));
    }
    return found;
  }

  /** One warning per site of a name the sources do not hold, with suggestions from them. */
  async checkNames(
    named: readonly Named[], code: WarningCode, say: (value: string) => string,
    sources: { small: readonly Source[]; large?: readonly Source[]; candidates: readonly Source[] },
  ): Promise<void> {
    if (named.length === 0 || this.full) return;
    const missing = await this.missing([...new Set(named.map((n) => n.value))], sources.small, sources.large);
    if (missing.size === 0) return;
    const candidates = await this.candidates(sources.candidates);
    for (const { value, site } of named) {
      if (this.full) break;
      if (missing.has(value)) this.add(code, site, say(value), suggest(value, candidates));
    }
  }
}
