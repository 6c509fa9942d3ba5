/**
 * Scans: a {@link RowIterator} over the merged view of one table, or of several tables merged
 * by key (later tables win on shared column names).
 *
 * @module
 */

import { DatastoreClosedError } from "./_errors.ts";
import { compareKeys, normalizeKey } from "./_key.ts";
import type { ScanOptions, TableDesc } from "./_options.ts";
import { closeView, Merger, openView, rowOf, type RowStreamOptions, type View } from "./_scan.ts";
import type { Table } from "./_table.ts";
import { checkTableName } from "./_validate.ts";
import { describeValue, type Key, type Row } from "./_value.ts";

/** What a scan reads from: the datastore's tables and the revision a read sees. */
export interface ScanSource {
  /** The table named `name`, if any. */
  table(name: string): Table | undefined;
  /** The snapshot revision for reading `t` as of `revision` (current when `undefined`). */
  snapshot(t: Table, revision: number | undefined): number;
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

  /**
   * Up to `max` next rows at once: fewer only when the scan ends, none once it has ended. One
   * promise for the lot, where `next()` makes one per row.
   *
   * @param max How many rows at most (a positive integer).
   * @returns The rows, in scan order.
   */
  nextBatch(max: number): Promise<Row[]> {
    try {
      if (this.#closed()) throw new DatastoreClosedError("scan");
      checkBatchSize(max);
      const rows: Row[] = [];
      while (rows.length < max) {
        const next = this.#rows.next();
        if (next.done) break;
        rows.push(next.value);
      }
      return Promise.resolve(rows);
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

/** Throws unless `max` is a positive integer (the size of a batch of rows). */
export function checkBatchSize(max: number): void {
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError(`Invalid batch size ${describeValue(max)}: expected a positive integer`);
  }
}

/**
 * The rows of a scan of `tables`, computed on demand; the views it opens are closed when the
 * generator ends or is returned.
 */
export function* scanRows(
  source: ScanSource,
  tables: string | (string | TableDesc)[],
  options: ScanOptions,
): Generator<Row> {
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
  const streams = openStreams(source, descs, options);
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

function openStreams(source: ScanSource, descs: TableDesc[], options: ScanOptions): Stream[] {
  const streams: Stream[] = [];
  let kind: string | undefined;
  let first = "";
  try {
    for (const d of descs) {
      checkTableName(d?.tableName);
      const t = source.table(d.tableName);
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
      const view = openView(t, source.snapshot(t, d.revision ?? options.revision));
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
      if (key === undefined || compareKeys(k, key) * sign < 0) key = k;
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
