/**
 * The memtable: the newest writes of one table, in memory, until a flush turns them into a
 * segment. Keys map to version chains; a sorted key array is rebuilt lazily for scans.
 *
 * @module
 */

import { compareKeys, sortKeys } from "./key.ts";
import type { Key } from "./value.ts";

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
const VERSION_OVERHEAD = 64;

/** The in-memory, sorted-on-demand write buffer of one table. */
export class Memtable {
  #map = new Map<Key, Version>();
  #sorted: Key[] = [];
  #pending: Key[] = [];
  /** Approximate bytes held. */
  bytes = 0;
  /** Number of versions held. */
  versions = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.#map.size;
  }

  /** Adds a version of `key` (a deletion when `buf` is `null`). */
  put(key: Key, rev: number, buf: Uint8Array | null, off: number, len: number): void {
    const prev = this.#map.get(key);
    if (prev === undefined) this.#pending.push(key);
    this.#map.set(key, { rev, buf, off, len, prev });
    this.bytes += len + VERSION_OVERHEAD;
    this.versions++;
  }

  /** The newest version of `key`, linked to older ones. */
  get(key: Key): Version | undefined {
    return this.#map.get(key);
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
