/**
 * A byte-bounded LRU cache of checked data blocks, shared by all segments of a datastore.
 *
 * @module
 */

/** Least-recently-used cache of blocks keyed by file and block number. */
export class BlockCache {
  #capacity: number;
  #bytes = 0;
  #map = new Map<string, Uint8Array>();

  /** @param capacity Bytes to hold at most. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  get(file: string, block: number): Uint8Array | undefined {
    const id = `${file}#${block}`;
    const hit = this.#map.get(id);
    if (hit !== undefined) {
      this.#map.delete(id);
      this.#map.set(id, hit);
    }
    return hit;
  }

  set(file: string, block: number, bytes: Uint8Array): void {
    if (bytes.length > this.#capacity) return;
    const id = `${file}#${block}`;
    const old = this.#map.get(id);
    if (old !== undefined) {
      this.#bytes -= old.length;
      this.#map.delete(id);
    }
    this.#map.set(id, bytes);
    this.#bytes += bytes.length;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.#capacity) break;
      this.#map.delete(k);
      this.#bytes -= v.length;
    }
  }

  /** Drops every block of `file`. */
  evictFile(file: string): void {
    const prefix = `${file}#`;
    for (const [k, v] of this.#map) {
      if (k.startsWith(prefix)) {
        this.#map.delete(k);
        this.#bytes -= v.length;
      }
    }
  }
}
