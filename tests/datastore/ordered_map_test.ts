import { BlockCache } from "../../datastore/_block_cache.ts";
import { ByteWriter } from "../../datastore/_bytes.ts";
import type { KeyKind } from "../../datastore/_key.ts";
import { Memtable } from "../../datastore/_memtable.ts";
import { encodeColumns } from "../../datastore/_row.ts";
import {
  Merger,
  rowOf,
  type RowStreamOptions,
  versionsOf,
  type View,
} from "../../datastore/_scan.ts";
import { SegmentReader } from "../../datastore/_segment_reader.ts";
import { SegmentWriter, type VersionBytes } from "../../datastore/_segment_writer.ts";
import { Table } from "../../datastore/_table.ts";
import { Datastore, denoStorage, type Key } from "../../datastore/mod.ts";
import { collect, tempDir } from "./_helpers.ts";
import { type OrderedMap, orderedMapContract, type RangeOptions } from "./ordered_map_contract.ts";

function rowBytes(value: string): Uint8Array {
  const w = new ByteWriter(64);
  encodeColumns(w, { v: value }, { keyColumn: "id", columnId: () => 0 });
  return w.bytes().slice();
}

function streamOptions(o: RangeOptions): RowStreamOptions {
  return {
    start: o.start,
    end: o.end,
    startInclusive: o.startInclusive ?? true,
    endInclusive: o.endInclusive ?? false,
    reverse: o.reverse === true,
    withKey: true,
    keepNone: false,
  };
}

/** Reads through the engine's read path (Merger, rowOf) over whatever sources `view()` gives. */
abstract class ViewMap implements OrderedMap {
  readonly table: Table;
  mem = new Memtable();
  rev = 0;

  constructor(kind: KeyKind) {
    this.table = new Table("t", "id");
    this.table.kind = kind;
    this.table.addColumn("v", 0);
  }

  abstract view(): Promise<View>;

  put(key: Key, value: string): Promise<void> {
    const bytes = rowBytes(value);
    this.mem.put(key, ++this.rev, bytes, 0, bytes.length);
    return Promise.resolve();
  }

  delete(key: Key): Promise<void> {
    this.mem.put(key, ++this.rev, null, 0, 0);
    return Promise.resolve();
  }

  async get(key: Key): Promise<string | undefined> {
    const view = await this.view();
    const heads = versionsOf(view, key);
    if (heads.length === 0) return undefined;
    return rowOf(view, key, heads, streamOptions({}))?.v as string | undefined;
  }

