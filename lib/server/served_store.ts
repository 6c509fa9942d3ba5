/**
 * What `createApp` serves when given only an instance: the instance's own datastore (opened in
 * the background when the instance has not opened it yet, with requests waiting for it), and a
 * `WorkerLauncher` over the instance's storage root to run the jobs created through the API.
 *
 * @module
 */

import type { Instance } from "../sdk/mod.ts";
import type { JobLauncher } from "../jobs/mod.ts";
import type { ServerStore } from "./store.ts";
import { WorkerLauncher } from "../jobs/mod.ts";

/** An instance that can hand over its datastore (as `StandaloneInstance` does). */
interface StoreHolder {
  readonly root?: unknown;
  readonly datastore?: ServerStore;
  open?: () => Promise<unknown>;
}

/** The store to serve and a promise requests wait for before using it. */
export interface ServedStore {
  /** The datastore operations. */
  store: ServerStore;
  /** Resolves once `store` is usable; rejects when the datastore cannot be opened. */
  ready: Promise<void>;
}

/**
 * Finds the datastore to serve: `store` when given, else the instance's (opening it if needed).
 *
 * @param options The `store` and `instance` given to `createApp`.
 * @returns The store and its readiness.
 * @throws {TypeError} When neither a store nor an instance with a datastore is given.
 * @example A given store is used as is
 * ```ts
 * import { Datastore } from "../../datastore/mod.ts";
 * import { servedStore } from "./served_store.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = await Datastore.open(dir, { durability: "none" });
 * const { store, ready } = servedStore({ store: ds });
 * await ready;
 * console.assert(store === ds);
 * await ds.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function servedStore(
  options: { store?: ServerStore; instance?: Instance },
): ServedStore {
  if (options.store) return { store: options.store, ready: Promise.resolve() };
  const holder = options.instance as unknown as StoreHolder | undefined;
  if (holder?.datastore && typeof holder.datastore.scan === "function") {
    return { store: holder.datastore, ready: Promise.resolve() };
  }
  if (!holder || typeof holder.open !== "function") {
    throw new TypeError(
      `Cannot serve ${
        holder ? `the ${options.instance?.kind} instance ${options.instance?.url}` : "nothing"
      }: it exposes no datastore, pass 'store'`,
    );
  }
  const ready = holder.open().then(() => {});
  ready.catch(() => {});
  const ds = (): ServerStore => {
    const open = holder.datastore;
    if (!open) throw new TypeError("Cannot use the datastore: the instance was closed");
    return open;
  };
  return {
    ready,
    store: {
      update: (table, rows, o) => ds().update(table, rows, o),
      delete: (table, keys) => ds().delete(table, keys),
      scan: (tables, o) => ds().scan(tables, o),
      schema: (table) => ds().schema(table),
      tables: (prefix) => ds().tables(prefix),
      flush: () => ds().flush(),
    },
  };
}

/**
 * The default launcher for an instance: a Worker per job over a standalone instance's root;
 * none for other instances (a server behind a remote instance runs its own jobs).
 *
 * @param instance The served instance.
 * @returns The launcher, or `undefined`.
 */
export function defaultLauncher(instance: Instance | undefined): JobLauncher | undefined {
  const root = (instance as unknown as StoreHolder | undefined)?.root;
  if (instance?.kind !== "standalone" || typeof root !== "string") return undefined;
  return new WorkerLauncher(root);
}
