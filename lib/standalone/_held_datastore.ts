/**
 * How a `StandaloneInstance` holds its root's shared datastore: leased once and kept open until
 * `close()`, or (`keepOpen: false`) leased for each operation, so nothing stays open between
 * calls and the last lease closes it.
 *
 * @module
 */

import type { Datastore, Durability } from "../../datastore/mod.ts";
import { type Lease, leaseDatastore } from "./datastore_pool.ts";

/** The datastore of one storage root, as one instance holds it. */
export class HeldDatastore {
  readonly #root: string;
  readonly #options: { durability?: Durability; keepOpen?: boolean };
  #held: Promise<Lease> | undefined;
  #open: Datastore | undefined;

  /**
   * Creates it; nothing is opened yet.
   *
   * @param root The storage root.
   * @param options Durability, and whether to keep the datastore open (default `true`).
   */
  constructor(root: string, options: { durability?: Durability; keepOpen?: boolean }) {
    this.#root = root;
    this.#options = options;
  }

  /** The lease held until {@link close}, taken on first use (a failed open is retried later). */
  async #hold(): Promise<Lease> {
    this.#held ??= leaseDatastore(this.#root, this.#options);
    try {
      const lease = await this.#held;
      this.#open = lease.ds;
      return lease;
    } catch (e) {
      this.#held = undefined;
      throw e;
    }
  }

  async #acquire(): Promise<Lease> {
    const lease = this.#options.keepOpen === false
      ? await leaseDatastore(this.#root, this.#options)
      : await this.#hold();
    // A read-only datastore is a view of the files: bring it up to what other processes wrote.
    if (lease.ds.readOnly) await lease.ds.refresh();
    return lease;
  }

  /** Runs one operation on the datastore. */
  async with<T>(fn: (ds: Datastore) => Promise<T>): Promise<T> {
    const lease = await this.#acquire();
    try {
      return await fn(lease.ds);
    } finally {
      if (this.#options.keepOpen === false) await lease.release();
    }
  }

  /** Streams what `fn` reads from the datastore, holding it until the stream ends. */
  async *stream<T>(fn: (ds: Datastore) => AsyncIterable<T>): AsyncIterable<T> {
    const lease = await this.#acquire();
    try {
      yield* fn(lease.ds);
    } finally {
      if (this.#options.keepOpen === false) await lease.release();
    }
  }

  /** Opens the datastore (if needed) and holds it until {@link close}, whatever `keepOpen`. */
  async open(): Promise<Datastore> {
    return (await this.#hold()).ds;
  }

  /** The datastore held open (after {@link open} or any kept-open call), else `undefined`. */
  get current(): Datastore | undefined {
    return this.#open;
  }

  /** Releases the held lease (the root's last lease closes the datastore). */
  async close(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    this.#open = undefined;
    if (held) await (await held.catch(() => undefined))?.release();
  }
}
