/**
 * The memtable: the newest writes of one table, in memory, until a flush turns them into a
 * segment. Keys map to version chains; a sorted key array is rebuilt lazily for scans.
 *
 * @module
 */

import { compareKeys, sortKeys } from "./_key.ts";
import type { VersionBytes } from "./_segment_writer.ts";
import type { Key } from "./_value.ts";

/**
 * One write of one key: the encoded columns (`buf[off, off + len)`), or a deletion when `buf`
 * is `null`. `prev` links to the previous version of the key in the same source.
 */
export interface Version {
  rev: number;
  buf: Uint8Array | null;
  off: number;
  len: number;
  prev: Version | undefined;
}

/** Per-version bookkeeping overhead counted against the flush threshold. */
const VERSION_OVERHEAD = 48;

/**
 * The in-memory, sorted-on-demand write buffer of one table. Versions live in parallel typed
 * arrays (no object per write, which keeps the garbage collector out of the write path); read
 * paths get `Version` objects built on demand.
 */
export class Memtable {
  #map = new Map<Key, number>();
  #sorted: Key[] = [];
  #pending: Key[] = [];
  #bufs: (Uint8Array | null)[] = [];
  #bufIds = new Map<Uint8Array, number>();
  #rev = new Float64Array(1024);
  #buf = new Int32Array(1024);
  #off = new Int32Array(1024);
  #len = new Int32Array(1024);
  #prev = new Int32Array(1024);
  /** Approximate bytes held. */
  bytes = 0;
  /** Number of versions held. */
  versions = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.#map.size;
  }

  #grow(): void {
    const cap = this.#rev.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#rev = grow(this.#rev, (n) => new Float64Array(n));
    this.#buf = grow(this.#buf, (n) => new Int32Array(n));
    this.#off = grow(this.#off, (n) => new Int32Array(n));
    this.#len = grow(this.#len, (n) => new Int32Array(n));
    this.#prev = grow(this.#prev, (n) => new Int32Array(n));
  }

  /** Adds a version of `key` (a deletion when `buf` is `null`). */
  put(key: Key, rev: number, buf: Uint8Array | null, off: number, len: number): void {
    const i = this.versions++;
    if (i === this.#rev.length) this.#grow();
    let b = -1;
    if (buf !== null) {
      const known = this.#bufIds.get(buf);
      if (known === undefined) {
        b = this.#bufs.length;
        this.#bufs.push(buf);
        this.#bufIds.set(buf, b);
      } else b = known;
    }
    const prev = this.#map.get(key);
    if (prev === undefined) this.#pending.push(key);
    this.#rev[i] = rev;
    this.#buf[i] = b;
    this.#off[i] = off;
    this.#len[i] = len;
    this.#prev[i] = prev ?? -1;
    this.#map.set(key, i);
    this.bytes += len + VERSION_OVERHEAD;
  }

  /** The newest version of `key`, linked to older ones. */
  get(key: Key): Version | undefined {
    const i = this.#map.get(key);
    return i === undefined ? undefined : this.#version(i);
  }

  #version(i: number): Version {
    const p = this.#prev[i];
    const b = this.#buf[i];
    return {
      rev: this.#rev[i],
      buf: b < 0 ? null : this.#bufs[b],
      off: this.#off[i],
      len: this.#len[i],
      prev: p < 0 ? undefined : this.#version(p),
    };
  }

  /**
   * Fills `out` with the versions of `key`, newest first, reusing its objects; returns the count.
   */
  collect(key: Key, out: VersionBytes[]): number {
    let n = 0;
    for (let i = this.#map.get(key) ?? -1; i >= 0; i = this.#prev[i]) {
      const b = this.#buf[i];
      const v = out[n] ??= { rev: 0, buf: null, off: 0, len: 0 };
      v.rev = this.#rev[i];
      v.buf = b < 0 ? null : this.#bufs[b];
      v.off = this.#off[i];
      v.len = this.#len[i];
      n++;
    }
    return n;
  }

  /**
   * The keys in order. The returned array is never modified afterwards, so a scan may keep
   * iterating it while writes go on.
   */
  sortedKeys(): Key[] {
    if (this.#pending.length > 0) {
      const fresh = sortKeys(this.#pending);
      this.#pending = [];
      this.#sorted = this.#sorted.length === 0 ? fresh : mergeSorted(this.#sorted, fresh);
    }
    return this.#sorted;
  }
}

function mergeSorted(a: Key[], b: Key[]): Key[] {
  const out = new Array<Key>(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) out[k++] = compareKeys(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Index of the first key `>= key` (or `> key` when `after`). */
export function lowerBound(keys: Key[], key: Key, after: boolean): number {
  let lo = 0, hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid], key);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
