/**
 * A Bloom filter over a segment's keys, so a point read skips segments that cannot hold the key.
 * Ten bits per key and seven probes: about 1% false positives.
 *
 * @module
 */

import type { Key } from "./_value.ts";

const BITS_PER_KEY = 10;
const PROBES = 7;
const ENCODER = new TextEncoder();

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// The two hashes of the last key hashed: a point read probes every segment's filter with the
// same key, so it is hashed once. Plain variables, so a probe allocates nothing.
let lastKey: Key | undefined;
let lastH1 = 0;
let lastH2 = 0;

/** Sets `lastH1`/`lastH2` to two independent 32-bit hashes of `key`, for double hashing. */
function hashKey(key: Key): void {
  if (key === lastKey) return;
  let h1: number;
  if (typeof key === "number") {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    h1 = mix(lo ^ mix(hi ^ 0x9e3779b9));
  } else {
    const bytes = typeof key === "string" ? ENCODER.encode(key) : ENCODER.encode(`${key}n`);
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h1 = mix(h);
  }
  lastKey = key;
  lastH1 = h1;
  lastH2 = mix(h1 ^ 0x7feb352d) | 1;
}

/** Builds the filter bits for a set of keys. */
export function buildBloom(keys: Iterable<Key>, count: number): Uint8Array {
  const nbits = Math.max(64, count * BITS_PER_KEY);
  const bits = new Uint8Array(Math.ceil(nbits / 8));
  const m = bits.length * 8;
  for (const key of keys) {
    hashKey(key);
    let h = lastH1;
    for (let i = 0; i < PROBES; i++) {
      const bit = h % m;
      bits[bit >>> 3] |= 1 << (bit & 7);
      h = (h + lastH2) >>> 0;
    }
  }
  return bits;
}

/** Whether `key` may be in the set the filter was built from (`false` means surely not). */
export function bloomMayContain(bits: Uint8Array, key: Key): boolean {
  if (bits.length === 0) return true;
  const m = bits.length * 8;
  hashKey(key);
  let h = lastH1;
  const h2 = lastH2;
  for (let i = 0; i < PROBES; i++) {
    const bit = h % m;
    if ((bits[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
    h = (h + h2) >>> 0;
  }
  return true;
}
