/**
 * The datastore: tables of rows keyed by one key column, made durable by a write-ahead log,
 * kept in memtables and flushed to sorted segment files, merged on read. This file only
 * orchestrates; each part lives in its own module.
 *
 * @module
 */

import { resolve } from "node:path";
import { BlockCache } from "./_block_cache.ts";
import { DatastoreClosedError, DatastoreLockedError } from "./_errors.ts";
import { segmentName, walName } from "./_file_names.ts";
import { writeCompacted, writeMemtable } from "./_flush.ts";
import { normalizeKey } from "./_key.ts";
import { type Manifest, MANIFEST_VERSION, writeManifest } from "./_manifest.ts";
import { Memtable } from "./_memtable.ts";
import type {
  DatastoreOptions,
  Durability,
  ScanOptions,
  TableDesc,
  TableSchema,
  TableStats,
  TableWrite,
  UpdateOptions,
} from "./_options.ts";
import { recover } from "./_recovery.ts";
import { repairDir, type RepairReport } from "./_repair.ts";
import { RowIterator, scanRows } from "./_row_iterator.ts";
import { openView, rowOf, versionsOf } from "./_scan.ts";
import type { SegmentInfo } from "./_segment_format.ts";
import { SegmentReader } from "./_segment_reader.ts";
import { denoStorage, type FileLock, type Storage } from "./_storage.ts";
import type { Table } from "./_table.ts";
import { WalWriter } from "./_wal_writer.ts";
import {
  applyWrite,
  encodeDelete,
  encodeDictionaries,
  type EncodedWrite,
  encodeUpdate,
  encodeWriteBatch,
} from "./_write_batch.ts";
import { describeValue, type Key, type Row } from "./_value.ts";

const OPEN_DIRS = new Set<string>();

/** How long `open` keeps trying to reach the owner of a held LOCK (it may be recovering). */
const SHARE_WAIT_MS = 30_000;

/**
 * How long after `open` the owner starts listening for other processes. Off the open path: a
 * short-lived process (one CLI command) never pays for the socket, and a process that opens in
 * the meantime retries until the owner listens or the LOCK is free.
 */
const SERVE_DELAY_MS = 10;

/**
 * How `open` shares a directory another process holds, installed by `_shared_client.ts` (which
 * `mod.ts` imports): `connect` joins the owner (or `null` when nobody answers yet), `serve`
 * makes a newly opened store reachable by others.
 */
export interface Sharing {
  /** A datastore that uses the owner of `dir`, or `null`. */
  connect(dir: string, options: DatastoreOptions): Promise<Datastore | null>;
  /** Starts serving `ds` to other processes. */
  serve(ds: Datastore): Promise<{ tableAdded(name: string): void; close(): Promise<void> }>;
}
let sharing: Sharing | undefined;

/** Installs the sharing of held directories between processes. */
export function shareWith(s: Sharing): void {
  sharing = s;
}

/**
 * Takes the LOCK, trying again a few times over ~100 ms: a process being spawned holds a copy of
 * every descriptor until it execs, so a lock just released can look held for an instant.
 */
/** How much each durability mode promises, to find the stricter of two. */
const STRICTNESS: Record<Durability, number> = { none: 0, flush: 1, fsync: 2 };

/**
 * A per-write durability: a write asking for a stricter mode than the store's is acknowledged
 * only once durable under that mode (a process sharing a store through its owner asks for its
 * own mode this way).
 */
export interface WriteDurability {
  /** The mode this write must be durable under, at least; never weaker than the store's. */
  durability?: Durability;
}

function checkDurability(durability: unknown): void {
  if (durability === undefined || Object.hasOwn(STRICTNESS, durability as string)) return;
  throw new TypeError(
    `Invalid durability ${describeValue(durability)}: expected "fsync", "flush" or "none"`,
  );
}

