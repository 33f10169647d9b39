import type { Database } from '../db/database.js';
import { kyselyFor } from '../db/kysely.js';
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

const NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,99}$/u;

/** Saved segments, kept in the database beside the data they select. */
export class SegmentStore {
  private constructor(private readonly db: Database, private readonly byName: Map<string, SavedSegment>) {}

  static async load(db: Database): Promise<SegmentStore> {
    const rows = await kyselyFor(db).selectFrom('segments').selectAll().orderBy('name').execute();
    const byName = new Map<string, SavedSegment>();
    for (const row of rows) {
      byName.set(row.name, { name: row.name, definition: JSON.parse(row.definition) as SegmentDefinition, savedAt: String(row.saved_at) });
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
    const valid = validateDefinition(definition, { asOf, lookupSegment: lookup, segmentChain: [name] });
    const savedAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await kyselyFor(this.db)
      .insertInto('segments')
      .values({ name, definition: JSON.stringify(valid), saved_at: savedAt })
      .onConflict((oc) => oc.column('name').doUpdateSet({ definition: JSON.stringify(valid), saved_at: savedAt }))
      .execute();
    const saved = { name, definition: valid, savedAt };
    this.byName.set(name, saved);
    return saved;
  }

  /** Deletes a segment no other saved segment refers to. */
  async delete(name: string): Promise<void> {
    this.require(name);
    const users = this.list().filter((s) => s.name !== name && referencedSegments(s.definition.where).includes(name));
    if (users.length > 0) {
      throw new KumiwakeError('segment-in-use', `segment "${name}" is used by ${users.map((u) => `"${u.name}"`).join(', ')}; change those first`);
    }
    await kyselyFor(this.db).deleteFrom('segments').where('name', '=', name).execute();
    this.byName.delete(name);
  }
}
