/**
 * One connection from a process to the owner of a datastore directory: requests by id, replies
 * matched to them, and {@link OwnerGoneError} for every request still waiting when the owner
 * closes or dies.
 *
 * @module
 */

import type {
  Durability,
  ScanOptions,
  TableDesc,
  TableSchema,
  TableStats,
  TableWrite,
  UpdateOptions,
} from "./_options.ts";
import {
  defined,
  errorFrom,
  frame,
  FrameReader,
  type Op,
  OwnerGoneError,
  socketPath,
  writeAll,
} from "./_shared_protocol.ts";
import type { Key, Row } from "./_value.ts";

interface Waiter {
  resolve(reply: unknown[]): void;
  reject(e: Error): void;
}

/** A scan batch: rows, and whether the scan is done. */
export type Batch = [Row[], boolean];

/** A connection to the owner process of a datastore directory. */
export class Remote {
  #conn: Deno.Conn;
  #waiting = new Map<number, Waiter>();
  #nextId = 1;
  #nextScan = 1;
  #gone: Error | undefined;
  #sending: Promise<void> = Promise.resolve();
  /** The owner's revision in its latest reply. */
  revision = 0;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
    // An idle connection does not keep the program alive; one with requests waiting does.
    conn.unref();
    this.#readLoop();
  }

  /**
   * Connects to the owner of `dir` and says hello with this process's durability mode (the
   * owner then keeps `TABLES` current, and makes this connection's writes durable under the
   * stricter of its mode and `durability`), or `null` when nobody answers there.
   */
  static async connect(dir: string, durability: Durability): Promise<Remote | null> {
    let remote: Remote;
    try {
      remote = new Remote(await Deno.connect({ transport: "unix", path: socketPath(dir) }));
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) throw e;
      return null;
    }
    try {
      await remote.request("hello", [durability]);
    } catch (e) {
      if (!(e instanceof OwnerGoneError)) throw e;
      return null;
    }
    return remote;
  }

  /** Whether the owner went away. */
  get gone(): boolean {
    return this.#gone !== undefined;
  }

  async #readLoop(): Promise<void> {
    const reader = new FrameReader();
    const buf = new Uint8Array(64 << 10);
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        for (const m of reader.push(buf.subarray(0, n))) this.#reply(m);
      }
    } catch { /* reset by a dying owner */ }
    this.#lost(new OwnerGoneError("The process owning the datastore went away"));
  }

  #reply(m: unknown[]): void {
    const w = this.#waiting.get(m[0] as number);
    if (w === undefined) return;
    this.#waiting.delete(m[0] as number);
    if (this.#waiting.size === 0) this.#conn.unref();
    if (m[1] === "ok") {
      if ((m[2] as number) > this.revision) this.revision = m[2] as number;
      w.resolve(m);
    } else w.reject(errorFrom(m[2] as string, m[3] as string));
  }

  #lost(e: Error): void {
    this.#gone ??= e;
    for (const w of this.#waiting.values()) w.reject(this.#gone);
    this.#waiting.clear();
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }

  /** Sends `[id, op, ...args]`; resolves with the reply's result. */
  request(op: Op, args: unknown[]): Promise<unknown> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    let bytes: Uint8Array;
    try {
      bytes = frame([id, op, ...args]);
    } catch (e) {
      return Promise.reject(e);
    }
    const reply = new Promise<unknown[]>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
    });
    if (this.#waiting.size === 1) this.#conn.ref();
    this.#sending = this.#sending.then(() => writeAll(this.#conn, bytes)).catch((e) =>
      this.#lost(new OwnerGoneError("The process owning the datastore went away", { cause: e }))
    );
    return reply.then((m) => m[3]);
  }

  /** `update` on the owner. */
  async update(table: string, rows: readonly Row[], options?: UpdateOptions): Promise<number> {
    return await this.request("update", [table, rows, defined(options)]) as number;
  }

  /** `delete` on the owner. */
  async delete(table: string, keys: readonly Key[]): Promise<number> {
    return await this.request("delete", [table, keys]) as number;
  }

  /** `write` on the owner. */
  async write(parts: readonly TableWrite[]): Promise<number> {
    return await this.request("write", [parts.map((p) => defined(p))]) as number;
  }

  /** `get` on the owner. */
  async get(
    table: string,
    key: Key,
    options?: { keepNone?: boolean; revision?: number },
  ): Promise<Row | undefined> {
    return (await this.request("get", [table, key, defined(options)]) as Row | null) ?? undefined;
  }

  /** `schema` on the owner. */
  async schema(table: string): Promise<TableSchema | undefined> {
    return (await this.request("schema", [table]) as TableSchema | null) ?? undefined;
  }

  /** `flush` on the owner. */
  async flush(): Promise<void> {
    await this.request("flush", []);
  }

  /** `stats` on the owner. */
  async stats(prefix: string): Promise<TableStats[]> {
    return await this.request("stats", [prefix]) as TableStats[];
  }

  /** `compact` on the owner. */
  async compact(table?: string): Promise<void> {
    await this.request("compact", [table ?? null]);
  }

  /** Starts a scan on the owner; resolves with its id and first batch. */
  async scanOpen(
    tables: string | (string | TableDesc)[],
    options: ScanOptions,
  ): Promise<[number, Batch]> {
    const id = this.#nextScan++;
    const t = typeof tables === "string"
      ? tables
      : tables.map((d) => typeof d === "string" ? d : defined(d));
    return [id, await this.request("scan", [id, t, defined(options)]) as Batch];
  }

  /** The next batch of a scan. */
  async scanMore(id: number): Promise<Batch> {
    return await this.request("more", [id]) as Batch;
  }

  /** Ends a scan early (`break`). */
  scanEnd(id: number): void {
    this.request("end", [id]).catch(() => {});
  }

  /** Closes the connection. */
  close(): void {
    this.#lost(new OwnerGoneError("The connection to the datastore's owner was closed"));
  }
}