async function takeLock(storage: Storage, path: string): Promise<FileLock | null> {
  for (let attempt = 0;; attempt++) {
    const lock = await storage.tryLock(path);
    if (lock !== null || attempt === 4) return lock;
    await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
  }
}
/**
 * A datastore directory, open for reading and writing. Other processes may open the same directory
 * at once and write too: the first one (holding the LOCK) serves the others over a Unix socket,
 * and one of them takes over when it closes or dies.
 *
 * Requires `--allow-read` and `--allow-write` on the directory.
 *
 * @example Write, merge and scan
 * ```ts
 * import assert from "node:assert/strict";
 * import { Datastore } from "@starwhale/sdk/datastore";
 * const dir = await Deno.makeTempDir();
 * await using ds = await Datastore.open(dir);
 * await ds.update("results", [{ id: 1, label: 3, pred: 5 }, { id: 2, label: 1, pred: 1 }]);
 * await ds.update("results", [{ id: 1, pred: 3 }]); // merges into the row
 * const rows = await Array.fromAsync(ds.scan("results"));
 * assert(rows[0].pred === 3 && rows[0].label === 3 && rows.length === 2);
 * ```
 */
export class Datastore {
  /** The datastore directory (absolute). */
  readonly dir: string;
  #storage: Storage;
  #lock: FileLock;
  #durability: Durability;
  #tables = new Map<string, Table>();
  #cache: BlockCache;
  /** The WAL new writes go to, opened on the first write after open or a flush. */
  #wal: Promise<WalWriter> | undefined;
  /** The error of the last failed WAL write, until a write succeeds again. */
  #writeFailure: Error | undefined;
  /** The WAL writer of `#wal` once open, whose `error` a background write may set. */
  #walWriter: WalWriter | undefined;
  /** The error of a background compaction, thrown by the next flush, compact or close. */
  #backgroundError: unknown;
  /** WAL files whose records are not yet in segments, oldest first. */
  #walFiles: number[] = [];
  /** Whether anything changed since the manifest was last written. */
  #dirty = false;
  #manifestWal = 0;
  #nextFile = 1;
  #lastRevision = 0;
  /** Revision of the newest write applied to memtables (what new scans see). */
  #visibleRevision = 0;
  #memtableBytes: number;
  #compactionTrigger: number;
  #inflight = new Set<Promise<unknown>>();
  #flushing: Promise<void> | undefined;
  #manifestChain: Promise<void> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Serving this store to other processes, while it is open. */
  #serving: Awaited<ReturnType<Sharing["serve"]>> | undefined;
  /** The timer that starts serving, until it fires. */
  #serveTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal */
  protected constructor(dir: string, storage: Storage, lock: FileLock, options: DatastoreOptions) {
    this.dir = dir;
    this.#storage = storage;
    this.#lock = lock;
    this.#durability = options.durability ?? "fsync";
    this.#cache = new BlockCache(options.blockCacheBytes ?? 32 << 20);
    this.#memtableBytes = options.memtableBytes ?? 32 << 20;
    this.#compactionTrigger = options.compactionTrigger ?? 8;
  }

