/**
 * The datastore: tables of rows keyed by one key column, made durable by a write-ahead log,
 * kept in memtables and flushed to sorted segment files, merged on read. This file only
 * orchestrates; each part lives in its own module.
 *
 * @module
 */

import { resolve } from "node:path";
import { BlockCache } from "./_block_cache.ts";
import { ByteWriter } from "./_bytes.ts";
import { CorruptionError, DatastoreClosedError, DatastoreLockedError } from "./_errors.ts";
import { keyKindOf, normalizeKey } from "./_key.ts";
import { type Manifest, MANIFEST_VERSION, readManifest, writeManifest } from "./_manifest.ts";
import { Memtable } from "./_memtable.ts";
import { encodeColumns, mergeColumnBytes, visibleVersions } from "./_row.ts";
import {
  closeView,
  Merger,
  openView,
  rowOf,
  type RowStreamOptions,
  versionsOf,
  type View,
} from "./_scan.ts";
import { SegmentReader } from "./_segment_reader.ts";
import { type SegmentInfo, SegmentWriter, type VersionBytes } from "./_segment_writer.ts";
import { denoStorage, type FileLock, type Storage } from "./_storage.ts";
import { Table } from "./_table.ts";
import { checkColumnName, checkTableName } from "./_validate.ts";
import { type Durability, readWal, WalWriter } from "./_wal.ts";
import {
  finishRecord,
  OP_DELETE,
  OP_UPDATE,
  parseRecord,
  startRecord,
  writeEntryKey,
} from "./_wal_record.ts";
import { type ColumnSchema, describeValue, type Key, type Row } from "./_value.ts";

export type { Durability } from "./_wal.ts";

/** Options of {@link Datastore.open}. */
export interface DatastoreOptions {
  /**
   * When an `update`/`delete` resolves: `fsync` once synced to disk, `flush` once handed to
   * the OS (synced at `flush()`/`close()`), `none` at once (written in the background).
   * @default {"fsync"}
   */
  durability?: Durability;
  /** The file system; tests inject faults through it. @default {denoStorage} */
  storage?: Storage;
  /** Memtable bytes (all tables) that trigger a flush to segments. @default {33554432} */
  memtableBytes?: number;
  /** Bytes of data blocks kept in the block cache. @default {33554432} */
  blockCacheBytes?: number;
  /** Segments of one table that trigger a compaction after a flush. @default {8} */
  compactionTrigger?: number;
}

/** Options of {@link Datastore.update}. */
export interface UpdateOptions {
  /** The key column. @default {"id"} (or the table's existing key column) */
  keyColumn?: string;
  /** Column types that override the inferred ones (e.g. `INT8`, `FLOAT32`). */
  schema?: ColumnSchema[];
}

/** A table in a multi-table scan. */
export interface TableDesc {
  /** The table's name. */
  tableName: string;
  /** Columns to return: names, or a map of name to alias. The key only if listed. */
  columns?: string[] | Record<string, string>;
  /** Keep null-valued columns of this table. */
  keepNone?: boolean;
  /** Read the table as of this revision. */
  revision?: number;
}

/** Options of {@link Datastore.scan}. */
export interface ScanOptions {
  /** First key. */
  start?: Key;
  /** Last key (exclusive unless `endInclusive`). */
  end?: Key;
  /** Whether `start` itself is included. @default {true} */
  startInclusive?: boolean;
  /** Whether `end` itself is included. @default {false} */
  endInclusive?: boolean;
  /** Keep null-valued columns. @default {false} */
  keepNone?: boolean;
  /** Most rows to return. */
  limit?: number;
  /** Columns to return (the key only if listed). */
  columns?: string[];
  /** Read as of this revision. */
  revision?: number;
  /** Descending key order. @default {false} */
  reverse?: boolean;
}

/** A table's key and column types. */
export interface TableSchema {
  /** The key column. */
  keyColumn: string;
  /** The key type. */
  keyType: "INT64" | "STRING";
  /** Column types as last written. */
  columns: ColumnSchema[];
}

