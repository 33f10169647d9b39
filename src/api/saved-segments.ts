import type { InputNames } from '../input-names.js';
import type { LocalDate } from '../model/dates.js';
import type { SavedSegment, SegmentStore, SegmentVersion } from '../segments/store.js';
import type { SaveSegmentOptions } from './types.js';

/** The workspace's saved segments: kept in the database beside the data they select. */
export class SavedSegments {
  constructor(
    private readonly store: () => Promise<SegmentStore>,
    private readonly today: () => LocalDate,
    private readonly assertWritable: () => void,
  ) {}

  /**
   * Checks the definition (references and cycles included) and saves it. A name already saved is
   * refused (`segment-exists`) unless `force`; the definition it replaces is kept as a previous
   * version (`history`). Saving the definition a name already holds writes nothing (`unchanged`).
   */
  async save(name: string, definition: unknown, options: SaveSegmentOptions = {}): Promise<SavedSegment> {
    this.assertWritable();
    return (await this.store()).save(name, definition, this.today(), { force: options.force === true });
  }

  /** Every version of a saved segment, oldest first; the last is the current one. */
  async history(name: string, names?: InputNames): Promise<SegmentVersion[]> {
    return (await this.store()).history(name, names);
  }

  async list(): Promise<SavedSegment[]> {
    return (await this.store()).list();
  }

  /**
   * The saved segment of that name; a clear fault when there is none (`names`: how the caller
   * lists the saved segments, said in it; default `kumiwake segments list`).
   */
  async show(name: string, names?: InputNames): Promise<SavedSegment> {
    return (await this.store()).require(name, names);
  }

  /** Renames a segment; the saved segments that refer to it follow. */
  async rename(from: string, to: string, names?: InputNames): Promise<SavedSegment> {
    this.assertWritable();
    return (await this.store()).rename(from, to, names);
  }

  /** Deletes a segment no other saved segment refers to. */
  async delete(name: string, names?: InputNames): Promise<void> {
    this.assertWritable();
    await (await this.store()).delete(name, names);
  }
}
