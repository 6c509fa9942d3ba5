/**
 * Growable byte writer and cursor reader: varints, fixed-width numbers and UTF-8 strings, the
 * primitives every on-disk structure is built from (see FORMAT.md).
 *
 * @module
 */

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8", { fatal: true });

/** Appends bytes to a buffer that grows as needed. */
export class ByteWriter {
  /** The buffer; valid bytes are `[0, length)`. */
  buf: Uint8Array;
  /** Number of bytes written. */
  length = 0;
  #view: DataView;

  /** @param capacity Initial capacity in bytes. */
  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
    this.#view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** The written bytes (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets everything written, keeping the buffer. */
  reset(): void {
    this.length = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.length, v, true);
    this.length += 4;
  }

  /** Overwrites a u32 at an earlier position. */
  u32At(pos: number, v: number): void {
    this.#view.setUint32(pos, v, true);
  }

  f64(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  f32(v: number): void {
    this.ensure(4);
    this.#view.setFloat32(this.length, v, true);
    this.length += 4;
  }

  u16(v: number): void {
    this.ensure(2);
    this.#view.setUint16(this.length, v, true);
    this.length += 2;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.#view.setBigInt64(this.length, v, true);
    this.length += 8;
  }

  /** Unsigned LEB128 for integers in [0, 2^53). */
  varint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    let pos = this.length;
    while (v >= 0x80) {
      buf[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[pos++] = v;
    this.length = pos;
  }

  /**
   * Zig-zag signed varint, exact for every safe integer. `2|v| - 1` can pass 2^53, so the low
   * group (sign bit and six magnitude bits) is written apart from the rest.
   */
  zigzag(v: number): void {
    const negative = v < 0;
    const mag = negative ? -v - 1 : v;
    const low = (mag % 0x40) * 2 + (negative ? 1 : 0);
    if (mag < 0x40) return this.u8(low);
    this.u8(low | 0x80);
    this.varint(Math.floor(mag / 0x40));
  }

  /** Length-prefixed UTF-8. */
  string(s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 8);
    // ASCII fast path: one byte per char, length known up front.
    let ascii = n < 128;
    if (ascii) {
      const buf = this.buf;
      let pos = this.length + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        buf[pos++] = c;
      }
      if (ascii) {
        buf[this.length] = n;
        this.length = pos;
        return;
      }
    }
    const encoded = ENCODER.encode(s);
    this.varint(encoded.length);
    this.raw(encoded);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
}

// Scratch space to reinterpret bytes as numbers without a DataView per reader.
const SCRATCH = new ArrayBuffer(8);
const SCRATCH_BYTES = new Uint8Array(SCRATCH);
const SCRATCH_F64 = new Float64Array(SCRATCH);
const SCRATCH_F32 = new Float32Array(SCRATCH);
const SCRATCH_I64 = new BigInt64Array(SCRATCH);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const ASCII_MAX = 96;
/**
 * One array of char codes per length up to `ASCII_MAX`: `String.fromCharCode.apply` over an array
 * of exactly the string's length, allocated once and kept packed, is the cheapest way to make a
 * short string in V8 (about twice as fast as resizing one shared array).
 */
const ASCII_CHARS: number[][] = Array.from(
  { length: ASCII_MAX + 1 },
  (_, n) => new Array<number>(n).fill(0),
);

/** Reads primitives from a byte array at a moving position. */
export class ByteReader {
  /** The bytes. */
  readonly buf: Uint8Array;
  /** Current position. */
  pos: number;
  /** End of the readable region. */
  readonly end: number;

  /**
   * @param buf The bytes.
   * @param start First readable byte.
   * @param end One past the last readable byte.
   */
  constructor(buf: Uint8Array, start = 0, end: number = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) {
      throw new RangeError(`truncated data: need ${n} bytes at offset ${this.pos}`);
    }
  }

  #scratch(n: number): void {
    this.#need(n);
    const b = this.buf, p = this.pos;
    if (LITTLE_ENDIAN) { for (let i = 0; i < n; i++) SCRATCH_BYTES[i] = b[p + i]; }
    else for (let i = 0; i < n; i++) SCRATCH_BYTES[n - 1 - i] = b[p + i];
    this.pos = p + n;
  }

  u8(): number {
    if (this.pos >= this.end) this.#need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.#need(2);
    const b = this.buf, p = this.pos;
    this.pos = p + 2;
    return b[p] | (b[p + 1] << 8);
  }

  u32(): number {
    this.#need(4);
    const b = this.buf, p = this.pos;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  f32(): number {
    this.#scratch(4);
    return SCRATCH_F32[0];
  }

  f64(): number {
    this.#scratch(8);
    return SCRATCH_F64[0];
  }

  i64(): bigint {
    this.#scratch(8);
    return SCRATCH_I64[0];
  }

  varint(): number {
    const buf = this.buf;
    if (this.pos >= this.end) throw new RangeError(`truncated varint at offset ${this.pos}`);
    let b = buf[this.pos++];
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 8; i++) {
      if (this.pos >= this.end) throw new RangeError(`truncated varint at offset ${this.pos}`);
      b = buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new RangeError(`varint too long at offset ${this.pos}`);
  }

  zigzag(): number {
    const b = this.u8();
    let mag = (b & 0x7f) >>> 1;
    if (b >= 0x80) mag += this.varint() * 0x40;
    return b & 1 ? -mag - 1 : mag;
  }

  string(): string {
    const n = this.varint();
    this.#need(n);
    const buf = this.buf;
    const start = this.pos;
    const stop = start + n;
    this.pos = stop;
    if (n <= ASCII_MAX) {
      // Short ASCII strings: cheaper in JS than a call into the native decoder.
      const chars = ASCII_CHARS[n];
      let i = start;
      for (; i < stop; i++) {
        const c = buf[i];
        if (c >= 0x80) break;
        chars[i - start] = c;
      }
      if (i === stop) return String.fromCharCode.apply(null, chars);
    }
    return DECODER.decode(buf.subarray(start, stop));
  }

  raw(n: number): Uint8Array {
    this.#need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
