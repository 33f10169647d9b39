/**
 * CP932 (Windows Shift_JIS) to UTF-8, byte to byte.
 *
 * Node's TextDecoder("shift_jis") goes through a JS string (UTF-16) and back to UTF-8 bytes:
 * two conversions and a 200 MB string for a 200 MB file. Here every character's UTF-8 bytes are
 * looked up in a table built once from that same decoder, so the characters are the decoder's own,
 * with one deliberate difference: ASCII bytes are copied as they are (ICU's converter turns the
 * control bytes 0x1A, 0x1C and 0x7F into one another; the WHATWG Encoding Standard does not).
 * As with the decoder, a lead byte followed by a byte that cannot end it gives U+FFFD, and the
 * second byte is then read again on its own when the decoder does so (always for an ASCII byte).
 */

/** Four bytes per entry: byte 0 is the UTF-8 length (bit 7 set when the second byte is used), then up to three UTF-8 bytes. */
export interface Cp932Tables {
  /** by byte: length 0 marks a lead byte */
  readonly single: Uint8Array;
  /** by (lead << 8 | second byte) */
  readonly pair: Uint8Array;
}

const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

export function buildCp932Tables(): Cp932Tables {
  const decoder = new TextDecoder('shift_jis');
  const single = new Uint8Array(256 * 4);
  const pair = new Uint8Array(65536 * 4);
  for (let byte = 0; byte < 256; byte++) {
    const alone = decoder.decode(Uint8Array.of(byte));
    // A lead byte swallows the ASCII "A" after it (or turns into U+FFFD and leaves it).
    const isLead = byte >= 0x80 && decoder.decode(Uint8Array.of(byte, 0x41)) !== `${alone}A`;
    if (!isLead) {
      const utf8 = byte < 0x80 ? Uint8Array.of(byte) : Buffer.from(alone, 'utf8');
      if (utf8.length > 3) throw new Error(`CP932 byte ${byte} decodes to more than 3 UTF-8 bytes`);
      single[byte * 4] = utf8.length;
      single.set(utf8, byte * 4 + 1);
      continue;
    }
    for (let second = 0; second < 256; second++) {
      const text = decoder.decode(Uint8Array.of(byte, second));
      const usesSecond = !(text.length === 2 && text[0] === '\uFFFD');
      const utf8 = usesSecond ? Buffer.from(text, 'utf8') : REPLACEMENT;
      if (utf8.length > 3) throw new Error(`CP932 bytes ${byte} ${second} decode to more than 3 UTF-8 bytes`);
      const at = ((byte << 8) | second) * 4;
      pair[at] = utf8.length | (usesSecond ? 0x80 : 0);
      pair.set(utf8, at + 1);
    }
  }
  return { single, pair };
}

/**
 * Converts one piece of a CP932 file that does not end inside a character (cut after a 0x0A,
 * which is never part of one); a lead byte at the very end becomes U+FFFD. The UTF-8 is written
 * into `out` (reused by the caller; three times the source's length, the most a CP932 byte can
 * become) and the part written is returned. Self-contained, without references outside its body:
 * the decoding workers run its source text.
 */
export function cp932ToUtf8(source: Uint8Array, tables: Cp932Tables, out = new Uint8Array(source.length * 3)): Uint8Array {
  const { single, pair } = tables;
  if (out.length < source.length * 3) throw new RangeError('cp932ToUtf8: the output buffer is too small');
  const end = source.length;
  let o = 0;
  let i = 0;
  while (i < end) {
    const byte = source[i]!;
    if (byte < 0x80) {
      out[o++] = byte;
      i++;
      continue;
    }
    const s = byte << 2;
    const length = single[s]!;
    if (length !== 0) {
      out[o] = single[s + 1]!;
      out[o + 1] = single[s + 2]!;
      out[o + 2] = single[s + 3]!;
      o += length;
      i++;
      continue;
    }
    if (i + 1 === end) {
      out[o] = 0xef;
      out[o + 1] = 0xbf;
      out[o + 2] = 0xbd;
      o += 3;
      i++;
      continue;
    }
    const p = (byte << 10) | (source[i + 1]! << 2);
    const entry = pair[p]!;
    out[o] = pair[p + 1]!;
    out[o + 1] = pair[p + 2]!;
    out[o + 2] = pair[p + 3]!;
    o += entry & 7;
    i += 1 + (entry >> 7);
  }
  return out.subarray(0, o);
}
