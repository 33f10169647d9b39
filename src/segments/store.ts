import type { Engine } from '../engine/engine.js';
import { utcText } from '../engine/tables.js';
import { KumiwakeError } from '../errors.js';
import { CLI_INPUTS, listedIn, type InputNames } from '../input-names.js';
import type { LocalDate } from '../model/dates.js';
import type { SegmentDefinition } from '../model/definition.js';
import { validateDefinition } from '../model/validate.js';
import { referencedSegments } from '../model/walk.js';

export interface SavedSegment {
  readonly name: string;
  readonly definition: SegmentDefinition;
  /** when this version was saved, ISO 8601 in UTC (`2026-12-02T06:30:00.000Z`) */
  readonly savedAt: string;
  /** 1 for the first save of the name, one more for each save that replaced it */
  readonly version: number;
  /** set by a save that found this very definition already saved: nothing was written */
  readonly unchanged?: true;
}

/** One version of a saved segment, the current one included. */
export interface SegmentVersion {
  readonly name: string;
  readonly version: number;
  readonly definition: SegmentDefinition;
  /** ISO 8601, UTC */
  readonly savedAt: string;
  /** when a later save replaced it (ISO 8601, UTC); null for the current version */
  readonly replacedAt: string | null;
  readonly current: boolean;
}

export interface SaveOptions {
  /** replace a segment of that name (its definition is kept as a previous version) */
  readonly force?: boolean;
}

/** A row of segment_versions (sql/schema.sql): a definition that a later save replaced. */
interface VersionRow {
  name: string;
  version: number;
  definition: string;
  saved_at: string | Date;
  replaced_at: string | Date;
}