/** Statistics of one table, for tools. */
export interface TableStats {
  /** The table. */
  name: string;
  /** Its segment files, newest first. */
  segments: SegmentInfo[];
  /** Versions held in memtables, not yet in segments. */
  memtableVersions: number;
  /** Revisions at or below this were folded by compaction. */
  horizon: number;
}

const OPEN_DIRS = new Set<string>();
const WAL_RE = /^wal-(\d{6,})\.log$/;
const SEG_RE = /^(\d{6,})\.seg$/;

function fileName(n: number, ext: string): string {
  return `${String(n).padStart(6, "0")}.${ext}`;
}

function walName(n: number): string {
  return `wal-${fileName(n, "log")}`;
}

/**
 * A datastore directory, open for reading and writing by this process only.
 *
 * Requires `--allow-read` and `--allow-write` on the directory.
 *
 * @example Write, merge and scan
 * ```ts
 * import { Datastore } from "@starwhale/sdk/datastore";
 * const dir = await Deno.makeTempDir();
 * await using ds = await Datastore.open(dir);
 * await ds.update("results", [{ id: 1, label: 3, pred: 5 }, { id: 2, label: 1, pred: 1 }]);
 * await ds.update("results", [{ id: 1, pred: 3 }]); // merges into the row
 * const rows = await Array.fromAsync(ds.scan("results"));
 * console.assert(rows[0].pred === 3 && rows[0].label === 3 && rows.length === 2);
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
  /** The error that broke a WAL, after which writes are refused. */
  #walError: unknown;
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

  private constructor(dir: string, storage: Storage, lock: FileLock, options: DatastoreOptions) {
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
   * replays the write-ahead log.
   *
   * @throws {DatastoreLockedError} If another process or handle has it open.
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
    const lock = await storage.tryLock(`${abs}/LOCK`);
    if (lock === null) throw new DatastoreLockedError(abs);
    OPEN_DIRS.add(abs);
    const ds = new Datastore(abs, storage, lock, options);
    try {
      await ds.#recover();
    } catch (e) {
      OPEN_DIRS.delete(abs);
      lock.release();
      throw e;
    }
    return ds;
  }

  async #recover(): Promise<void> {
    const storage = this.#storage;
    const manifest = await readManifest(storage, this.dir);
    if (manifest !== undefined) {
      this.#nextFile = manifest.nextFile;
      this.#lastRevision = manifest.lastRevision;
      this.#manifestWal = manifest.wal;
      for (const tm of manifest.tables) {
        const t = Table.fromManifest(tm);
        t.segments = tm.segments.map((s) => this.#reader(s));
        this.#tables.set(t.name, t);
      }
    }
    const names = await storage.list(this.dir);
    const wals = names.map((n) => WAL_RE.exec(n)).filter((m) => m !== null)
      .map((m) => Number(m![1])).sort((a, b) => a - b);
    const live = new Set(manifest?.tables.flatMap((t) => t.segments.map((s) => s.file)) ?? []);
    for (const n of names) {
      const stale = (SEG_RE.test(n) && !live.has(n)) || n === "MANIFEST.tmp";
      if (stale) await storage.remove(`${this.dir}/${n}`);
    }
    for (const [i, n] of wals.entries()) {
      const path = `${this.dir}/${walName(n)}`;
      if (n < this.#manifestWal) {
        await storage.remove(path);
        continue;
      }
      const contents = readWal(await storage.readFile(path), path);
      for (const payload of contents.records) this.#replay(payload);
      if (contents.torn && i === wals.length - 1) {
        await storage.truncate(path, contents.validLength);
      } else if (contents.torn) {
        throw new CorruptionError("WAL ends early", {
          file: path,
          offset: contents.validLength,
        });
      }
      this.#walFiles.push(n);
      this.#nextFile = Math.max(this.#nextFile, n + 1);
    }
    this.#visibleRevision = this.#lastRevision;
    this.#dirty = this.#walFiles.length > 0;
  }

  #replay(payload: Uint8Array): void {
    const rec = parseRecord(payload);
    let t = this.#tables.get(rec.table);
    if (t === undefined) {
      t = new Table(rec.table, rec.keyColumn);
      this.#tables.set(rec.table, t);
    }
    t.kind ??= rec.kind;
    t.visible = true;
    for (const [id, name] of rec.added) t.addColumn(name, id);
    for (const s of rec.schema) t.schema.set(s.name!, s);
    for (let i = 0; i < rec.keys.length; i++) {
      if (rec.op === OP_UPDATE) {
        t.memtable.put(rec.keys[i], rec.rev, payload, rec.offsets[i], rec.lengths[i]);
      } else t.memtable.put(rec.keys[i], rec.rev, null, 0, 0);
    }
    if (rec.rev > this.#lastRevision) this.#lastRevision = rec.rev;
  }

  #reader(info: SegmentInfo): SegmentReader {
    return new SegmentReader(this.#storage, `${this.dir}/${info.file}`, info, this.#cache);
  }

  /** The current WAL; the first call after open or a flush creates the file. */
  #currentWal(): Promise<WalWriter> {
    if (this.#wal === undefined) {
      const n = this.#nextFile++;
      this.#walFiles.push(n);
      this.#wal = WalWriter.open(this.#storage, `${this.dir}/${walName(n)}`, {
        durability: this.#durability,
      });
      this.#wal.catch((e) => this.#walError ??= e);
    }
    return this.#wal;
  }

  async #append(payload: Uint8Array): Promise<void> {
    this.#dirty = true;
    const wal = await this.#currentWal();
    try {
      await wal.append(payload);
    } catch (e) {
      this.#walError ??= e;
      throw e;
    }
  }

  #check(operation: string): void {
    if (this.#closed || this.#closing !== undefined) throw new DatastoreClosedError(operation);
    const broken = this.#walError;
    if (broken !== undefined) {
      throw new Error(`Cannot ${operation}: an earlier write failed; reopen the datastore`, {
        cause: broken,
      });
    }
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
  update(table: string, rows: readonly Row[], options: UpdateOptions = {}): Promise<number> {
    try {
      this.#check("update");
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
  delete(table: string, keys: readonly Key[]): Promise<number> {
    try {
      this.#check("delete");
      return this.#track(this.#writeDelete(table, keys));
    } catch (e) {
      return Promise.reject(e);
    }
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

  async #write(name: string, rows: readonly Row[], options: UpdateOptions): Promise<number> {
    checkTableName(name);
    if (!Array.isArray(rows)) {
      throw new TypeError(
        `Invalid rows for table '${name}': expected an array of objects, got ${
          describeValue(rows)
        }`,
      );
    }
    const existing = this.#tables.get(name);
    const keyColumn = options.keyColumn ?? existing?.keyColumn ?? "id";
    checkColumnName(keyColumn, name);
    if (existing !== undefined && existing.keyColumn !== keyColumn) {
      throw new TypeError(
        `Invalid key column '${keyColumn}' for table '${name}': the table is keyed by '${existing.keyColumn}'`,
      );
    }
    const declared = new Map<string, ColumnSchema>();
    for (const s of options.schema ?? []) {
      if (typeof s?.name !== "string") {
        throw new TypeError(
          `Invalid schema entry ${describeValue(s)} for table '${name}': expected { name, type }`,
        );
      }
      declared.set(s.name, s);
    }
    const t = existing ?? new Table(name, keyColumn);
    let kind = t.kind;
    const batch = mergeDuplicates(rows, keyColumn, name);
    const keys: Key[] = [];
    for (const row of batch) {
      const key = normalizeKey(row[keyColumn], kind, `table '${name}' column '${keyColumn}'`);
      kind ??= keyKindOf(key);
      keys.push(key);
    }
    if (kind === undefined) return this.#lastRevision; // an empty batch writes nothing
    // Encode everything first: any error leaves no trace.
    const added: [number, string][] = [];
    const pendingIds = new Map<string, number>();
    const columnId = (col: string): number => {
      const id = t.ids.get(col) ?? pendingIds.get(col);
      if (id !== undefined) return id;
      checkColumnName(col, name);
      const fresh = t.names.length + pendingIds.size;
      pendingIds.set(col, fresh);
      added.push([fresh, col]);
      return fresh;
    };
    const tags = new Map<string, number>();
    const rev = this.#lastRevision + 1;
    const w = new ByteWriter(256 + batch.length * 160);
    const countAt = startRecord(w, { op: OP_UPDATE, rev, table: name, keyColumn, kind });
    const offsets: number[] = [];
    const lengths: number[] = [];
    const onColumn = (col: string, tag: number) => {
      if (tag !== 0) tags.set(col, tag);
    };
    for (let i = 0; i < batch.length; i++) {
      const at = writeEntryKey(w, keys[i], true);
      const start = w.length;
      encodeColumns(w, batch[i], { keyColumn, columnId, schema: declared, onColumn });
      w.u32At(at, w.length - start);
      offsets.push(start);
      lengths.push(w.length - start);
    }
    // Commit the dictionary and types now, so concurrent writers agree on ids.
    if (existing === undefined) this.#tables.set(name, t);
    t.kind = kind;
    for (const [id, col] of added) t.addColumn(col, id);
    const changed: ColumnSchema[] = [];
    for (const [col, tag] of tags) {
      const s = t.noteType(col, tag, declared.get(col));
      if (s !== undefined) changed.push(s);
    }
    for (const [col, s] of declared) {
      if (!tags.has(col) && t.noteType(col, 0, s) !== undefined) changed.push(t.schema.get(col)!);
    }
    finishRecord(w, countAt, batch.length, added, changed);
    this.#lastRevision = rev;
    // The memtable keeps the payload alive until a flush: do not keep the writer's slack too.
    const payload = w.buf.length > w.length + (w.length >> 3) ? w.bytes().slice() : w.bytes();
    const mem = t.memtable;
    await this.#append(payload);
    for (let i = 0; i < keys.length; i++) mem.put(keys[i], rev, payload, offsets[i], lengths[i]);
    t.visible = true;
    if (rev > this.#visibleRevision) this.#visibleRevision = rev;
    return rev;
  }

  async #writeDelete(name: string, keyList: readonly Key[]): Promise<number> {
    checkTableName(name);
    if (!Array.isArray(keyList)) {
      throw new TypeError(
        `Invalid keys for table '${name}': expected an array, got ${describeValue(keyList)}`,
      );
    }
    const t = this.#tables.get(name);
    if (t === undefined || t.kind === undefined || keyList.length === 0) return this.#lastRevision;
    const what = `table '${name}' column '${t.keyColumn}'`;
    const keys = keyList.map((k) => normalizeKey(k, t.kind, what));
    const rev = this.#lastRevision + 1;
    const w = new ByteWriter(64 + keys.length * 12);
    const countAt = startRecord(w, {
      op: OP_DELETE,
      rev,
      table: name,
      keyColumn: t.keyColumn,
      kind: t.kind,
    });
    for (const k of keys) writeEntryKey(w, k, false);
    finishRecord(w, countAt, keys.length, [], []);
    this.#lastRevision = rev;
    const mem = t.memtable;
    await this.#append(w.bytes());
    for (const k of keys) mem.put(k, rev, null, 0, 0);
    if (rev > this.#visibleRevision) this.#visibleRevision = rev;
    return rev;
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
    const descs = (Array.isArray(tables) ? tables : [tables]).map((d) =>
      typeof d === "string" ? { tableName: d } : d
    );
    if (typeof tables === "string" && options.columns !== undefined) {
      descs[0] = { ...descs[0], columns: options.columns };
    }
    const limit = options.limit ?? Infinity;
    if (typeof limit !== "number" || Number.isNaN(limit) || limit < 0) {
      throw new TypeError(`Invalid limit ${describeValue(limit)}: expected a non-negative number`);
    }
    if (limit === 0) return;
    const streams = this.#openStreams(descs, options);
    try {
      if (streams.length === 1) {
        const s = streams[0];
        let count = 0;
        const m = new Merger(s.view, s.options);
        while (m.next()) {
          const row = rowOf(s.view, m.key!, m.heads, s.options);
          if (row === null) continue;
          yield s.alias === undefined ? row : applyAlias(row, s.alias);
          if (++count >= limit) return;
        }
      } else if (streams.length > 1) {
        yield* mergeTables(streams, options, limit);
      }
    } finally {
      for (const s of streams) closeView(s.view);
    }
  }

  #openStreams(descs: TableDesc[], options: ScanOptions): Stream[] {
    const streams: Stream[] = [];
    let kind: string | undefined;
    let first = "";
    try {
      for (const d of descs) {
        checkTableName(d?.tableName);
        const t = this.#tables.get(d.tableName);
        if (t === undefined || !t.visible || t.kind === undefined) continue;
        if (kind !== undefined && kind !== t.kind) {
          throw new TypeError(
            `Cannot scan '${first}' with '${t.name}': their keys are of different types (${kind}, ${t.kind})`,
          );
        }
        kind ??= t.kind;
        first ||= t.name;
        const what = `table '${t.name}' column '${t.keyColumn}'`;
        const bound = (k: Key | undefined) =>
          k === undefined || k === null ? undefined : normalizeKey(k, t.kind, what);
        const { wanted, withKey, alias } = projection(t, d.columns);
        const view = openView(t, this.#snapshot(t, d.revision ?? options.revision));
        streams.push({
          view,
          alias,
          options: {
            start: bound(options.start),
            end: bound(options.end),
            startInclusive: options.startInclusive ?? true,
            endInclusive: options.endInclusive ?? false,
            reverse: options.reverse === true,
            wanted,
            withKey,
            keepNone: descs.length === 1 ? options.keepNone === true : d.keepNone === true,
          },
        });
      }
    } catch (e) {
      for (const s of streams) closeView(s.view);
      throw e;
    }
    return streams;
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

  /** Segment and memtable statistics of each table (or those starting with `prefix`). */
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

  /** Writes every memtable to segments and syncs; the WAL is then empty. */
  async flush(): Promise<void> {
    this.#check("flush");
    await this.#flush();
  }

  #flush(): Promise<void> {
    this.#flushing ??= this.#flushNow().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushNow(): Promise<void> {
    if (!this.#dirty) return;
    const oldWal = this.#wal;
    const oldWalFiles = this.#walFiles;
    this.#wal = undefined;
    this.#walFiles = [];
    // Every WAL opened from now on gets a number at least this: the manifest's replay floor.
    const walFloor = this.#nextFile;
    const frozen: [Table, Memtable][] = [];
    // Freeze even empty memtables: a write still on its way to the old WAL lands in the
    // memtable it captured, and that memtable must reach a segment before the WAL goes.
    for (const t of this.#tables.values()) {
      frozen.push([t, t.memtable]);
      t.immutables.unshift(t.memtable);
      t.memtable = new Memtable();
    }
    await Promise.allSettled([...this.#inflight]);
    await (await oldWal)?.close();
    this.#dirty = this.#walFiles.length > 0;
    const written: [Table, Memtable, SegmentInfo][] = [];
    for (const [t, mem] of frozen) {
      if (mem.versions === 0) t.immutables = t.immutables.filter((m) => m !== mem);
      else written.push([t, mem, await this.#writeMemtable(t, mem)]);
    }
    if (written.length > 0) await this.#storage.syncDir(this.dir);
    for (const [t, mem, info] of written) {
      t.segments.unshift(this.#reader(info));
      t.immutables = t.immutables.filter((m) => m !== mem);
    }
    await this.#saveManifest(walFloor);
    for (const n of oldWalFiles) await this.#storage.remove(`${this.dir}/${walName(n)}`);
    for (const [t] of written) {
      if (t.segments.length >= this.#compactionTrigger) void this.#compact(t).catch(() => {});
    }
  }

  async #writeMemtable(t: Table, mem: Memtable): Promise<SegmentInfo> {
    const path = `${this.dir}/${fileName(this.#nextFile++, "seg")}`;
    const w = await SegmentWriter.create(this.#storage, path, { kind: t.kind! });
    try {
      const pool: VersionBytes[] = [];
      for (const key of mem.sortedKeys()) {
        w.add(key, pool, mem.collect(key, pool));
        if (w.pending >= 1 << 20) await w.drain();
      }
      return await w.finish();
    } catch (e) {
      w.abandon();
      await this.#storage.remove(path);
      throw e;
    }
  }

  #saveManifest(wal?: number): Promise<void> {
    const run = this.#manifestChain.then(async () => {
      if (wal !== undefined) this.#manifestWal = wal;
      const m: Manifest = {
        version: MANIFEST_VERSION,
        nextFile: this.#nextFile,
        lastRevision: this.#visibleRevision,
        wal: this.#manifestWal,
        tables: [...this.#tables.values()].filter((t) => t.visible && t.segments.length > 0)
          .map((t) => t.toManifest()),
      };
      await writeManifest(this.#storage, this.dir, m);
    });
    this.#manifestChain = run.catch(() => {});
    return run;
  }

  /**
   * Merges a table's segments (all tables when `table` is omitted) into one, dropping
   * overwritten versions and deleted rows. Flushes memtables first. Reads stay correct while it
   * runs; reads as of revisions before it then fail with a RangeError.
   */
  async compact(table?: string): Promise<void> {
    this.#check("compact");
    await this.#flush();
    const targets = table === undefined ? [...this.#tables.values()] : [this.#tables.get(table)];
    for (const t of targets) if (t !== undefined) await this.#compact(t);
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
    const view: View = { table: t, mems: [], segs: inputs, snapshot: Infinity };
    const path = `${this.dir}/${fileName(this.#nextFile++, "seg")}`;
    let info: SegmentInfo;
    const w = await SegmentWriter.create(this.#storage, path, { kind: t.kind! });
    try {
      const opts = {
        startInclusive: true,
        endInclusive: false,
        reverse: false,
        withKey: true,
        keepNone: true,
      };
      const m = new Merger(view, opts);
      while (m.next()) {
        const key = m.key!;
        const versions = visibleVersions(m.heads, Infinity);
        if (versions === null) continue;
        const bytes = mergeColumnBytes(versions);
        w.add(key, [{
          rev: versions[versions.length - 1].rev,
          buf: bytes,
          off: 0,
          len: bytes.length,
        }]);
        if (w.pending >= 1 << 20) await w.drain();
      }
      info = await w.finish();
      await this.#storage.syncDir(this.dir);
    } catch (e) {
      w.abandon();
      for (const s of inputs) s.release();
      await this.#storage.remove(path);
      throw e;
    }
    const horizon = Math.max(t.horizon, ...inputs.map((s) => s.info.maxRev));
    t.segments = [...t.segments.filter((s) => !inputs.includes(s)), this.#reader(info)];
    t.horizon = horizon;
    try {
      await this.#saveManifest();
    } finally {
      for (const s of inputs) {
        s.whenUnused(() => void this.#storage.remove(s.path).catch(() => {}));
        s.release(); // the scan reference taken above
        s.release(); // the table's reference
      }
    }
  }

  /**
   * Waits for writes, flushes memtables to segments, syncs, writes the manifest and releases the
   * LOCK. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  async #closeNow(): Promise<void> {
    try {
      await Promise.allSettled([...this.#inflight]);
      if (this.#walError === undefined) {
        await this.#flushing;
        await this.#flush();
        for (const t of this.#tables.values()) await t.compaction?.catch(() => {});
      } else {
        (await this.#wal?.catch(() => undefined))?.abandon();
      }
    } finally {
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

/**
 * The rows of a scan, as an async iterator. Rows are computed on demand; `break` (or `return()`)
 * releases the segments the scan holds.
 */
export class RowIterator implements AsyncIterableIterator<Row> {
  #rows: Generator<Row>;
  #closed: () => boolean;

  /** @internal */
  constructor(rows: Generator<Row>, closed: () => boolean) {
    this.#rows = rows;
    this.#closed = closed;
  }

  /** The next row. */
  next(): Promise<IteratorResult<Row>> {
    try {
      if (this.#closed()) throw new DatastoreClosedError("scan");
      return Promise.resolve(this.#rows.next());
    } catch (e) {
      this.#rows.return(undefined);
      return Promise.reject(e);
    }
  }

  /** Stops the scan and releases what it holds. */
  return(): Promise<IteratorResult<Row>> {
    this.#rows.return(undefined);
    return Promise.resolve({ done: true, value: undefined });
  }

  /** The iterator itself. */
  [Symbol.asyncIterator](): RowIterator {
    return this;
  }
}

interface Stream {
  view: View;
  options: RowStreamOptions;
  alias: Map<string, string> | undefined;
}

function projection(
  t: Table,
  columns: string[] | Record<string, string> | undefined,
): { wanted?: Set<number>; withKey: boolean; alias?: Map<string, string> } {
  if (columns === undefined) return { withKey: true };
  const pairs: [string, string][] = Array.isArray(columns)
    ? columns.map((c) => [c, c])
    : Object.entries(columns);
  const seen = new Set<string>();
  const alias = new Map<string, string>();
  const wanted = new Set<number>();
  let withKey = false;
  for (const [name, as] of pairs) {
    if (typeof name !== "string" || typeof as !== "string") {
      throw new TypeError(
        `Invalid column ${describeValue(name)} for table '${t.name}': expected a string`,
      );
    }
    if (seen.has(as)) {
      throw new TypeError(`Duplicate column or alias '${as}' for table '${t.name}'`);
    }
    seen.add(as);
    if (name !== as) alias.set(name, as);
    if (name === t.keyColumn) withKey = true;
    const id = t.ids.get(name);
    if (id !== undefined) wanted.add(id);
  }
  return { wanted, withKey, alias: alias.size > 0 ? alias : undefined };
}

function applyAlias(row: Row, alias: Map<string, string>): Row {
  const out: Row = {};
  for (const k in row) out[alias.get(k) ?? k] = row[k];
  return out;
}

function mergeDuplicates(rows: readonly Row[], keyColumn: string, table: string): Row[] {
  const seen = new Map<unknown, number>();
  let out: Row[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Invalid row ${describeValue(row)} at index ${i} for table '${table}': expected an object`,
      );
    }
    if (!(keyColumn in row) || row[keyColumn] === null || row[keyColumn] === undefined) {
      throw new TypeError(
        `Invalid row at index ${i} for table '${table}': the key column '${keyColumn}' is missing`,
      );
    }
    let k = row[keyColumn] as unknown;
    if (typeof k === "bigint" && k >= -(2n ** 53n) && k <= 2n ** 53n) k = Number(k);
    const j = seen.get(k);
    if (j === undefined) {
      seen.set(k, out === undefined ? i : out.length);
      out?.push(row);
    } else {
      out ??= rows.slice(0, i) as Row[];
      out[j] = { ...out[j], ...row };
    }
  }
  return out ?? (rows as Row[]);
}

function* mergeTables(
  streams: Stream[],
  options: ScanOptions,
  limit: number,
): Generator<Row> {
  const iters = streams.map((s) => {
    const m = new Merger(s.view, s.options);
    return { s, m, live: m.next() };
  });
  const sign = options.reverse ? -1 : 1;
  let count = 0;
  while (true) {
    let key: Key | undefined;
    for (const x of iters) {
      if (!x.live) continue;
      const k = x.m.key!;
      if (key === undefined || (k < key ? -1 : k > key ? 1 : 0) * sign < 0) key = k;
    }
    if (key === undefined) return;
    let acc: Row = {};
    for (const x of iters) {
      if (!x.live || x.m.key !== key) continue;
      const row = rowOf(x.s.view, key, x.m.heads, x.s.options);
      x.live = x.m.next();
      if (row === null) {
        acc = {};
        continue;
      }
      Object.assign(acc, x.s.alias === undefined ? row : applyAlias(row, x.s.alias));
    }
    if (!options.keepNone) {
      for (const k in acc) if (acc[k] === null) delete acc[k];
    }
    if (Object.keys(acc).length === 0) continue;
    yield acc;
    if (++count >= limit) return;
  }
}
