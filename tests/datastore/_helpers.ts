/**
 * Shared test helpers for the datastore tests: temporary directories, a seeded random number
 * generator and the reference ordering of keys.
 *
 * @module
 */
export { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import type { Key } from "../../datastore/mod.ts";

/** A temporary directory removed when the binding goes out of scope (`await using`). */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
}

/** Makes a temporary directory; `await using dir = await tempDir()` removes it afterwards. */
export async function tempDir(prefix = "swds-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** The engine's key order: numbers and bigints numerically, strings by UTF-16 code units. */
export function compareKey(a: Key, b: Key): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
