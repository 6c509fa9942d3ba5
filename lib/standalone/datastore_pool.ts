/**
 * One open `Datastore` per storage root per process, shared by every `StandaloneInstance` and
 * every job running in-process on that root. Opened lazily on the first lease, closed when the
 * last lease is released (the datastore holds a process-exclusive LOCK). A process without write
 * permission on the root opens it read-only (its files as they are at open; writes refused).
 *
 * @module
 */

import { join, resolve } from "node:path";
import { Datastore, type Durability, type RepairReport } from "../../datastore/mod.ts";

/** The directory of the SDK's datastore under a storage root (the Python client never uses it). */
export const DATASTORE_DIRNAME = ".sdk-datastore";

/** A use of the shared datastore; call `release()` exactly once. */
export interface Lease {
  /** The open datastore. */
  readonly ds: Datastore;
  /** Gives the lease back; the last one closes the datastore. */
  release(): Promise<void>;
}

interface RootState {
  ds: Promise<Datastore> | undefined;
  leases: number;
  closing: Promise<void> | undefined;
  durability: Durability | undefined;
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
    const dir = join(resolve(root), DATASTORE_DIRNAME);
    s.ds = Datastore.open(dir, { durability: options.durability, readOnly: !mayWrite(dir) });
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

/**
 * Whether this process may write to a directory: without write permission (`--allow-read`
 * only) the datastore is opened read-only, so reading commands need no `--allow-write`.
 */
function mayWrite(dir: string): boolean {
  return Deno.permissions.querySync({ name: "write", path: dir }).state === "granted";
}

/**
 * Rebuilds the MANIFEST of a storage root's datastore from its segments and WAL files, as
 * `Datastore.repair` does: nothing is deleted, unusable files are moved aside.
 *
 * @param root The storage root.
 * @returns What was kept and what was dropped, and why.
 * @throws {DatastoreLockedError} The root's datastore is open (in this or another process).
 */
export function repairDatastore(root: string): Promise<RepairReport> {
  return Datastore.repair(join(resolve(root), DATASTORE_DIRNAME));
}
