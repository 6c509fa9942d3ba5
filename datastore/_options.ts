/**
 * The option and result types of the {@link Datastore} API, and {@link Durability}, declared once
 * here for the engine and its callers.
 *
 * @module
 */

import type { Storage } from "./_storage.ts";
import type { SegmentInfo } from "./_segment_format.ts";
import type { ColumnSchema, Key, Row } from "./_value.ts";

/**
 * How durable an acknowledged write is: `fsync` once synced to disk, `flush` once handed to the
 * OS (synced at `flush()`/`close()`), `none` at once (written in the background).
 */
export type Durability = "fsync" | "flush" | "none";

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
  /**
   * Open for reading only, writing nothing to the directory (no LOCK, no WAL, no MANIFEST, no
   * socket): the store as its files are at open, a missing directory as an empty store. Writes
   * throw `DatastoreReadOnlyError`. For a process with read permission only.
   * @default {false}
   */
  readOnly?: boolean;
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

/** One part of an atomic {@link Datastore.write}: upserts and deletions in one table. */
export interface TableWrite {
  /** The table's name, created on first write. */
  table: string;
  /** Rows to insert or merge (applied before `deletes`). */
  rows?: readonly Row[];
  /** Keys of rows to delete. */
  deletes?: readonly Key[];
  /** The key column. @default {"id"} (or the table's existing key column) */
  keyColumn?: string;
  /** Column types that override the inferred ones. */
  schema?: ColumnSchema[];
}
