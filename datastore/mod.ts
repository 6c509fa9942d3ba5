/**
 * The @starwhale/sdk datastore: tables of rows keyed by one key column, stored in a write-ahead
 * log and sorted segment files, with column-merge updates, revisions and streaming range scans.
 *
 * @module
 */
export type { ColumnSchema, ColumnType, Key, Row, ScalarType, Value } from "./value.ts";
export {
  describeValue,
  INT64_MAX,
  INT64_MIN,
  isTuple,
  SCALAR_TYPES,
  SwObject,
  tuple,
} from "./value.ts";
export { CorruptionError, DatastoreClosedError, DatastoreLockedError } from "./errors.ts";
export { Datastore, RowIterator } from "./datastore.ts";
export type {
  DatastoreOptions,
  Durability,
  ScanOptions,
  TableDesc,
  TableSchema,
  TableStats,
  UpdateOptions,
} from "./datastore.ts";
export type { FileLock, ReadableFile, Storage, WritableFile } from "./storage.ts";
export type { SegmentInfo } from "./segment_writer.ts";
export { denoStorage } from "./storage.ts";
