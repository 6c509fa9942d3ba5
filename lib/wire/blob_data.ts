/**
 * The data of a model package's files in their blobs: as they are, or LZ4-compressed as
 * Starwhale's Python client writes them (chunks of at most 64 KiB, each a 2-byte big-endian length
 * and an LZ4 block in the raw block format).
 *
 * @module
 */
import { COMPRESSION } from "./model_package.ts";

/**
 * Decompresses one LZ4 block (the raw block format, no frame).
 *
 * @param src The block.
 * @param maxSize The largest output allowed.
 * @returns The bytes.
 * @throws {SyntaxError} On a damaged block.
 */
export function lz4DecompressBlock(src: Uint8Array, maxSize = 1 << 20): Uint8Array {
  const out = new Uint8Array(maxSize);
  let i = 0, o = 0;
  const bad = () => new SyntaxError("Damaged LZ4 block");
  while (i < src.length) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (i >= src.length) throw bad();
        b = src[i++];
        lit += b;
      } while (b === 255);
    }
    if (i + lit > src.length || o + lit > maxSize) throw bad();
    out.set(src.subarray(i, i + lit), o);
    i += lit, o += lit;
    if (i >= src.length) break;
    if (i + 2 > src.length) throw bad();
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > o) throw bad();
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= src.length) throw bad();
        b = src[i++];
        len += b;
      } while (b === 255);
    }
    if (o + len > maxSize) throw bad();
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset];
  }
  return out.slice(0, o);
}

/**
 * A file's bytes from its data in a blob: as they are, or (LZ4) a sequence of chunks, each a
 * 2-byte big-endian length and an LZ4 block of at most 64 KiB.
 *
 * @param data The file's slice of its blob(s).
 * @param compression `COMPRESSION`.
 * @returns The bytes.
 * @throws {SyntaxError} On damaged data or an unknown compression.
 */
export function unpackBlobData(data: Uint8Array, compression: number): Uint8Array {
  if (compression === COMPRESSION.NONE) return data;
  if (compression !== COMPRESSION.LZ4) {
    throw new SyntaxError(`Unknown compression algorithm ${compression}`);
  }
  const parts: Uint8Array[] = [];
  let i = 0, total = 0;
  while (i < data.length) {
    if (i + 2 > data.length) throw new SyntaxError("Damaged LZ4 chunk header");
    const size = (data[i] << 8) | data[i + 1];
    i += 2;
    if (i + size > data.length) throw new SyntaxError("Truncated LZ4 chunk");
    const part = lz4DecompressBlock(data.subarray(i, i + size), 64 * 1024);
    parts.push(part);
    total += part.length;
    i += size;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}
