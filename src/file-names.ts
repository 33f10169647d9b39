/** The most a file name may take on common file systems (ext4, APFS, NTFS: 255 bytes of UTF-8). */
export const NAME_MAX_BYTES = 255;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** An extension kept whole when a name is cut (`.csv`, `.xlsx`): a short tail after the last dot. */
const EXTENSION = /\.[^.]{1,16}$/u;

/**
 * A file name of at most `maxBytes` UTF-8 bytes: a Japanese character is 3 bytes, so a name of
 * 90 characters may be 270. The name is cut at a whole character (a grapheme: a letter and its
 * marks stay together), its extension kept.
 */
export function fitFileName(name: string, maxBytes = NAME_MAX_BYTES): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  let bytes = Buffer.byteLength(extension);
  let stem = '';
  for (const { segment } of graphemes.segment(name.slice(0, name.length - extension.length))) {
    bytes += Buffer.byteLength(segment);
    if (bytes > maxBytes) break;
    stem += segment;
  }
  return stem + extension;
}