  async scan(o: RangeOptions): Promise<[Key, string][]> {
    const view = await this.view();
    const opts = streamOptions(o);
    const m = new Merger(view, opts);
    const out: [Key, string][] = [];
    while (out.length < (o.limit ?? Infinity) && m.next()) {
      const row = rowOf(view, m.key!, m.heads, opts);
      if (row !== null) out.push([m.key!, row.v as string]);
    }
    return out;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class MemtableMap extends ViewMap {
  view(): Promise<View> {
    return Promise.resolve({ table: this.table, mems: [this.mem], segs: [], snapshot: Infinity });
  }
}

/** Writes a memtable's versions (newest first per key) to a segment and opens it. */
async function toSegment(
  dir: string,
  n: number,
  mem: Memtable,
  kind: KeyKind,
  cache: BlockCache,
): Promise<SegmentReader> {
  const path = `${dir}/${String(n).padStart(6, "0")}.seg`;
  const w = await SegmentWriter.create(denoStorage, path, { kind });
  for (const key of mem.sortedKeys()) {
    const versions: VersionBytes[] = [];
    for (let v = mem.get(key); v !== undefined; v = v.prev) versions.push(v);
    w.add(key, versions);
  }
  return new SegmentReader(denoStorage, path, await w.finish(), cache);
}

/** Every read rewrites all writes so far into one segment and reads that. */
class SegmentMap extends ViewMap {
  #dir: string;
  #files = 0;
  #seg: SegmentReader | undefined;
  #dirty = true;
  #cache = new BlockCache(1 << 20);

  constructor(kind: KeyKind, dir: string) {
    super(kind);
    this.#dir = dir;
  }

  override put(key: Key, value: string): Promise<void> {
    this.#dirty = true;
    return super.put(key, value);
  }

  override delete(key: Key): Promise<void> {
    this.#dirty = true;
    return super.delete(key);
  }

  async view(): Promise<View> {
    if (this.#dirty) {
      this.#seg?.closeFile();
      this.#seg = await toSegment(
        this.#dir,
        ++this.#files,
        this.mem,
        this.table.kind!,
        this.#cache,
      );
      this.#dirty = false;
    }
    return { table: this.table, mems: [], segs: [this.#seg!], snapshot: Infinity };
  }

  override close(): Promise<void> {
    this.#seg?.closeFile();
    return Promise.resolve();
  }
}

/** A memtable over several segments; every checkpoint and every 64 writes cut a segment. */
class MergedMap extends ViewMap {
  #dir: string;
  #segs: SegmentReader[] = [];
  #writes = 0;
  #cache = new BlockCache(16 << 10);

  constructor(kind: KeyKind, dir: string) {
    super(kind);
    this.#dir = dir;
  }

  override async put(key: Key, value: string): Promise<void> {
    await super.put(key, value);
    if (++this.#writes % 64 === 0) await this.checkpoint();
  }

  override async delete(key: Key): Promise<void> {
    await super.delete(key);
    if (++this.#writes % 64 === 0) await this.checkpoint();
  }

  async checkpoint(): Promise<void> {
    if (this.mem.size === 0) return;
    const n = this.#segs.length + 1;
    this.#segs.unshift(await toSegment(this.#dir, n, this.mem, this.table.kind!, this.#cache));
    this.mem = new Memtable();
  }

  view(): Promise<View> {
    return Promise.resolve({
      table: this.table,
      mems: [this.mem],
      segs: this.#segs,
      snapshot: Infinity,
    });
  }

  override close(): Promise<void> {
    for (const s of this.#segs) s.closeFile();
    return Promise.resolve();
  }
}

/** The whole datastore; checkpoints alternate flush, compaction and reopen. */
class DatastoreMap implements OrderedMap {
  #dir: string;
  #ds: Datastore;
  #checkpoints = 0;

  constructor(dir: string, ds: Datastore) {
    this.#dir = dir;
    this.#ds = ds;
  }

  static async open(dir: string): Promise<DatastoreMap> {
    return new DatastoreMap(dir, await Datastore.open(dir, { compactionTrigger: 3 }));
  }

  async put(key: Key, value: string): Promise<void> {
    await this.#ds.update("t", [{ id: key, v: value }]);
  }

  async delete(key: Key): Promise<void> {
    await this.#ds.delete("t", [key]);
  }

  async get(key: Key): Promise<string | undefined> {
    return (await this.#ds.get("t", key))?.v as string | undefined;
  }

  async scan(o: RangeOptions): Promise<[Key, string][]> {
    const rows = await collect(this.#ds.scan("t", o));
    return rows.map((r) => [r.id as Key, r.v as string]);
  }

  async checkpoint(): Promise<void> {
    const step = this.#checkpoints++ % 3;
    if (step === 0) await this.#ds.flush();
    else if (step === 1) await this.#ds.compact();
    else {
      await this.#ds.close();
      this.#ds = await Datastore.open(this.#dir, { compactionTrigger: 3 });
    }
  }

  close(): Promise<void> {
    return this.#ds.close();
  }
}

/** Wraps a factory so the map's temp directory is removed when the map closes. */
function withDir(make: (kind: KeyKind, dir: string) => Promise<OrderedMap>) {
  return async (kind: KeyKind): Promise<OrderedMap> => {
    const dir = await tempDir();
    const map = await make(kind, dir.path);
    const close = map.close.bind(map);
    map.close = async () => {
      try {
        await close();
      } finally {
        await dir[Symbol.asyncDispose]();
      }
    };
    return map;
  };
}

orderedMapContract("Memtable", (kind) => Promise.resolve(new MemtableMap(kind)));
orderedMapContract("Segment", withDir((kind, dir) => Promise.resolve(new SegmentMap(kind, dir))));
orderedMapContract(
  "Merged view",
  withDir((kind, dir) => Promise.resolve(new MergedMap(kind, dir))),
);
orderedMapContract("Datastore", withDir((_kind, dir) => DatastoreMap.open(dir)));