/** ISO 8601 in UTC from a TIMESTAMP read back (a Date, or UTC text without a zone). */
function isoTime(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  const date = new Date(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,99}$/u;

/** Saved segments, kept in the database beside the data they select, with their earlier versions. */
export class SegmentStore {
  private constructor(
    private readonly db: Engine,
    private readonly byName: Map<string, SavedSegment & { readonly text: string }>,
  ) {}

  static async load(db: Engine): Promise<SegmentStore> {
    const rows = await db.kysely().selectFrom('segments').selectAll().orderBy('name').execute();
    const latest = new Map<string, number>();
    // A database made before versions were kept, opened read-only (no schema applied), has none.
    if (rows.length > 0 && await db.hasTable('segment_versions')) {
      const versions = await versionTable(db).selectFrom('segment_versions').select(['name', (eb) => eb.fn.max('version').as('latest')]).groupBy('name').execute();
      for (const v of versions) latest.set(v.name, Number(v.latest));
    }
    const byName = new Map<string, SavedSegment & { readonly text: string }>();
    for (const row of rows) {
      byName.set(row.name, {
        name: row.name,
        definition: JSON.parse(row.definition) as SegmentDefinition,
        savedAt: isoTime(row.saved_at),
        version: (latest.get(row.name) ?? 0) + 1,
        text: row.definition,
      });
    }
    return new SegmentStore(db, byName);
  }

  list(): SavedSegment[] {
    return [...this.byName.values()].map(publicForm);
  }

  get(name: string): SavedSegment | undefined {
    const saved = this.byName.get(name);
    return saved && publicForm(saved);
  }

  /** For the planner and the validator: the definition saved under a name. */
  readonly lookup = (name: string): SegmentDefinition | undefined => this.byName.get(name)?.definition;

  require(name: string, names: InputNames = CLI_INPUTS): SavedSegment {
    const saved = this.byName.get(name);
    if (!saved) throw new KumiwakeError('segment-unknown', `there is no saved segment "${name}"${listedIn(names, 'segments', undefined, (command) => `see ${command}`)}`);
    return publicForm(saved);
  }

  /**
   * Validates (references and cycles included) and saves. A name already saved is refused unless
   * `force`; then the definition it held is kept in segment_versions. Saving the definition a
   * name already holds writes nothing.
   */
  async save(name: string, definition: unknown, asOf: LocalDate, options: SaveOptions = {}): Promise<SavedSegment> {
    if (!NAME.test(name)) throw new KumiwakeError('segment-name', `"${name}" is not a usable segment name (letters, digits, _ . -; at most 100)`);
    // What is validated is what is stored and read back: the definition after a trip through JSON.
    const text = jsonText(definition, (d) => this.validate(name, d, asOf));
    const written = JSON.parse(text) as SegmentDefinition;
    this.validate(name, written, asOf);
    const existing = this.byName.get(name);
    if (existing?.text === text) return { ...publicForm(existing), unchanged: true };
    if (existing && !options.force) {
      throw new KumiwakeError('segment-exists', `there is already a saved segment "${name}" (version ${existing.version}, saved ${existing.savedAt}); save with force to replace it (that version is kept in its history)`);
    }
    const now = new Date();
    const k = this.db.kysely();
    await this.db.transaction(async () => {
      if (existing) {
        await versionTable(this.db).insertInto('segment_versions')
          .values({ name, version: existing.version, definition: existing.text, saved_at: utcText(new Date(existing.savedAt)), replaced_at: utcText(now) })
          .execute();
      }
      await k.insertInto('segments')
        .values({ name, definition: text, saved_at: utcText(now) })
        .onConflict((oc) => oc.column('name').doUpdateSet({ definition: text, saved_at: utcText(now) }))
        .execute();
    });
    const saved = { name, definition: written, savedAt: now.toISOString(), version: (existing?.version ?? 0) + 1, text };
    this.byName.set(name, saved);
    return publicForm(saved);
  }

  /** Every version of a saved segment, oldest first, the current one last. */
  async history(name: string, names?: InputNames): Promise<SegmentVersion[]> {
    const current = this.require(name, names);
    const rows = await this.db.hasTable('segment_versions')
      ? await versionTable(this.db).selectFrom('segment_versions').selectAll().where('name', '=', name).orderBy('version').execute()
      : [];
    return [
      ...rows.map((row) => ({
        name, version: Number(row.version), definition: JSON.parse(row.definition) as SegmentDefinition,
        savedAt: isoTime(row.saved_at), replacedAt: isoTime(row.replaced_at), current: false,
      })),
      { name, version: current.version, definition: current.definition, savedAt: current.savedAt, replacedAt: null, current: true },
    ];
  }

  /**
   * Renames a segment, its earlier versions with it. The saved segments that refer to it, and
   * their earlier versions, are rewritten to the new name in the same transaction, so no
   * reference is left dangling.
   */
  async rename(from: string, to: string, names?: InputNames): Promise<SavedSegment> {
    const saved = this.byName.get(from);
    if (!saved) return this.require(from, names);
    if (!NAME.test(to)) throw new KumiwakeError('segment-name', `"${to}" is not a usable segment name (letters, digits, _ . -; at most 100)`);
    if (this.byName.has(to)) throw new KumiwakeError('segment-exists', `there is already a saved segment "${to}"; delete or rename it first`);
    const users = [...this.byName.values()].filter((s) => s.name !== from && referencedSegments(s.definition.where).includes(from));
    const rewritten = users.map((u) => {
      const definition = renameReferences(u.definition, from, to) as SegmentDefinition;
      return { ...u, definition, text: JSON.stringify(definition) };
    });
    const k = this.db.kysely();
    const versions = versionTable(this.db);
    await this.db.transaction(async () => {
      await k.updateTable('segments').set({ name: to }).where('name', '=', from).execute();
      for (const user of rewritten) await k.updateTable('segments').set({ definition: user.text }).where('name', '=', user.name).execute();
      await versions.deleteFrom('segment_versions').where('name', '=', to).execute();
      await versions.updateTable('segment_versions').set({ name: to }).where('name', '=', from).execute();
      for (const row of await versions.selectFrom('segment_versions').select(['name', 'version', 'definition']).execute()) {
        const definition = JSON.parse(row.definition) as SegmentDefinition;
        if (!referencedSegments(definition.where).includes(from)) continue;
        await versions.updateTable('segment_versions').set({ definition: JSON.stringify(renameReferences(definition, from, to)) })
          .where('name', '=', row.name).where('version', '=', row.version).execute();
      }
    });
    const renamed = { ...saved, name: to };
    this.byName.delete(from);
    this.byName.set(to, renamed);
    for (const user of rewritten) this.byName.set(user.name, user);
    return publicForm(renamed);
  }

  /** Deletes a segment no other saved segment refers to, and its earlier versions. */
  async delete(name: string, names?: InputNames): Promise<void> {
    this.require(name, names);
    const users = this.list().filter((s) => s.name !== name && referencedSegments(s.definition.where).includes(name));
    if (users.length > 0) {
      throw new KumiwakeError('segment-in-use', `segment "${name}" is used by ${users.map((u) => `"${u.name}"`).join(', ')}; change those first`);
    }
    await this.db.transaction(async () => {
      await this.db.kysely().deleteFrom('segments').where('name', '=', name).execute();
      await versionTable(this.db).deleteFrom('segment_versions').where('name', '=', name).execute();
    });
    this.byName.delete(name);
  }

  private validate(name: string, definition: unknown, asOf: LocalDate): void {
    const lookup = (n: string) => (n === name ? definition : this.lookup(n));
    validateDefinition(definition, { asOf, lookupSegment: lookup, segmentChain: [name] });
  }
}

const versionTable = (db: Engine) => db.kysely().withTables<{ segment_versions: VersionRow }>();

function publicForm(saved: SavedSegment & { readonly text?: string }): SavedSegment {
  const { text: _text, ...rest } = saved;
  return rest;
}

/**
 * The definition as JSON text. A value JSON cannot hold (a bigint, a cycle) is checked first, so
 * that its fault is reported at its path; what the checks let through and JSON still refuses is
 * refused with a sentence.
 */
function jsonText(definition: unknown, check: (definition: unknown) => void): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(definition);
  } catch (error) {
    check(definition);
    throw new KumiwakeError('invalid-definition', `the definition is not JSON data: ${(error as Error).message}`);
  }
  if (text === undefined) {
    check(definition);
    throw new KumiwakeError('invalid-definition', 'the definition is not JSON data');
  }
  return text;
}

/** A copy of a definition (as written) whose `segment` conditions naming `from` name `to`. */
function renameReferences(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameReferences(v, from, to));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  // A name written as a number (`segment(2024)`) is that text, as the definition reads it.
  if (object.kind === 'segment' && (typeof object.name === 'string' || typeof object.name === 'number') && String(object.name) === from) return { ...object, name: to };
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, renameReferences(v, from, to)]));
}
