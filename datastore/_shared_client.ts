/**
 * A {@link Datastore} whose directory another process owns: every call goes over the owner's
 * socket; when the owner closes or dies, this process (or another client) takes the LOCK,
 * recovers from the WAL as an open does, and serves. Importing this module makes
 * `Datastore.open` share a held directory instead of failing.
 *
 * @module
 */

import { Datastore, shareWith } from "./_datastore.ts";
import { DatastoreClosedError } from "./_errors.ts";
import type {
  DatastoreOptions,
  ScanOptions,
  TableDesc,
  TableSchema,
  TableStats,
  TableWrite,
  UpdateOptions,
} from "./_options.ts";
import { checkBatchSize, RowIterator } from "./_row_iterator.ts";
import { serve } from "./_shared_owner.ts";
import { OwnerGoneError } from "./_shared_protocol.ts";
import { type Batch, Remote } from "./_shared_remote.ts";
import { denoStorage } from "./_storage.ts";
import type { Key, Row } from "./_value.ts";

/** What a call runs on: the owner over its socket, or this process's own engine. */
type Backend = Remote | Datastore;

const NO_LOCK = { release(): void {} };

/** Owners a request is sent to before it fails (all requests are idempotent in effect). */
const HAND_OVERS = 5;

/** A datastore used through the process that owns its directory. */
class SharedDatastore extends Datastore {
  #options: DatastoreOptions;
  #backend: Backend;
  #handing: Promise<Backend> | undefined;
  #inflight = new Set<Promise<unknown>>();
  #closed = false;
  #writeFailure: Error | undefined;

  constructor(dir: string, remote: Remote, options: DatastoreOptions) {
    super(dir, options.storage ?? denoStorage, NO_LOCK, { blockCacheBytes: 0 });
    this.#options = options;
    this.#backend = remote;
  }

  /** Runs `fn` on the current backend; once more on the next owner if this one went away. */
  #call<T>(operation: string, fn: (b: Backend) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new DatastoreClosedError(operation));
    const work = (async () => {
      let backend = this.#backend;
      // A dying owner can still accept a connection for an instant: try a few owners.
      for (let attempt = 1;; attempt++) {
        try {
          return await fn(backend);
        } catch (e) {
          if (!(e instanceof OwnerGoneError)) throw e;
          if (attempt === HAND_OVERS) {
            throw new Error(
              `Cannot ${operation} in datastore '${this.dir}': its owner went away ${attempt} times`,
              { cause: e },
            );
          }
          backend = await this.#handOver();
        }
      }
    })();
    this.#inflight.add(work);
    const done = () => this.#inflight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Takes over from an owner that went away: becomes the owner or joins the next one. */
  #handOver(): Promise<Backend> {
    if (!(this.#backend instanceof Remote) || !this.#backend.gone) {
      return Promise.resolve(this.#backend);
    }
    this.#handing ??= (async () => {
      try {
        const next = await Datastore.open(this.dir, this.#options);
        this.#backend = next instanceof SharedDatastore ? next.#backend : next;
        return this.#backend;
      } finally {
        this.#handing = undefined;
      }
    })();
    return this.#handing;
  }

