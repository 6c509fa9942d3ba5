/**
 * A byte-bounded LRU cache of checked data blocks, shared by all segments of a datastore.
 * Entries are keyed by a number made of the segment's id and the block number.
 *
 * @module
 */

const BLOCKS_PER_FILE = 2 ** 24;

/** Least-recently-used cache of blocks keyed by file id and block number. */
export class BlockCache {
  #capacity: number;
  #bytes = 0;
  #map = new Map<number, Uint8Array>();
  /**
   * Walks the map oldest first across calls. A Map keeps the slots of deleted entries until it
   * is rehashed, so a fresh iterator per eviction would step over every block deleted since then;
   * this one steps over each slot once (entries added later are still visited, in order).
   */
  #oldest: Iterator<[number, Uint8Array]> | undefined;

  /** Blocks that missed once lately (their ids), oldest first, at most `#missLimit`. */
  #missed = new Set<number>();
  #missLimit: number;
  #oldestMiss: Iterator<number> | undefined;

  /** @param capacity Bytes to hold at most. */
  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#missLimit = Math.max(64, capacity >>> 12);
  }

  /** Bytes it may hold. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  get(file: number, block: number): Uint8Array | undefined {
    const id = file * BLOCKS_PER_FILE + block;
    const hit = this.#map.get(id);
    if (hit !== undefined) {
      this.#map.delete(id);
      this.#map.set(id, hit);
    }
    return hit;
  }

  set(file: number, block: number, bytes: Uint8Array): void {
    if (bytes.length > this.#capacity) return;
    const id = file * BLOCKS_PER_FILE + block;
    const old = this.#map.get(id);
    if (old !== undefined) {
      this.#bytes -= old.length;
      this.#map.delete(id);
    }
    this.#map.set(id, bytes);
    this.#bytes += bytes.length;
    while (this.#bytes > this.#capacity) {
      this.#oldest ??= this.#map.entries();
      const next = this.#oldest.next();
      if (next.done) {
        this.#oldest = undefined;
        continue;
      }
      const [k, v] = next.value;
      this.#map.delete(k);
      this.#bytes -= v.length;
    }
  }

  /**
   * Whether block `block` of file `file` missed the cache lately (as many misses back as the
   * cache holds blocks); records this miss otherwise. A point read caches a block only on its
   * second miss, so one-off reads do not evict blocks that are read again.
   */
  missedBefore(file: number, block: number): boolean {
    const id = file * BLOCKS_PER_FILE + block;
    if (this.#missed.delete(id)) return true;
    this.#missed.add(id);
    if (this.#missed.size > this.#missLimit) {
      this.#oldestMiss ??= this.#missed.values();
      let next = this.#oldestMiss.next();
      if (next.done) {
        this.#oldestMiss = this.#missed.values();
        next = this.#oldestMiss.next();
      }
      this.#missed.delete(next.value);
    }
    return false;
  }

  /** Drops every block of file `file`. */
  evictFile(file: number): void {
    const lo = file * BLOCKS_PER_FILE, hi = lo + BLOCKS_PER_FILE;
    for (const [k, v] of this.#map) {
      if (k >= lo && k < hi) {
        this.#map.delete(k);
        this.#bytes -= v.length;
      }
    }
  }
}
