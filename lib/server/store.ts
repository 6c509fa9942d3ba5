/**
 * What the server needs of a datastore: the subset of `Datastore` (datastore/mod.ts) its routes
 * call, so the server can be given the datastore a `StandaloneInstance` already holds open.
 *
 * @module
 */
import type { ColumnSchema, ColumnType, Key, Row, TableWrite } from "../../datastore/mod.ts";

/** One table of a multi-table scan. */
export interface ScanTableDesc {
  /** Full table name. */
  tableName: string;
  /** Projection: column name -> output name. */
  columns?: string[] | Record<string, string>;
  /** Keep null-valued columns of this table. */
  keepNone?: boolean;
  /** Read the table as of this revision. */
  revision?: number;
}

/** Options of a datastore scan. */
export interface StoreScanOptions {
  /** First key. */
  start?: Key;
  /** Last key. */
  end?: Key;
  /** Default true. */
  startInclusive?: boolean;
  /** Default false. */
  endInclusive?: boolean;
  /** Keep null-valued columns after the merge. */
  keepNone?: boolean;
  /** At most this many rows. */
  limit?: number;
  /** Read as of this revision. */
  revision?: number;
}

/** The rows of a scan, in key order: iterated, or taken a batch at a time (as `RowIterator`). */
export interface StoreRows extends AsyncIterableIterator<Row> {
  /** Up to `max` next rows: fewer only at the end of the scan, none after it. */
  nextBatch(max: number): Promise<Row[]>;
}

/** A table's key and column types, as last written. */
export interface StoreTableSchema {
  /** The key column name. */
  keyColumn: string;
  /** The key type. */
  keyType: ColumnType | string;
  /** Column types. */
  columns: ColumnSchema[];
}

/** The datastore operations the server routes use. */
export interface ServerStore {
  /** Upserts rows; returns the revision. */
  update(
    table: string,
    rows: Row[],
    options?: { keyColumn?: string; schema?: ColumnSchema[] },
  ): Promise<number>;
  /** Deletes rows by key. */
  delete(table: string, keys: Key[]): Promise<unknown>;
  /** Upserts and deletes across tables as one atomic batch, parts in order; the last revision. */
  write(parts: TableWrite[]): Promise<number>;
  /** Streams rows in key order, merged across tables. */
  scan(tables: string | ScanTableDesc[], options?: StoreScanOptions): StoreRows;
  /** The table's schema, or undefined when it does not exist. */
  schema(table: string): Promise<StoreTableSchema | undefined>;
  /** Table names starting with `prefix`. */
  tables(prefix?: string): string[];
  /** Makes acknowledged writes durable. */
  flush(): Promise<unknown>;
  /** Why writes cannot be made durable right now (the last write's error), else `undefined`. */
  readonly writeFailure?: Error | undefined;
}