  #write(operation: string, fn: (b: Backend) => Promise<number>): Promise<number> {
    const work = this.#call(operation, fn);
    work.then(() => this.#writeFailure = undefined, (e) => {
      if (!(e instanceof TypeError || e instanceof RangeError)) this.#writeFailure = e;
    });
    return work;
  }

  override get writeFailure(): Error | undefined {
    if (this.#backend instanceof Datastore) return this.#backend.writeFailure;
    return this.#writeFailure;
  }

  override get revision(): number {
    return this.#backend.revision;
  }

  override update(
    table: string,
    rows: readonly Row[],
    options: UpdateOptions = {},
  ): Promise<number> {
    return this.#write("update", (b) => b.update(table, rows, options));
  }

  override delete(table: string, keys: readonly Key[]): Promise<number> {
    return this.#write("delete", (b) => b.delete(table, keys));
  }

  override write(parts: readonly TableWrite[]): Promise<number> {
    return this.#write("write", (b) => b.write(parts));
  }

  override get(
    table: string,
    key: Key,
    options: { keepNone?: boolean; revision?: number } = {},
  ): Promise<Row | undefined> {
    return this.#call("get", (b) => b.get(table, key, options));
  }

  override schema(table: string): Promise<TableSchema | undefined> {
    return this.#call("read a schema", (b) => b.schema(table));
  }

  override flush(): Promise<void> {
    return this.#call("flush", (b) => b.flush());
  }

  override compact(table?: string): Promise<void> {
    return this.#call("compact", (b) => b.compact(table));
  }

  override scan(tables: string | (string | TableDesc)[], options: ScanOptions = {}): RowIterator {
    return new SharedRows({
      closed: () => this.#closed,
      open: () => this.#call("scan", (b) => Promise.resolve(b)),
      handOver: () => this.#handOver(),
    }, { tables, options });
  }

  /** Table names from `TABLES`, which the owner appends to before acknowledging a new table. */
  override tables(prefix = ""): string[] {
    if (this.#closed) throw new DatastoreClosedError("list tables");
    if (this.#backend instanceof Datastore) return this.#backend.tables(prefix);
    const text = new TextDecoder().decode(Deno.readFileSync(`${this.dir}/TABLES`));
    const names = new Set(text.split("\n").slice(0, -1)); // a torn last line is not a name
    return [...names].filter((t) => t.startsWith(prefix)).sort();
  }

  override stats(prefix = ""): TableStats[] {
    if (this.#backend instanceof Datastore) return this.#backend.stats(prefix);
    throw new Error(
      `Table statistics of datastore '${this.dir}' are synchronous only in the process that ` +
        `owns it: use readStats() elsewhere`,
    );
  }

  override readStats(prefix = ""): Promise<TableStats[]> {
    return this.#call(
      "read statistics",
      (b) => b instanceof Datastore ? b.readStats(prefix) : b.stats(prefix),
    );
  }

  override async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.allSettled([...this.#inflight]);
    this.#closed = true;
    const b = this.#backend;
    if (b instanceof Remote) b.close();
    else await b.close();
  }
}

/** What a {@link SharedRows} needs of its datastore. */
interface RowsSource {
  closed(): boolean;
  open(): Promise<Backend>;
  handOver(): Promise<Backend>;
}

/** The tables and options of a scan. */
interface Query {
  tables: string | (string | TableDesc)[];
  options: ScanOptions;
}

/** A scan through the owner, streamed in batches: the next batch is asked for when one is used. */
class SharedRows extends RowIterator {
  #source: RowsSource;
  #query: Query;
  #local: RowIterator | undefined;
  #remote: { conn: Remote; id: number } | undefined;
  #rows: Row[] = [];
  #at = 0;
  #done = false;
  #started = false;

  constructor(source: RowsSource, query: Query) {
    super((function* () {})(), source.closed);
    this.#source = source;
    this.#query = query;
  }

  override async next(): Promise<IteratorResult<Row>> {
    if (this.#source.closed()) throw new DatastoreClosedError("scan");
    if (this.#local === undefined && await this.#ready()) {
      return { done: false, value: this.#rows[this.#at++] };
    }
    return this.#local?.next() ?? { done: true, value: undefined };
  }

  override async nextBatch(max: number): Promise<Row[]> {
    if (this.#source.closed()) throw new DatastoreClosedError("scan");
    checkBatchSize(max);
    const out: Row[] = [];
    while (out.length < max && this.#local === undefined && await this.#ready()) {
      const end = Math.min(this.#rows.length, this.#at + max - out.length);
      while (this.#at < end) out.push(this.#rows[this.#at++]);
    }
    if (this.#local !== undefined && out.length < max) {
      for (const row of await this.#local.nextBatch(max - out.length)) out.push(row);
    }
    return out;
  }

  /**
   * Has rows ready to take: `true` when some are buffered, `false` when the scan has ended or
   * turned out to be local (this process became the owner: `#local` reads it).
   */
  async #ready(): Promise<boolean> {
    while (this.#at >= this.#rows.length) {
      if (this.#done) return false;
      let batch: Batch;
      if (!this.#started) {
        this.#started = true;
        batch = await this.#start();
        if (this.#local !== undefined) return false;
      } else {
        try {
          batch = await this.#remote!.conn.scanMore(this.#remote!.id);
        } catch (e) {
          this.#done = true;
          if (!(e instanceof OwnerGoneError)) throw e;
          throw new Error("The datastore's owner process went away during a scan: scan again", {
            cause: e,
          });
        }
      }
      [this.#rows, this.#done] = batch;
      this.#at = 0;
    }
    return true;
  }

  async #start(): Promise<Batch> {
    let b = await this.#source.open();
    for (let attempt = 0;; attempt++) {
      if (b instanceof Datastore) {
        this.#local = b.scan(this.#query.tables, this.#query.options);
        return [[], false];
      }
      try {
        const [id, batch] = await b.scanOpen(this.#query.tables, this.#query.options);
        this.#remote = { conn: b, id };
        return batch;
      } catch (e) {
        if (!(e instanceof OwnerGoneError) || attempt === HAND_OVERS) throw e;
        b = await this.#source.handOver();
      }
    }
  }

  override return(): Promise<IteratorResult<Row>> {
    if (this.#local !== undefined) return this.#local.return();
    if (this.#remote !== undefined && !this.#done) this.#remote.conn.scanEnd(this.#remote.id);
    this.#done = true;
    this.#rows = [];
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** The datastore class, with sharing between processes installed. */
export { Datastore };

shareWith({
  connect: async (dir, options) => {
    const remote = await Remote.connect(dir, options.durability ?? "fsync");
    return remote === null ? null : new SharedDatastore(dir, remote, options);
  },
  serve,
});
