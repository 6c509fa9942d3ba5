/**
 * A segment's block index: where each block is and its last key, kept in index pages (format 3)
 * or whole in the meta block (formats 1 and 2), and the search that finds a key's block. See
 * FORMAT.md "Segment".
 *
 * @module
 */

import { ByteReader } from "./_bytes.ts";
import { decodeValue } from "./_codec.ts";
import { compareKeys } from "./_key.ts";
import type { Key } from "./_value.ts";

/** A stretch of the block index: where blocks `[first, first + offsets.length)` are. */
export interface IndexPage {
  first: number;
  offsets: Float64Array;
  lengths: Uint32Array;
  /** Last key of each block (a Float64Array when every key is a safe integer). */
  lastKeys: ArrayLike<Key>;
}

/** `n` rounded up to a multiple of 8. */
export function align8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

/** `n` last keys from `r` at `at`: f64 views when packed, else tagged values. */
export function readLastKeys(
  r: ByteReader,
  at: number,
  n: number,
  packed: boolean,
): ArrayLike<Key> {
  if (packed) return new Float64Array(r.buf.buffer, r.buf.byteOffset + at, n);
  const keys = new Array<Key>(n);
  r.pos = at;
  for (let i = 0; i < n; i++) keys[i] = decodeValue(r) as Key;
  return keys;
}

/**
 * A block index stretch at `at` in `bytes` (8-aligned): `count` f64 offsets, `count` u32
 * lengths, then (8-aligned) `count` last keys.
 */
export function parseIndexPage(
  bytes: Uint8Array,
  at: number,
  { first, count, packed }: { first: number; count: number; packed: boolean },
): IndexPage {
  const base = bytes.byteOffset + at;
  return {
    first,
    offsets: new Float64Array(bytes.buffer, base, count),
    lengths: new Uint32Array(bytes.buffer, base + 8 * count, count),
    lastKeys: readLastKeys(new ByteReader(bytes), align8(at + 12 * count), count, packed),
  };
}

/** Index of the first of `keys` (ascending) that is `>= key`, or `keys.length`. */
export function lowerBound(keys: ArrayLike<Key>, key: Key): number {
  let lo = 0, hi = keys.length;
  if (typeof key === "number" && keys instanceof Float64Array) {
    // Packed int keys: compare numbers directly (what compareKeys does for two numbers).
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