  /**
   * Opens (creating if needed) the datastore in `dir`: takes the LOCK, reads the manifest and
   * replays the write-ahead log. When another process holds the LOCK, the returned datastore
   * sends every call to that process instead (same API; the synchronous `stats()` excepted: use `readStats()`).
   *
   * @throws {DatastoreLockedError} If another handle in this process has it open, or the
   * process holding the LOCK does not answer on the directory's socket within 30 s.
   * @throws {CorruptionError} If a file fails its checks (a torn WAL tail is not an error).
   */
  static async open(dir: string, options: DatastoreOptions = {}): Promise<Datastore> {
    const durability = options.durability ?? "fsync";
    if (!["fsync", "flush", "none"].includes(durability)) {
      throw new TypeError(
        `Invalid durability ${describeValue(durability)}: expected "fsync", "flush" or "none"`,
      );
    }
    const storage = options.storage ?? denoStorage;
    const abs = resolve(dir);
    if (OPEN_DIRS.has(abs)) throw new DatastoreLockedError(abs);
    await storage.mkdir(abs);
    if (sharing === undefined || storage !== denoStorage) {
      const lock = await takeLock(storage, `${abs}/LOCK`);
      if (lock === null) throw new DatastoreLockedError(abs);
      return await Datastore.#openLocked(abs, storage, lock, options);
    }
    // The LOCK's holder serves the store: join it, or take over when it is gone.
    const deadline = Date.now() + SHARE_WAIT_MS;
    for (let attempt = 0;; attempt++) {
      const lock = await storage.tryLock(`${abs}/LOCK`);
      if (lock !== null) return await Datastore.#openLocked(abs, storage, lock, options);
      const shared = await sharing.connect(abs, options);
      if (shared !== null) return shared;
      if (Date.now() > deadline) throw new DatastoreLockedError(abs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * (attempt + 1), 50)));
    }
  }

  static async #openLocked(
    abs: string,
    storage: Storage,
    lock: FileLock,
    options: DatastoreOptions,
  ): Promise<Datastore> {
    OPEN_DIRS.add(abs);
    const ds = new Datastore(abs, storage, lock, options);
    try {
      await ds.#recover();
      if (storage === denoStorage && sharing !== undefined) ds.#serveSoon(sharing);
    } catch (e) {
      OPEN_DIRS.delete(abs);
      lock.release();
      throw e;
    }
    return ds;
  }

  /**
   * Rebuilds the MANIFEST of the datastore in `dir` from its segment files and WAL files, as
   * `leveldb::RepairDB` does: for a store that refuses to open because its MANIFEST is missing
   * or damaged. Keeps every segment whose checksums all pass and every WAL frame before a
   * damaged one; deletes nothing (unusable files are renamed with a `.dropped` suffix, a damaged
   * WAL is kept as `.dropped` and replaced by its valid prefix). Open the store afterwards.
   *
   * Requires `--allow-read` and `--allow-write` on the directory.
   *
   * @example Rebuild a lost MANIFEST
   * ```ts
   * import assert from "node:assert/strict";
   * import { Datastore } from "@starwhale/sdk/datastore";
   * const dir = await Deno.makeTempDir();
   * const ds = await Datastore.open(dir);
   * await ds.update("t", [{ id: 1, v: "kept" }]);
   * await ds.close(); // flushed to a segment
   * await Deno.remove(`${dir}/MANIFEST`);
   * const report = await Datastore.repair(dir);
   * assert.deepEqual(report.tables, [{ name: "t", segments: 1 }]);
   * await using again = await Datastore.open(dir);
   * assert.equal((await again.get("t", 1))?.v, "kept");
   * ```
   *
   * @returns What was kept (tables, segments, WAL files) and what was dropped and why.
   * @throws {DatastoreLockedError} If the store is open.
   */
  static async repair(dir: string, options: { storage?: Storage } = {}): Promise<RepairReport> {
    const storage = options.storage ?? denoStorage;
    const abs = resolve(dir);
    if (OPEN_DIRS.has(abs)) throw new DatastoreLockedError(abs);
    const lock = await takeLock(storage, `${abs}/LOCK`);
    if (lock === null) throw new DatastoreLockedError(abs);
    try {
      return await repairDir(storage, abs);
    } finally {
      lock.release();
    }
  }

  async #recover(): Promise<void> {
    const state = await recover(this.#storage, this.dir, (info) => this.#reader(info));
    this.#tables = state.tables;
    this.#walFiles = state.walFiles;
    this.#nextFile = state.nextFile;
    this.#lastRevision = state.lastRevision;
    this.#manifestWal = state.manifestWal;
    this.#visibleRevision = this.#lastRevision;
    this.#dirty = this.#walFiles.length > 0;
    // A MANIFEST exists before any segment does, so a missing one is damage, not a new store.
    if (!state.hadManifest) await this.#saveManifest();
  }

  /** The path of a new segment file. */
  #newPath(): string {
    return `${this.dir}/${segmentName(this.#nextFile++)}`;
  }

  #reader(info: SegmentInfo): SegmentReader {
    return new SegmentReader(this.#storage, `${this.dir}/${info.file}`, info, this.#cache);
  }

  /**
   * The current WAL; the first call after open, a flush or a failed write creates the file.
   * After a failed write the new file starts with every table's dictionary, since the failed
   * record may have been the one that introduced columns later records use.
   */
  #currentWal(): Promise<WalWriter> {
    if (this.#wal === undefined) {
      const n = this.#nextFile++;
      this.#walFiles.push(n);
      const file = `${this.dir}/${walName(n)}`;
      const relog = this.#writeFailure !== undefined;
      const opening = (async () => {
        const wal = await WalWriter.open(this.#storage, file, { durability: this.#durability });
        try {
          // The file's directory entry must be durable before a record in it is acknowledged.
          await this.#storage.syncDir(this.dir);
          if (relog) {
            const dict = encodeDictionaries(this.#tables.values(), { rev: this.#lastRevision });
            if (dict !== undefined) await wal.append(dict);
          }
        } catch (e) {
          wal.abandon();
          throw e;
        }
        return wal;
      })();
      this.#wal = opening;
      opening.then((w) => {
        if (this.#wal === opening) this.#walWriter = w;
      }, (e) => this.#walFailed(opening, e));
    }
    return this.#wal;
  }

  /**
   * A WAL write failed: remember why, and retire that WAL so the next write opens a new one.
   * The failed file stays until a flush covers its acknowledged records.
   */
  #walFailed(wal: Promise<WalWriter>, e: unknown): void {
    this.#writeFailure = e instanceof Error ? e : new Error(String(e));
    if (this.#wal !== wal) return;
    this.#wal = undefined;
    this.#walWriter = undefined;
    wal.then((w) => w.abandon(), () => {});
  }

  async #append(payload: Uint8Array, durability?: Durability): Promise<void> {
    this.#dirty = true;
    const opening = this.#currentWal();
    const wal = await opening;
    try {
      await wal.append(payload);
      // A caller asking for more than this store's mode (a client process) waits for the sync.
      const want = durability ?? this.#durability;
      if (STRICTNESS[want] > STRICTNESS[this.#durability]) {
        await (want === "fsync" ? wal.sync() : wal.written());
      }
    } catch (e) {
      this.#walFailed(opening, e);
      throw e;
    }
    if (this.#wal === opening) this.#writeFailure = undefined;
  }

  #check(operation: string): void {
    if (this.#closed || this.#closing !== undefined) throw new DatastoreClosedError(operation);
  }

  /**
   * Why writes cannot be made durable right now: the error of the last failed WAL write (e.g.
   * ENOSPC or EIO), or `undefined` while writes can be made durable. A failed write is rejected,
   * never acknowledged; the next write opens a new WAL file, and once one succeeds this is
   * `undefined` again. Health checks read it.
   */
  get writeFailure(): Error | undefined {
    // In durability "none" a background write can fail before any append sees it.
    const pending = this.#walWriter?.error;
    if (this.#writeFailure !== undefined || pending === undefined) return this.#writeFailure;
    return pending instanceof Error ? pending : new Error(String(pending));
  }

  /** The highest revision written so far. */
  get revision(): number {
    return this.#lastRevision;
  }

  /**
   * Inserts or updates rows. Columns merge into an existing row; a column set to `null` is
   * stored as null (hidden on read unless `keepNone`). All rows are checked before anything is
   * written: on any error nothing of the batch is stored.
   *
   * @param table Table name (`^[A-Za-z0-9-_/: ]+$`), created on first write.
   * @param rows Plain objects holding the key column.
   * @returns The revision of this write, once durable under the durability mode.
   * @throws {TypeError} For invalid names, missing or mistyped keys, unsupported values.
   * @throws {RangeError} For integers out of their type's range.
   */
  update(
    table: string,
    rows: readonly Row[],
    options: UpdateOptions & WriteDurability = {},
  ): Promise<number> {
    try {
      this.#check("update");
      checkDurability(options.durability);
      return this.#track(this.#write(table, rows, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Deletes rows by key. A later update of a deleted key starts a fresh row.
   *
   * @returns The revision of the deletion (the current revision if the table does not exist).
   */
  delete(table: string, keys: readonly Key[], options: WriteDurability = {}): Promise<number> {
    try {
      this.#check("delete");
      checkDurability(options.durability);
      return this.#track(this.#writeDelete(table, keys, options.durability));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Writes upserts and deletions across tables as ONE atomic batch: one WAL record, so after a
   * crash either all of it is there or none; readers see none of it or all of it. Each part's
   * `rows` are applied before its `deletes`, parts in order; every write of the batch gets the
   * next revision, the batch resolves with the last. Every part is checked before anything is
   * written: on any error nothing of the batch is stored.
   *
   * @example Upserts and a deletion in two tables, atomically
   * ```ts
   * import assert from "node:assert/strict";
   * import { Datastore } from "@starwhale/sdk/datastore";
   * await using ds = await Datastore.open(await Deno.makeTempDir());
   * await ds.update("results", [{ id: 1, ok: false }, { id: 2, ok: true }]);
   * await ds.write([
   *   { table: "results", rows: [{ id: 3, ok: true }], deletes: [1] },
   *   { table: "summary", rows: [{ id: "job-1", accuracy: 1 }] },
   * ]);
   * assert.deepEqual((await Array.fromAsync(ds.scan("results"))).map((r) => r.id), [2, 3]);
   * assert.equal((await ds.get("summary", "job-1"))?.accuracy, 1);
   * ```
   *
   * @param parts `{ table, rows?, deletes?, keyColumn?, schema? }` per table.
   * @returns The batch's revision, once durable under the durability mode (the current revision
   * when the batch writes nothing).
   * @throws {TypeError} For an invalid part, name, key or value.
   * @throws {RangeError} For integers out of their type's range.
   */
  write(parts: readonly TableWrite[], options: WriteDurability = {}): Promise<number> {
    try {
      this.#check("write");
      checkDurability(options.durability);
      const batch = encodeWriteBatch(this.#tables, parts, { rev: this.#lastRevision + 1 });
      if (batch === undefined) return Promise.resolve(this.#lastRevision);
      const { payload, writes, rev } = batch;
      return this.#track(this.#commitBatch(payload, writes, { rev, ...options }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #commitBatch(
    payload: Uint8Array,
    writes: EncodedWrite[],
    { rev, durability }: { rev: number } & WriteDurability,
  ): Promise<number> {
    this.#lastRevision = rev;
    await this.#append(payload, durability);
    for (const w of writes) {
      const fresh = !w.table.visible;
      applyWrite(w);
      if (fresh && w.table.visible) this.#serving?.tableAdded(w.table.name);
    }
    if (rev > this.#visibleRevision) this.#visibleRevision = rev;
    return rev;
  }

  #track(work: Promise<number>): Promise<number> {
    this.#inflight.add(work);
    const done = () => this.#inflight.delete(work);
    work.then(done, done);
    return work.then(async (rev) => {
      if (this.#memtableTotal() >= this.#memtableBytes) await this.#flush();
      return rev;
    });
  }

  #memtableTotal(): number {
    let n = 0;
    for (const t of this.#tables.values()) n += t.memtable.bytes;
    return n;
  }

  async #write(
    name: string,
    rows: readonly Row[],
    { durability, ...options }: UpdateOptions & WriteDurability,
  ): Promise<number> {
    const e = encodeUpdate(this.#tables, name, rows, { ...options, rev: this.#lastRevision + 1 });
    return e === undefined ? this.#lastRevision : await this.#commit(e, durability);
  }

  async #writeDelete(name: string, keys: readonly Key[], durability?: Durability): Promise<number> {
    const e = encodeDelete(this.#tables, name, keys, { rev: this.#lastRevision + 1 });
    return e === undefined ? this.#lastRevision : await this.#commit(e, durability);
  }

  /** Appends an encoded write to the WAL, then makes it visible. */
  async #commit(e: EncodedWrite, durability?: Durability): Promise<number> {
    this.#lastRevision = e.rev;
    await this.#append(e.payload, durability);
    const fresh = !e.table.visible;
    applyWrite(e);
    if (fresh) this.#serving?.tableAdded(e.table.name);
    if (e.rev > this.#visibleRevision) this.#visibleRevision = e.rev;
    return e.rev;
  }

  /**
   * The row with `key`, or `undefined`.
   *
   * @param options `keepNone` keeps null-valued columns; `revision` reads as of a revision.
   */
  get(
    table: string,
    key: Key,
    options: { keepNone?: boolean; revision?: number } = {},
  ): Promise<Row | undefined> {
    try {
      this.#check("get");
      const t = this.#tables.get(table);
      if (t === undefined || !t.visible || t.kind === undefined) return Promise.resolve(undefined);
      const k = normalizeKey(key, t.kind, `table '${table}' column '${t.keyColumn}'`);
      // A get runs to completion synchronously, so its view needs no pins.
      const view = openView(t, this.#snapshot(t, options.revision), false);
      const heads = versionsOf(view, k);
      const row = heads.length === 0 ? null : rowOf(view, k, heads, {
        startInclusive: true,
        endInclusive: false,
        reverse: false,
        withKey: true,
        keepNone: options.keepNone === true,
      });
      return Promise.resolve(row ?? undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #snapshot(t: Table, revision: number | undefined): number {
    if (revision === undefined) return this.#visibleRevision;
    if (typeof revision !== "number" || !Number.isInteger(revision) || revision < 0) {
      throw new TypeError(
        `Invalid revision ${describeValue(revision)}: expected a non-negative integer`,
      );
    }
    if (revision < t.horizon) {
      throw new RangeError(
        `Cannot read table '${t.name}' as of revision ${revision}: compaction folded its history up to revision ${t.horizon}`,
      );
    }
    return Math.min(revision, this.#visibleRevision);
  }

  /**
   * Streams rows in key order. Pass several tables to merge them by key (later tables win on
   * shared column names; a row deleted in a later table clears the key).
   *
   * @param tables A table name, or table descriptions.
   */
  scan(tables: string | (string | TableDesc)[], options: ScanOptions = {}): RowIterator {
    return new RowIterator(this.#rows(tables, options), () => this.#closed);
  }

  *#rows(tables: string | (string | TableDesc)[], options: ScanOptions): Generator<Row> {
    this.#check("scan");
    yield* scanRows(
      {
        table: (name) => this.#tables.get(name),
        snapshot: (t, revision) => this.#snapshot(t, revision),
      },
      tables,
      options,
    );
  }

  /** Names of the tables, sorted, optionally only those starting with `prefix`. */
  tables(prefix = ""): string[] {
    this.#check("list tables");
    const out: string[] = [];
    for (const t of this.#tables.values()) {
      if (t.visible && t.name.startsWith(prefix)) out.push(t.name);
    }
    return out.sort();
  }

  /** The key and column types of a table, or `undefined` if it does not exist. */
  schema(table: string): Promise<TableSchema | undefined> {
    try {
      this.#check("read a schema");
      const t = this.#tables.get(table);
      if (t === undefined || !t.visible || t.kind === undefined) return Promise.resolve(undefined);
      return Promise.resolve({
        keyColumn: t.keyColumn,
        keyType: t.kind === "int" ? "INT64" : "STRING",
        columns: [...t.schema.values()].map((s) => structuredClone(s)),
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Segment and memtable statistics of each table (or those starting with `prefix`), as
   * {@link Datastore.stats} gives them, but also where another process owns the directory (it
   * asks that process).
   */
  readStats(prefix = ""): Promise<TableStats[]> {
    try {
      return Promise.resolve(this.stats(prefix));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Segment and memtable statistics of each table (or those starting with `prefix`). Only in
   * the process that owns the directory; {@link Datastore.readStats} works in any.
   */
  stats(prefix = ""): TableStats[] {
    return this.tables(prefix).map((name) => {
      const t = this.#tables.get(name)!;
      return {
        name,
        segments: t.segments.map((s) => ({ ...s.info })),
        memtableVersions: t.memtable.versions + t.immutables.reduce((n, m) => n + m.versions, 0),
        horizon: t.horizon,
      };
    });
  }

  /**
   * Writes every memtable to segments and syncs; the WAL is then empty.
   *
   * @throws The error of a background compaction (started after a flush once a table has
   * `compactionTrigger` segments) that failed since the last flush, compact or close, after
   * this flush has done its own work. The store stays usable: a failed compaction leaves the
   * segments it read in place.
   */
  async flush(): Promise<void> {
    this.#check("flush");
    await this.#flush();
    this.#reportBackgroundError();
  }

  /** Throws (once) the error a background compaction left. */
  #reportBackgroundError(): void {
    const e = this.#backgroundError;
    if (e === undefined) return;
    this.#backgroundError = undefined;
    throw e;
  }

  #flush(): Promise<void> {
    this.#flushing ??= this.#flushNow().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /**
   * Freezes the memtables, writes every frozen memtable (those of earlier failed flushes too) to
   * a segment, and only once the manifest lists them retires the WAL files they cover. A failure
   * leaves the store as recoverable as before: the WAL files and frozen memtables are kept and
   * the next flush retries.
   */
  async #flushNow(): Promise<void> {
    if (!this.#dirty) return;
    const oldWal = this.#wal;
    const oldWalFiles = this.#walFiles;
    this.#wal = undefined;
    this.#walWriter = undefined;
    this.#walFiles = [];
    // Every WAL opened from now on gets a number at least this: the manifest's replay floor.
    const walFloor = this.#nextFile;
    // Freeze even empty memtables: a write still on its way to the old WAL lands in the
    // memtable it captured, and that memtable must reach a segment before the WAL goes.
    for (const t of this.#tables.values()) {
      t.immutables.unshift(t.memtable);
      t.memtable = new Memtable();
    }
    await Promise.allSettled([...this.#inflight]);
    // The frozen memtables hold every acknowledged write of the old WAL: once they are in
    // segments the WAL is not needed, even if it cannot be synced now.
    await (await oldWal?.catch(() => undefined))?.close().catch(() => {});
    const pending = new Map<Table, SegmentInfo[]>();
    let listed = false;
    try {
      for (const t of this.#tables.values()) {
        t.immutables = t.immutables.filter((m) => m.versions > 0);
        const infos: SegmentInfo[] = [];
        for (const mem of t.immutables.toReversed()) {
          infos.unshift(await writeMemtable(this.#storage, this.#newPath(), { table: t, mem }));
          pending.set(t, infos);
        }
      }
      if (pending.size > 0) await this.#storage.syncDir(this.dir);
      listed = true;
      await this.#saveManifest(walFloor, pending);
    } catch (e) {
      this.#walFiles = [...oldWalFiles, ...this.#walFiles];
      this.#dirty = true;
      // Once a manifest write has begun, it may have reached the disk listing these segments:
      // keep them (the next open removes the ones its manifest does not list).
      const garbage = listed ? [] : [...pending.values()].flat();
      for (const info of garbage) {
        await this.#storage.remove(`${this.dir}/${info.file}`).catch(() => {});
      }
      throw e;
    }
    this.#dirty = this.#walFiles.length > 0;
    for (const [t, infos] of pending) {
      t.segments.unshift(...infos.map((info) => this.#reader(info)));
      t.immutables = [];
    }
    for (const n of oldWalFiles) await this.#storage.remove(`${this.dir}/${walName(n)}`);
    for (const t of pending.keys()) {
      if (t.segments.length >= this.#compactionTrigger) {
        this.#compact(t).catch((e) => this.#backgroundError ??= e);
      }
    }
  }

  #saveManifest(wal?: number, pending?: Map<Table, SegmentInfo[]>): Promise<void> {
    const run = this.#manifestChain.then(async () => {
      const m: Manifest = {
        version: MANIFEST_VERSION,
        nextFile: this.#nextFile,
        lastRevision: this.#visibleRevision,
        wal: wal ?? this.#manifestWal,
        tables: [...this.#tables.values()].flatMap((t) => {
          const extra = pending?.get(t) ?? [];
          if (!t.visible || t.segments.length + extra.length === 0) return [];
          const tm = t.toManifest();
          return [{ ...tm, segments: [...extra, ...tm.segments] }];
        }),
      };
      await writeManifest(this.#storage, this.dir, m);
      if (wal !== undefined) this.#manifestWal = wal;
    });
    this.#manifestChain = run.catch(() => {});
    return run;
  }

  /**
   * Merges a table's segments (all tables when `table` is omitted) into one, dropping
   * overwritten versions and deleted rows. Flushes memtables first. Reads stay correct while it
   * runs; reads as of revisions before it then fail with a RangeError.
   *
   * @throws The error of this compaction, or else of a background compaction that failed since
   * the last flush, compact or close.
   */
  async compact(table?: string): Promise<void> {
    this.#check("compact");
    await this.#flush();
    const targets = table === undefined ? [...this.#tables.values()] : [this.#tables.get(table)];
    for (const t of targets) {
      if (t === undefined) continue;
      try {
        await this.#compact(t);
      } catch (e) {
        // It may be a background compaction this call joined: report its error only here.
        if (this.#backgroundError === e) this.#backgroundError = undefined;
        throw e;
      }
    }
    this.#reportBackgroundError();
  }

  #compact(t: Table): Promise<void> {
    t.compaction ??= this.#compactNow(t).finally(() => {
      t.compaction = undefined;
    });
    return t.compaction;
  }

  async #compactNow(t: Table): Promise<void> {
    const inputs = t.segments.slice();
    if (inputs.length === 0) return;
    if (inputs.length === 1 && inputs[0].info.versions === inputs[0].info.keys) return;
    for (const s of inputs) s.acquire();
    const path = this.#newPath();
    let info: SegmentInfo;
    try {
      const horizon = Math.max(t.horizon, ...inputs.map((s) => s.info.maxRev));
      info = await writeCompacted(this.#storage, path, { table: t, inputs, horizon });
      await this.#storage.syncDir(this.dir);
    } catch (e) {
      for (const s of inputs) s.release();
      await this.#storage.remove(path);
      throw e;
    }
    const horizon = Math.max(t.horizon, ...inputs.map((s) => s.info.maxRev));
    const before = t.horizon;
    const output = this.#reader(info);
    t.segments = [...t.segments.filter((s) => !inputs.includes(s)), output];
    t.horizon = horizon;
    try {
      await this.#saveManifest();
    } catch (e) {
      // The manifest may or may not have reached the disk: keep every file, and the inputs in
      // use; the next manifest lists them again and the next open removes the unlisted file.
      t.segments = [...t.segments.filter((s) => s !== output), ...inputs];
      t.horizon = before;
      output.closeFile();
      for (const s of inputs) s.release(); // the scan reference taken above
      throw e;
    }
    for (const s of inputs) {
      // A replaced segment that cannot be removed is garbage the next open removes.
      s.whenUnused(() => void this.#storage.remove(s.path).catch(() => {}));
      s.release(); // the scan reference taken above
      s.release(); // the table's reference
    }
  }

  /**
   * Waits for writes, flushes memtables to segments, syncs, writes the manifest and releases the
   * LOCK. Safe to call twice.
   *
   * @throws The error of a background compaction that failed since the last flush, compact or
   * close (the LOCK is released all the same; what was acknowledged is durable).
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  /**
   * Starts serving other processes {@link SERVE_DELAY_MS} after open. Without a socket the store
   * still works, unshared (others wait, then report the LOCK).
   */
  #serveSoon(s: Sharing): void {
    const timer = setTimeout(() => {
      this.#serveTimer = undefined;
      if (this.#closing !== undefined) return;
      s.serve(this).then((serving) => {
        if (this.#closing === undefined) this.#serving = serving;
        else serving.close();
      }, () => {});
    }, SERVE_DELAY_MS);
    // Serving must not keep the program alive: when it ends, a client takes over.
    Deno.unrefTimer(timer);
    this.#serveTimer = timer;
  }

  async #closeNow(): Promise<void> {
    try {
      clearTimeout(this.#serveTimer);
      await this.#serving?.close();
      await Promise.allSettled([...this.#inflight]);
      await this.#flushing?.catch(() => {});
      await this.#flush();
      // A background compaction's error is recorded by its own handler, reported below.
      for (const t of this.#tables.values()) await t.compaction?.catch(() => {});
      this.#reportBackgroundError();
    } finally {
      (await this.#wal?.catch(() => undefined))?.abandon();
      this.#closed = true;
      for (const t of this.#tables.values()) for (const s of t.segments) s.closeFile();
      OPEN_DIRS.delete(this.dir);
      this.#lock.release();
    }
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
