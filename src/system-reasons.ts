/**
 * The system's refusals (errno codes) as the words a sentence about a file gives, so that a user
 * reads "permission denied", not EACCES. Shared by what reads files (definitions, job files) and
 * what writes them (exports: src/export/target.ts).
 */
const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'the system does not permit it',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way of a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EIO: 'an input/output error of the device',
  EFBIG: 'the file is too large for the file system',
  EMFILE: 'too many open files',
};

/**
 * The system's refusal (an errno error) in words, its code after them (`permission denied
 * (EACCES)`), `missing` saying what ENOENT means where it happened; undefined for other errors.
 */
export function systemReason(error: unknown, missing: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return `${code === 'ENOENT' ? missing : SYSTEM_REASONS[code] ?? 'the system refused'} (${code})`;
}

/** Why a file could not be read, in words, the system's code after them: `no such file (ENOENT)`. */
export const readReason = (error: unknown): string => systemReason(error, 'no such file') ?? (error as Error).message;
