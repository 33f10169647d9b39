import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import type { LocalDate } from '../model/dates.js';
import type { SegmentDefinition } from '../model/definition.js';
import { validateDefinition } from '../model/validate.js';
import { referencedSegments } from '../model/walk.js';

export interface SavedSegment {
  readonly name: string;
  readonly definition: SegmentDefinition;
  readonly savedAt: string;
}

/** UTC `YYYY-MM-DD HH:MM:SS.mmm`, as `save` writes it; DuckDB reads the TIMESTAMP back as a Date. */
const utcText = (value: string | Date) => (value instanceof Date ? value.toISOString().replace('T', ' ').replace('Z', '') : value);

const NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,99}$/u;

/** Saved segments, kept in the database beside the data they select. */
export class SegmentStore {
  private constructor(private readonly db: Engine, private readonly byName: Map<string, SavedSegment>) {}

  static async load(db: Engine): Promise<SegmentStore> {
    const rows = await db.kysely().selectFrom('segments').selectAll().orderBy('name').execute();
    const byName = new Map<string, SavedSegment>();
    for (const row of rows) {
      byName.set(row.name, { name: row.name, definition: JSON.parse(row.definition) as SegmentDefinition, savedAt: utcText(row.saved_at) });
    }
    return new SegmentStore(db, byName);
  }

  list(): SavedSegment[] {
    return [...this.byName.values()];
  }

  get(name: string): SavedSegment | undefined {
    return this.byName.get(name);
  }

  /** For the planner and the validator: the definition saved under a name. */
  readonly lookup = (name: string): SegmentDefinition | undefined => this.byName.get(name)?.definition;

  require(name: string): SavedSegment {
    const saved = this.byName.get(name);
    if (!saved) throw new KumiwakeError('segment-unknown', `there is no saved segment "${name}" (see kumiwake segments list)`);
    return saved;
  }

  /** Validates (references and cycles included) and saves, replacing a segment of the same name. */
  async save(name: string, definition: unknown, asOf: LocalDate): Promise<SavedSegment> {
    if (!NAME.test(name)) throw new KumiwakeError('segment-name', `"${name}" is not a usable segment name (letters, digits, _ . -; at most 100)`);
    const lookup = (n: string) => (n === name ? definition : this.lookup(n));
    validateDefinition(definition, { asOf, lookupSegment: lookup, segmentChain: [name] });
    // Saved as the user wrote it: the parsed form is the planner's, and may change between versions.
    const written = definition as SegmentDefinition;
    const savedAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await this.db.kysely()
      .insertInto('segments')
      .values({ name, definition: JSON.stringify(written), saved_at: savedAt })
      .onConflict((oc) => oc.column('name').doUpdateSet({ definition: JSON.stringify(written), saved_at: savedAt }))
      .execute();
    const saved = { name, definition: written, savedAt };
    this.byName.set(name, saved);
    return saved;
  }

  /**
   * Renames a segment. The saved segments that refer to it are rewritten to the new name in the
   * same transaction, so no reference is left dangling.
   */
  async rename(from: string, to: string): Promise<SavedSegment> {
    const saved = this.require(from);
    if (!NAME.test(to)) throw new KumiwakeError('segment-name', `"${to}" is not a usable segment name (letters, digits, _ . -; at most 100)`);
    if (this.byName.has(to)) throw new KumiwakeError('segment-exists', `there is already a saved segment "${to}"; delete or rename it first`);
    const users = this.list().filter((s) => s.name !== from && referencedSegments(s.definition.where).includes(from));
    const rewritten = users.map((u) => ({ ...u, definition: renameReferences(u.definition, from, to) as SegmentDefinition }));
    const k = this.db.kysely();
    await this.db.transaction(async () => {
      await k.updateTable('segments').set({ name: to }).where('name', '=', from).execute();
      for (const user of rewritten) await k.updateTable('segments').set({ definition: JSON.stringify(user.definition) }).where('name', '=', user.name).execute();
    });
    const renamed = { ...saved, name: to };
    this.byName.delete(from);
    this.byName.set(to, renamed);
    for (const user of rewritten) this.byName.set(user.name, user);
    return renamed;
  }

  /** Deletes a segment no other saved segment refers to. */
  async delete(name: string): Promise<void> {
    this.require(name);
    const users = this.list().filter((s) => s.name !== name && referencedSegments(s.definition.where).includes(name));
    if (users.length > 0) {
      throw new KumiwakeError('segment-in-use', `segment "${name}" is used by ${users.map((u) => `"${u.name}"`).join(', ')}; change those first`);
    }
    await this.db.kysely().deleteFrom('segments').where('name', '=', name).execute();
    this.byName.delete(name);
  }
}

/** A copy of a definition (as written) whose `segment` conditions naming `from` name `to`. */
function renameReferences(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameReferences(v, from, to));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  if (object.kind === 'segment' && object.name === from) return { ...object, name: to };
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, renameReferences(v, from, to)]));
}
