/**
 * WAL record payloads: one per `update` or `delete` call. See FORMAT.md "WAL records".
 *
 * ```
 * u8 op (1 update, 2 delete) | varint revision | string table | string keyColumn | u8 keyKind
 * varint count | entries | varint added columns (varint id, string name)* | string schema JSON
 * update entry: key value | u32 length | row bytes        delete entry: key value
 * batch: u8 3 | u32 count | count * (u32 length | update or delete record)
 * ```
 *
 * @module
 */

import { ByteReader, type ByteWriter } from "./_bytes.ts";
import { decodeValue, encodeValue } from "./_codec.ts";
import type { KeyKind } from "./_key.ts";
import type { ColumnSchema, Key } from "./_value.ts";

/** Record op codes. */
export const OP_UPDATE = 1;
/** Deletion of whole rows. */
export const OP_DELETE = 2;
/** An atomic batch: several update/delete records in one frame. */
export const OP_BATCH = 3;

/** Wraps records (each an update or delete payload) into one batch payload. */
export function encodeBatch(records: readonly Uint8Array[]): Uint8Array {
  let total = 5;
  for (const r of records) total += 4 + r.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = OP_BATCH;
  view.setUint32(1, records.length, true);
  let pos = 5;
  for (const r of records) {
    view.setUint32(pos, r.length, true);
    out.set(r, pos + 4);
    pos += 4 + r.length;
  }
  return out;
}

/**
 * The records of a batch payload (views into it), or the payload itself when it is a single
 * update or delete.
 *
 * @throws {RangeError} When the batch is malformed.
 */
export function splitRecords(payload: Uint8Array): Uint8Array[] {
  if (payload[0] !== OP_BATCH) return [payload];
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const count = view.getUint32(1, true);
  const out: Uint8Array[] = [];
  let pos = 5;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(pos, true);
    if (pos + 4 + len > payload.length) throw new RangeError("WAL batch record runs past its end");
    out.push(payload.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

/** The fixed part of a record. */
export interface RecordHeader {
  op: number;
  rev: number;
  table: string;
  keyColumn: string;
  kind: KeyKind;
}

/** A parsed record; `entries` point into the payload. */
export interface ParsedRecord extends RecordHeader {
  keys: Key[];
  /** For updates: offset and length of each key's row bytes within the payload. */
  offsets: number[];
  lengths: number[];
  added: [number, string][];
  schema: ColumnSchema[];
}

/** Writes the header and reserves the entry count (patched by {@link finishRecord}). */
export function startRecord(w: ByteWriter, h: RecordHeader): number {
  w.u8(h.op);
  w.varint(h.rev);
  w.string(h.table);
  w.string(h.keyColumn);
  w.u8(h.kind === "int" ? 1 : 2);
  const countAt = w.length;
  w.u32(0);
  return countAt;
}

/** Writes one entry's key; for updates, reserves the length (returns its position). */
export function writeEntryKey(w: ByteWriter, key: Key, withLength: boolean): number {
  encodeValue(w, key);
  if (!withLength) return -1;
  const at = w.length;
  w.u32(0);
  return at;
}

/** Patches the entry count and appends the dictionary additions and schema changes. */
export function finishRecord(
  w: ByteWriter,
  countAt: number,
  count: number,
  added: [number, string][],
  schema: ColumnSchema[],
): void {
  w.u32At(countAt, count);
  w.varint(added.length);
  for (const [id, name] of added) {
    w.varint(id);
    w.string(name);
  }
  w.string(schema.length === 0 ? "" : JSON.stringify(schema));
}

/**
 * Parses a record payload.
 *
 * @throws {RangeError} When the payload is malformed.
 */
export function parseRecord(payload: Uint8Array): ParsedRecord {
  const r = new ByteReader(payload);
  const op = r.u8();
  if (op !== OP_UPDATE && op !== OP_DELETE) throw new RangeError(`unknown WAL op ${op}`);
  const rev = r.varint();
  const table = r.string();
  const keyColumn = r.string();
  const kind: KeyKind = r.u8() === 1 ? "int" : "string";
  const count = r.u32();
  const keys: Key[] = [], offsets: number[] = [], lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(decodeValue(r) as Key);
    if (op === OP_UPDATE) {
      const len = r.u32();
      offsets.push(r.pos);
      lengths.push(len);
      r.raw(len);
    }
  }
  const added: [number, string][] = [];
  const n = r.varint();
  for (let i = 0; i < n; i++) added.push([r.varint(), r.string()]);
  const json = r.string();
  const schema = json === "" ? [] : JSON.parse(json) as ColumnSchema[];
  return { op, rev, table, keyColumn, kind, keys, offsets, lengths, added, schema };
}
