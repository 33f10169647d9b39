import { writeFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import { AtomicFile } from '../export/atomic-file.js';
import { writeFault } from '../export/target.js';
import type { Logger } from '../logger.js';
import type { LocalDate } from '../model/dates.js';
import { overlapCsv, overlapSegments, type OverlapResult } from '../segments/overlap.js';
import type { SegmentStore } from '../segments/store.js';
import type { EvaluateOptions } from './types.js';

export interface OverlapOptions extends Pick<EvaluateOptions, 'asOf'> {
  /** also write the matrix to this CSV file (UTF-8 with a BOM, for Excel); it appears whole or not at all */
  readonly out?: string;
}

export interface OverlapFileResult extends OverlapResult {
  /** the CSV file written, when `out` was given */
  readonly file?: { readonly path: string; readonly bytes: number };
}

const BOM = '\uFEFF';

/** Writes text to a file atomically (a temp file beside it, renamed over it); a refusal names the file. */
function writeTextFile(path: string, text: string, log: Logger): { path: string; bytes: number } {
  const file = AtomicFile.create(path, log);
  try {
    const bytes = Buffer.from(text, 'utf8');
    writeFileSync(file.tempPath, bytes);
    file.commit();
    return { path: file.target, bytes: bytes.length };
  } catch (error) {
    file.abort();
    throw writeFault(path, error) ?? error;
  }
}

/** `Workspace.overlap`: the matrix, and its CSV file when asked for. */
export async function overlap(db: Engine, store: SegmentStore, names: readonly string[], asOf: LocalDate, options: OverlapOptions, log: Logger): Promise<OverlapFileResult> {
  const result = await overlapSegments(db, names, store, asOf);
  if (options.out === undefined) return result;
  return { ...result, file: writeTextFile(options.out, BOM + overlapCsv(result), log) };
}
