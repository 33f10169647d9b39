/**
 * A set of customers as a bitmap: bit i (byte i >> 3, most significant bit first) is the
 * customer at position i. Combining two sets of a million customers takes well under a
 * millisecond, so a count of kept sets never goes back to the engine.
 */
export class CustomerBitmap {
  private constructor(readonly size: number, readonly bytes: Uint8Array) {}

  /** `bytes` in this layout; bits past `size` are cleared. */
  static of(size: number, bytes: Uint8Array): CustomerBitmap {
    const copy = alloc(Math.ceil(size / 8));
    copy.set(bytes.subarray(0, copy.length));
    const tail = size % 8;
    if (tail !== 0 && copy.length > 0) copy[copy.length - 1]! &= (0xff << (8 - tail)) & 0xff;
    return new CustomerBitmap(size, copy);
  }

  static empty(size: number): CustomerBitmap {
    return new CustomerBitmap(size, alloc(Math.ceil(size / 8)));
  }

  // Word by word: the bytes are allocated in whole 32-bit words (see `alloc`), and bitwise
  // operations do not care about byte order.
  and(other: CustomerBitmap): CustomerBitmap {
    const [a, b, out] = this.words(other);
    for (let i = 0; i < out.length; i++) out[i] = a[i]! & b[i]!;
    return new CustomerBitmap(this.size, new Uint8Array(out.buffer, 0, this.bytes.length));
  }

  or(other: CustomerBitmap): CustomerBitmap {
    const [a, b, out] = this.words(other);
    for (let i = 0; i < out.length; i++) out[i] = a[i]! | b[i]!;
    return new CustomerBitmap(this.size, new Uint8Array(out.buffer, 0, this.bytes.length));
  }

  /** the customers of this set that are not in `other` */
  andNot(other: CustomerBitmap): CustomerBitmap {
    const [a, b, out] = this.words(other);
    for (let i = 0; i < out.length; i++) out[i] = a[i]! & ~b[i]!;
    return new CustomerBitmap(this.size, new Uint8Array(out.buffer, 0, this.bytes.length));
  }

  count(): number {
    const words = wordsOf(this.bytes);
    let n = 0;
    for (let i = 0; i < words.length; i++) {
      let v = words[i]! - ((words[i]! >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  private words(other: CustomerBitmap): [Uint32Array, Uint32Array, Uint32Array] {
    if (other.size !== this.size) throw new Error(`INTERNAL ERROR: customer sets of ${this.size} and ${other.size} positions`);
    const a = wordsOf(this.bytes);
    return [a, wordsOf(other.bytes), new Uint32Array(a.length)];
  }
}

/** Bytes in a buffer of whole words, zero past the end, so they can be read as words. */
function alloc(length: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.ceil(length / 4) * 4), 0, length);
}

function wordsOf(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, Math.ceil(bytes.length / 4));
}
