/**
 * The @starwhale/sdk datastore: tables of rows keyed by one key column, stored in a write-ahead
 * log and sorted segment files, with column-merge updates, revisions and streaming range scans.
 *
 * @module
 */
export type { ColumnSchema, ColumnType, Key, Row, ScalarType, Value } from "./_value.ts";
export {
  describeValue,
  INT64_MAX,
  INT64_MIN,
  isTuple,
  SCALAR_TYPES,
  SwObject,
  tuple,
} from "./_value.ts";
export {
  CorruptionError,
  DatastoreClosedError,
  DatastoreLockedError,
  DatastoreReadOnlyError,
} from "./_errors.ts";
export { Datastore } from "./_shared_client.ts";
export { RowIterator } from "./_row_iterator.ts";
export type {
  DatastoreOptions,
  Durability,
  ScanOptions,
  TableDesc,
  TableSchema,
  TableStats,
  TableWrite,
  UpdateOptions,
} from "./_options.ts";
export type { FileLock, ReadableFile, Storage, WritableFile } from "./_storage.ts";
export type { WriteDurability } from "./_datastore.ts";
export type { SegmentInfo } from "./_segment_format.ts";
export type { RepairReport } from "./_repair.ts";
export { denoStorage } from "./_storage.ts";
