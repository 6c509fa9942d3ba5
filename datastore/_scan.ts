/**
 * The read path: a snapshot view of one table (memtables and segments), a k-way merge of their
 * cursors, and the fold of each key's versions into a row.
 *
 * @module
 */

import { compareKeys } from "./_key.ts";
import { lowerBound, type Memtable, type Version } from "./_memtable.ts";
import { foldRow, visibleVersions } from "./_row.ts";
import type { Cursor, CursorOptions, SegmentReader } from "./_segment_reader.ts";
import type { Table } from "./_table.ts";
import type { Key, Row } from "./_value.ts";

/** A consistent view of a table at one revision; holds references on its segments. */
export interface View {
  table: Table;
  mems: Memtable[];
  segs: SegmentReader[];
  snapshot: number;
}

/**
 * Takes a view of `table` as of `snapshot`. A pinned view holds references on its segments
 * (for reads that span awaits); release it with {@link closeView}.
 */
export function openView(table: Table, snapshot: number, pin = true): View {
  const segs = table.segments.slice();
  if (pin) { for (const s of segs) s.acquire(); }
  const mems = table.immutables.length === 0
    ? [table.memtable]
    : [table.memtable, ...table.immutables];
  return { table, mems, segs, snapshot };
}

/** Drops the view's segment references. */
export function closeView(view: View): void {
  for (const s of view.segs) s.release();
  view.segs = [];
}

/** Bounds and shape of a row stream. */
export interface RowStreamOptions {
  start?: Key;
  end?: Key;
  startInclusive: boolean;
  endInclusive: boolean;
  reverse: boolean;
  /** Column ids to decode (all when absent). */
  wanted?: Set<number>;
  /** Whether the key column is part of the output. */
  withKey: boolean;
  keepNone: boolean;
  /** Filled in by the first `rowOf` of a stream (the same table each time). */
  fold?: { keyColumn: string; names: string[]; wanted?: Set<number>; keepNone: boolean };
}

class MemCursor implements Cursor {
  key: Key | undefined;
  head: Version | undefined;
  #mem: Memtable;
  #keys: Key[];
  #i: number;
  #step: number;

  constructor(mem: Memtable, options: CursorOptions) {
    this.#mem = mem;
    this.#keys = mem.sortedKeys();
    this.#step = options.reverse ? -1 : 1;
    if (options.from === undefined) this.#i = options.reverse ? this.#keys.length - 1 : 0;
    else if (options.reverse) {
      this.#i = lowerBound(this.#keys, options.from, !options.exclusive) - 1;
    } else this.#i = lowerBound(this.#keys, options.from, options.exclusive === true);
    this.#load();
  }

  #load(): void {
    this.key = this.#keys[this.#i];
    this.head = this.key === undefined ? undefined : this.#mem.get(this.key);
  }

  next(): void {
    this.#i += this.#step;
    this.#load();
  }
}

function cursorsOf(view: View, options: CursorOptions): Cursor[] {
  const out: Cursor[] = [];
  for (const m of view.mems) if (m.size > 0) out.push(new MemCursor(m, options));
  for (const s of view.segs) out.push(s.cursor(options));
  return out;
}

/**
 * Walks the keys of a view in order. After `next()` returns true, `key` is the current key and
 * `heads` (reused between keys) holds its newest version from each source, newest source first.
 */
export class Merger {
  key: Key | undefined;
  readonly heads: Version[] = [];
  #cursors: Cursor[];
  #stop: Key | undefined;
  #stopInclusive: boolean;
  #sign: number;

  constructor(view: View, options: RowStreamOptions) {
    const reverse = options.reverse;
    const from = reverse ? options.end : options.start;
    const exclusive = reverse ? !options.endInclusive : !options.startInclusive;
    this.#cursors = cursorsOf(view, { from, exclusive, reverse });
    this.#stop = reverse ? options.start : options.end;
    this.#stopInclusive = reverse ? options.startInclusive : options.endInclusive;
    this.#sign = reverse ? -1 : 1;
  }

  next(): boolean {
    const cursors = this.#cursors;
    const heads = this.heads;
    heads.length = 0;
    let key: Key | undefined;
    if (cursors.length === 1) {
      const c = cursors[0];
      key = c.key;
      if (key === undefined) return this.#end();
      heads.push(c.head!);
      c.next();
    } else {
      const sign = this.#sign;
      for (const c of cursors) {
        if (c.key !== undefined && (key === undefined || compareKeys(c.key, key) * sign < 0)) {
          key = c.key;
        }
      }
      if (key === undefined) return this.#end();
      for (const c of cursors) {
        if (c.key !== undefined && compareKeys(c.key, key) === 0) {
          heads.push(c.head!);
          c.next();
        }
      }
    }
    if (this.#stop !== undefined) {
      const c = compareKeys(key, this.#stop) * this.#sign;
      if (c > 0 || (c === 0 && !this.#stopInclusive)) return this.#end();
    }
    this.key = key;
    return true;
  }

  #end(): boolean {
    this.key = undefined;
    this.heads.length = 0;
    return false;
  }
}

/** Builds the visible row of a key from its versions, or `null` if deleted or absent. */
export function rowOf(
  view: View,
  key: Key,
  heads: Version[],
  options: RowStreamOptions,
): Row | null {
  const t = view.table;
  const fold = options.fold ??= {
    keyColumn: t.keyColumn,
    names: t.names,
    wanted: options.wanted,
    keepNone: options.keepNone,
  };
  const only = heads.length === 1 ? heads[0] : undefined;
  let row: Row;
  if (
    only !== undefined && only.prev === undefined && only.buf !== null &&
    only.rev <= view.snapshot
  ) {
    SINGLE[0] = only; // the common case: one version, no array to build
    row = foldRow(SINGLE, key, fold);
  } else {
    const versions = visibleVersions(heads, view.snapshot);
    if (versions === null) return null;
    row = foldRow(versions, key, fold);
  }
  if (!options.withKey) delete row[t.keyColumn];
  return row;
}

const SINGLE: Version[] = [];

/** The versions of one key across a view's sources, newest source first. */
export function versionsOf(view: View, key: Key): Version[] {
  const heads: Version[] = [];
  for (const m of view.mems) {
    const v = m.get(key);
    if (v !== undefined) heads.push(v);
  }
  const useBloom = view.segs.length > 1 || view.mems.some((m) => m.size > 0);
  for (const s of view.segs) {
    const v = s.get(key, useBloom);
    if (v !== undefined) heads.push(v);
  }
  return heads;
}
