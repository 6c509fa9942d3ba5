/**
 * Errors the datastore throws besides `TypeError`/`RangeError` for bad input.
 *
 * @module
 */

/**
 * Stored bytes failed a check (checksum, magic, framing) somewhere a torn write cannot explain.
 *
 * @example Tell corruption apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { CorruptionError } from "@starwhale/sdk/datastore";
 * const e = new CorruptionError("bad checksum", { file: "wal-000001.log", offset: 4096 });
 * assert(e.message.includes("wal-000001.log") && e.offset === 4096);
 * ```
 */
export class CorruptionError extends Error {
  /** Always `CorruptionError`. */
  override name = "CorruptionError";
  /** The file holding the bad bytes. */
  readonly file: string;
  /** Byte offset of the bad record or block in that file. */
  readonly offset: number;

  /**
   * Makes the error.
   *
   * @param what What is wrong.
   * @param where The file and offset.
   */
  constructor(what: string, where: { file: string; offset: number; cause?: unknown }) {
    super(`Corrupt datastore file '${where.file}' at offset ${where.offset}: ${what}`, {
      cause: where.cause,
    });
    this.file = where.file;
    this.offset = where.offset;
  }
}

/**
 * Another process (or another open `Datastore` in this one) holds the directory's LOCK.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatastoreLockedError } from "@starwhale/sdk/datastore";
 * assert(new DatastoreLockedError("data/ds").name === "DatastoreLockedError");
 * ```
 */
export class DatastoreLockedError extends Error {
  /** Always `DatastoreLockedError`. */
  override name = "DatastoreLockedError";
  /** The datastore directory. */
  readonly dir: string;

  /**
   * Makes the error.
   *
   * @param dir The datastore directory.
   */
  constructor(dir: string, options?: { cause?: unknown }) {
    super(
      `Cannot open datastore '${dir}': it is locked by another open datastore (LOCK held)`,
      options,
    );
    this.dir = dir;
  }
}

/**
 * The datastore was used after `close()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatastoreClosedError } from "@starwhale/sdk/datastore";
 * assert(new DatastoreClosedError("update").message.includes("closed"));
 * ```
 */
export class DatastoreClosedError extends Error {
  /** Always `DatastoreClosedError`. */
  override name = "DatastoreClosedError";

  /**
   * Makes the error.
   *
   * @param operation What was attempted.
   */
  constructor(operation: string) {
    super(`Cannot ${operation}: the datastore is closed`);
  }
}

/**
 * A write to a datastore opened read-only (`Datastore.open(dir, { readOnly: true })`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatastoreReadOnlyError } from "@starwhale/sdk/datastore";
 * assert.match(new DatastoreReadOnlyError("update", "/d").message, /read-only/);
 * ```
 */
export class DatastoreReadOnlyError extends Error {
  /** Always `DatastoreReadOnlyError`. */
  override name = "DatastoreReadOnlyError";

  /**
   * Makes the error.
   *
   * @param operation What was attempted.
   * @param dir The datastore directory.
   */
  constructor(operation: string, dir: string) {
    super(
      `Cannot ${operation} in datastore '${dir}': it was opened read-only (a process without ` +
        `write permission there opens it so: run again with --allow-write to write)`,
    );
  }
}
