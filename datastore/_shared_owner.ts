/**
 * The owner's side of a shared datastore directory: the process holding the LOCK listens on the
 * directory's socket and runs the requests of the other processes against its own engine, and
 * keeps `TABLES` (the visible table names) current for their synchronous `tables()`.
 *
 * @module
 */

import type { Datastore } from "./_datastore.ts";
import { DatastoreClosedError } from "./_errors.ts";
import type { RowIterator } from "./_row_iterator.ts";
import {
  errorFields,
  frame,
  FrameReader,
  SCAN_BATCH_ROWS,
  socketPath,
  writeAll,
} from "./_shared_protocol.ts";
import type { Key, Row } from "./_value.ts";
import type { Durability } from "./_options.ts";

/** A datastore being served; `close()` stops serving (clients then hand over). */
export interface Serving {
  /** Records a table that just became visible, before its first write is acknowledged. */
  tableAdded(name: string): void;
  /** Stops listening, drops every client connection and removes the socket. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Serves `ds` to other processes. The caller holds the LOCK, so a socket file left by a dead
 * owner is stale and is replaced. Costs one `listen` until a client connects: `TABLES` is
 * written when the first client says hello, and kept current from then on.
 */
export function serve(ds: Datastore): Promise<Serving> {
  const path = socketPath(ds.dir);
  const tables = `${ds.dir}/TABLES`;
  let published = false;
  const publish = (): void => {
    if (published) return;
    Deno.writeTextFileSync(`${tables}.tmp`, ds.tables().map((t) => `${t}\n`).join(""));
    Deno.renameSync(`${tables}.tmp`, tables);
    published = true;
  };
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (e) {
    if (!(e instanceof Deno.errors.AddrInUse)) return Promise.reject(e);
    Deno.removeSync(path);
    listener = Deno.listen({ transport: "unix", path });
  }
  // Serving must not keep the owner's program alive: when it ends, a client takes over.
  listener.unref();
  const conns = new Set<Deno.Conn>();
  (async () => {
    for await (const conn of listener) {
      conn.unref();
      conns.add(conn);
      answer(ds, conn, publish).finally(() => conns.delete(conn));
    }
  })().catch(() => {});
  return Promise.resolve({
    tableAdded(name) {
      if (published) Deno.writeFileSync(tables, encoder.encode(`${name}\n`), { append: true });
    },
    close() {
      listener.close();
      for (const c of conns) closeQuietly(c);
      try {
        Deno.removeSync(path);
      } catch { /* already gone */ }
      return Promise.resolve();
    },
  });
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** Reads one client's requests until it disconnects; answers each as it completes. */
async function answer(ds: Datastore, conn: Deno.Conn, publish: () => void): Promise<void> {
  const reader = new FrameReader();
  const scans = new Map<number, RowIterator>();
  const client: Client = { scans, publish, durability: undefined };
  let sending = Promise.resolve();
  const send = (message: unknown[]): void => {
    const bytes = frame(message);
    sending = sending.then(() => writeAll(conn, bytes)).catch(() => closeQuietly(conn));
  };
  const buf = new Uint8Array(64 << 10);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      for (const m of reader.push(buf.subarray(0, n))) {
        const id = m[0] as number;
        run(ds, m, client).then(
          (result) => send([id, "ok", ds.revision, result]),
          (e) => {
            // The owner is closing: say nothing, so the client retries with the next owner.
            if (e instanceof DatastoreClosedError) closeQuietly(conn);
            else send([id, "err", ...errorFields(e)]);
          },
        );
      }
    }
  } catch {
    /* the client went away */
  } finally {
    for (const it of scans.values()) it.return();
    scans.clear();
    await sending;
    closeQuietly(conn);
  }
}

/** One client connection's state. */
interface Client {
  scans: Map<number, RowIterator>;
  publish: () => void;
  /** The client's durability mode, from its hello: its writes are durable at least so. */
  durability: Durability | undefined;
}

/** Runs one request `[id, op, ...args]` against the engine. */
async function run(ds: Datastore, m: unknown[], client: Client): Promise<unknown> {
  const a = m.slice(2) as never[];
  const { scans, durability } = client;
  switch (m[1]) {
    case "hello":
      client.durability = a[0] ?? undefined;
      client.publish();
      return null;
    case "update":
      return await ds.update(a[0], a[1], { ...(a[2] as object | null ?? {}), durability });
    case "delete":
      return await ds.delete(a[0], a[1] as Key[], { durability });
    case "write":
      return await ds.write(a[0], { durability });
    case "get":
      return (await ds.get(a[0], a[1] as Key, a[2] ?? {})) ?? null;
    case "schema":
      return (await ds.schema(a[0])) ?? null;
    case "flush":
      await ds.flush();
      return null;
    case "stats":
      return ds.stats(a[0] ?? "");
    case "compact":
      await ds.compact(a[0] ?? undefined);
      return null;
    case "scan": {
      const it = ds.scan(a[1], a[2] ?? {});
      scans.set(a[0], it);
      return await batch(it, a[0], scans);
    }
    case "more": {
      const it = scans.get(a[0]);
      if (it === undefined) throw new Error(`Unknown scan ${a[0]} on the datastore socket`);
      return await batch(it, a[0], scans);
    }
    case "end":
      scans.get(a[0])?.return();
      scans.delete(a[0]);
      return null;
  }
  throw new Error(`Unknown datastore socket request ${JSON.stringify(m[1])}`);
}

/** The next rows of a scan, `[rows, done]`; a finished or failed scan is forgotten. */
async function batch(
  it: RowIterator,
  id: number,
  scans: Map<number, RowIterator>,
): Promise<[Row[], boolean]> {
  const rows: Row[] = [];
  try {
    while (rows.length < SCAN_BATCH_ROWS) {
      const r = await it.next();
      if (r.done) {
        scans.delete(id);
        return [rows, true];
      }
      rows.push(r.value);
    }
  } catch (e) {
    scans.delete(id);
    throw e;
  }
  return [rows, false];
}
