/**
 * One open `Datastore` per storage root per process, shared by every `StandaloneInstance` and
 * every job running in-process on that root. Opened lazily on the first lease, closed when the
 * last lease is released (the datastore holds a process-exclusive LOCK).
 *
 * @module
 */

import { join, resolve } from "node:path";
import { Datastore } from "../../datastore/mod.ts";
import type { JobStatus } from "../sdk/instance.ts";

/** The directory of the SDK's datastore under a storage root (the Python client never uses it). */
export const DATASTORE_DIRNAME = ".sdk-datastore";

/** Durability of the SDK's writes (see the datastore's `open`). */
export type Durability = "fsync" | "flush" | "none";

/** A use of the shared datastore; call `release()` exactly once. */
export interface Lease {
  /** The open datastore. */
  readonly ds: Datastore;
  /** Gives the lease back; the last one closes the datastore. */
  release(): Promise<void>;
}

/** Pause/cancel switches of a job running in this process. */
export class JobControl {
  readonly #abort = new AbortController();
  #paused: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Set by the runner when the status changes. */
  status: JobStatus = "CREATED";

  /** Aborted by {@link cancel}. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Whether the job is paused. */
  get paused(): boolean {
    return this.#paused !== undefined;
  }

  /** Requests cancellation; the runner stops at its next checkpoint. */
  cancel(): void {
    this.resume();
    this.#abort.abort(new DOMException("the job was canceled", "AbortError"));
  }

  /** Holds the runner at its next checkpoint until {@link resume}. */
  pause(): void {
    if (this.#paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => resolve = r);
    this.#paused = { promise, resolve };
  }

  /** Lets a paused runner go on. */
  resume(): void {
    const p = this.#paused;
    this.#paused = undefined;
    p?.resolve();
  }

  /** Waits while paused; throws the abort reason once canceled. */
  async checkpoint(): Promise<void> {
    while (this.#paused) await this.#paused.promise;
    this.#abort.signal.throwIfAborted();
  }
}

interface RootState {
  ds: Promise<Datastore> | undefined;
  leases: number;
  closing: Promise<void> | undefined;
  durability: Durability | undefined;
  lastCreated: number;
  running: Map<string, JobControl>;
}

const roots = new Map<string, RootState>();

function state(root: string): RootState {
  const key = resolve(root);
  let s = roots.get(key);
  if (!s) {
    s = {
      ds: undefined,
      leases: 0,
      closing: undefined,
      durability: undefined,
      lastCreated: 0,
      running: new Map(),
    };
    roots.set(key, s);
  }
  return s;
}

/**
 * Leases the shared datastore of a storage root, opening it if nobody holds it.
 *
 * @param root The storage root.
 * @param options Durability used when this lease opens it.
 * @returns The lease.
 */
export async function leaseDatastore(
  root: string,
  options: { durability?: Durability } = {},
): Promise<Lease> {
  const s = state(root);
  while (s.closing) await s.closing;
  s.leases++;
  if (!s.ds) {
    s.durability = options.durability;
    s.ds = Datastore.open(join(resolve(root), DATASTORE_DIRNAME), {
      durability: options.durability,
    });
    s.ds.catch(() => {});
  }
  let ds: Datastore;
  try {
    ds = await s.ds;
  } catch (e) {
    s.leases--;
    if (s.leases === 0) s.ds = undefined;
    throw e;
  }
  let released = false;
  return {
    ds,
    release: async () => {
      if (released) return;
      released = true;
      s.leases--;
      if (s.leases > 0 || !s.ds) return;
      const open = s.ds;
      s.ds = undefined;
      s.closing = open.then((d) => d.close()).finally(() => s.closing = undefined);
      await s.closing;
    },
  };
}

/** Jobs running in this process on a root, by id. */
export function runningJobs(root: string): Map<string, JobControl> {
  return state(root).running;
}

/**
 * A creation time for a new job: now, but strictly after every earlier one on this root, so
 * "newest first" is a total order even for jobs created in the same millisecond.
 */
export function nextCreatedTime(root: string): number {
  const s = state(root);
  s.lastCreated = Math.max(Date.now(), s.lastCreated + 1);
  return s.lastCreated;
}
