import { statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KumiwakeError } from '../errors.js';
import { shownPath } from './formats.js';
import { systemReason } from '../system-reasons.js';

// The place an export writes to, checked before anything is created there, and the system's
// refusals turned into sentences that name the file asked for (never a temp file's name).

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The system's refusal (an errno error) to create or write `target` as a sentence naming it; other errors: undefined. */
export function writeFault(target: string, error: unknown, exitCode: 1 | 2 = 2): KumiwakeError | undefined {
  const reason = systemReason(error, 'that folder does not accept new files');
  return reason === undefined ? undefined : new KumiwakeError('export-unwritable', `cannot write ${shownPath(target)}: ${reason}`, exitCode);
}

const refused = (message: string) => new KumiwakeError('export-target', message, 2);

function statOf(path: string, target: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw writeFault(target, e) ?? e;
  }
}

/**
 * Refuses, before any folder or file is created, a target that is not a regular file or cannot
 * become one: a folder, a device node, a FIFO or a socket (a rename would replace it), or a path
 * under something that is not a folder. Symbolic links are followed: a link to /dev/null is refused.
 */
export function checkTarget(target: string): void {
  const path = resolve(target);
  const shown = shownPath(target);
  const stats = statOf(path, target);
  if (stats?.isDirectory()) throw refused(`${shown}: is a folder, not a file; give a file name inside it, such as ${join(target, 'list.csv')}`);
  if (stats && !stats.isFile()) throw refused(`${shown}: is ${kindOf(stats)}, not a regular file; an export writes (and replaces) regular files only`);
  if (stats) return;
  // The first part of the path that exists must be a folder (the rest is created).
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const found = statOf(dir, target);
    if (found && !found.isDirectory()) throw refused(`${shown}: ${shownPath(dir)} is ${found.isFile() ? 'a file' : kindOf(found)}, not a folder`);
    if (found || dirname(dir) === dir) return;
  }
}
