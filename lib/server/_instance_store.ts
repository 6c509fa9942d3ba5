/**
 * The datastore a server serves when it is given only an instance: a standalone instance's own
 * datastore, opened in the background when the instance has not opened it yet (requests wait for
 * it), behind a {@link ServerStore} that always reaches the instance's current datastore.
 *
 * @module
 */
import type { Instance } from "../sdk/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";
import type { ServerStore } from "./store.ts";

/** The store to serve and a promise requests wait for before using it. */
export interface InstanceStore {
  /** The datastore operations. */
  store: ServerStore;
  /**
   * Resolves once `store` is usable; rejects when the datastore cannot be opened, and tries
   * again on the next call (so a server recovers once the cause is gone).
   */
  ready(): Promise<void>;
}

/**
 * The datastore of a standalone instance, as a server store; opening starts at once.
 *
 * @param instance The served instance.
 * @returns The store and its readiness.
 * @throws {TypeError} When the instance is not a standalone one (it holds no datastore).
 */
export function instanceStore(instance: Instance | undefined): InstanceStore {
  if (!(instance instanceof StandaloneInstance)) {
    throw new TypeError(
      `Cannot serve ${
        instance ? `the ${instance.kind} instance ${instance.url}` : "nothing"
      }: it exposes no datastore, pass 'store'`,
    );
  }
  const open = instance.datastore;
  if (open) return { store: open, ready: () => Promise.resolve() };
  let opened = false, opening: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (opened) return Promise.resolve();
    opening ??= instance.open().then(() => void (opened = true), (e) => {
      opening = undefined;
      throw e;
    });
    return opening;
  };
  ready().catch(() => {});
  const ds = () => {
    const current = instance.datastore;
    if (!current) throw new TypeError("Cannot use the datastore: the instance was closed");
    return current;
  };
  return {
    ready,
    store: {
      update: (table, rows, o) => ds().update(table, rows, o),
      delete: (table, keys) => ds().delete(table, keys),
      write: (parts) => ds().write(parts),
      scan: (tables, o) => ds().scan(tables, o),
      schema: (table) => ds().schema(table),
      tables: (prefix) => ds().tables(prefix),
      flush: () => ds().flush(),
      get writeFailure() {
        return instance.datastore?.writeFailure;
      },
    },
  };
}
