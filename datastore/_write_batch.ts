/**
 * Write-batch encoding: checks an `update` or `delete` and encodes it as one WAL record payload
 * (see `_wal_record.ts`), ready to append and then apply to the memtable it captured.
 *
 * @module
 */

import { ByteWriter } from "./_bytes.ts";
import { keyKindOf, normalizeKey } from "./_key.ts";
import type { Memtable } from "./_memtable.ts";
import type { TableWrite, UpdateOptions } from "./_options.ts";
import { encodeColumns } from "./_row.ts";
import { Table } from "./_table.ts";
import { checkColumnName, checkTableName } from "./_validate.ts";
import {
  encodeBatch,
  finishRecord,
  OP_DELETE,
  OP_UPDATE,
  startRecord,
  writeEntryKey,
} from "./_wal_record.ts";
import { type ColumnSchema, describeValue, type Key, type Row } from "./_value.ts";

/** One encoded write: its WAL payload and what to put into the memtable once it is durable. */
export interface EncodedWrite {
  table: Table;
  /** The memtable current at encoding: the write lands there even if a flush froze it. */
  mem: Memtable;
  rev: number;
  payload: Uint8Array;
  keys: Key[];
  /** For updates, where each key's row bytes are within `payload`; `undefined` for deletes. */
  offsets: number[] | undefined;
  lengths: number[] | undefined;
}

/**
 * Checks and encodes an upsert of `rows` into table `name` at revision `rev`. New columns and
 * types are committed to the table's dictionary at once (so concurrent writers agree on ids); a
 * new table is added to `tables`. Returns `undefined` for an empty batch.
 *
 * @throws {TypeError} For invalid names, missing or mistyped keys, unsupported values.
 * @throws {RangeError} For integers out of their type's range.
 */
export function encodeUpdate(
  tables: Map<string, Table>,
  name: string,
  rows: readonly Row[],
  options: UpdateOptions & { rev: number },
): EncodedWrite | undefined {
  checkTableName(name);
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `Invalid rows for table '${name}': expected an array of objects, got ${describeValue(rows)}`,
    );
  }
  const existing = tables.get(name);
  const keyColumn = options.keyColumn ?? existing?.keyColumn ?? "id";
  checkColumnName(keyColumn, name);
  if (existing !== undefined && existing.keyColumn !== keyColumn) {
    throw new TypeError(
      `Invalid key column '${keyColumn}' for table '${name}': the table is keyed by '${existing.keyColumn}'`,
    );
  }
  const declared = new Map<string, ColumnSchema>();
  for (const s of options.schema ?? []) {
    if (typeof s?.name !== "string") {
      throw new TypeError(
        `Invalid schema entry ${describeValue(s)} for table '${name}': expected { name, type }`,
      );
    }
    declared.set(s.name, s);
  }
  const t = existing ?? new Table(name, keyColumn);
  let kind = t.kind;
  const batch = mergeDuplicates(rows, keyColumn, name);
  const keys: Key[] = [];
  for (const row of batch) {
    const key = normalizeKey(row[keyColumn], kind, `table '${name}' column '${keyColumn}'`);
    kind ??= keyKindOf(key);
    keys.push(key);
  }
  if (kind === undefined) return undefined; // an empty batch writes nothing
  // Encode everything first: any error leaves no trace.
  const added: [number, string][] = [];
  const pendingIds = new Map<string, number>();
  const columnId = (col: string): number => {
    const id = t.ids.get(col) ?? pendingIds.get(col);
    if (id !== undefined) return id;
    checkColumnName(col, name);
    const fresh = t.names.length + pendingIds.size;
    pendingIds.set(col, fresh);
    added.push([fresh, col]);
    return fresh;
  };
  const tags = new Map<string, number>();
  const { rev } = options;
  const w = new ByteWriter(256 + batch.length * 160);
  const countAt = startRecord(w, { op: OP_UPDATE, rev, table: name, keyColumn, kind });
  const offsets: number[] = [];
  const lengths: number[] = [];
  const onColumn = (col: string, tag: number) => {
    if (tag !== 0) tags.set(col, tag);
  };
  for (let i = 0; i < batch.length; i++) {
    const at = writeEntryKey(w, keys[i], true);
    const start = w.length;
    encodeColumns(w, batch[i], { keyColumn, columnId, schema: declared, onColumn });
    w.u32At(at, w.length - start);
    offsets.push(start);
    lengths.push(w.length - start);
  }
  // Commit the dictionary and types now, so concurrent writers agree on ids.
  if (existing === undefined) tables.set(name, t);
  t.kind = kind;
  for (const [id, col] of added) t.addColumn(col, id);
  const changed: ColumnSchema[] = [];
  for (const [col, tag] of tags) {
    const s = t.noteType(col, tag, declared.get(col));
    if (s !== undefined) changed.push(s);
  }
  for (const [col, s] of declared) {
    if (!tags.has(col) && t.noteType(col, 0, s) !== undefined) changed.push(t.schema.get(col)!);
  }
  finishRecord(w, countAt, batch.length, added, changed);
  // The memtable keeps the payload alive until a flush: do not keep the writer's slack too.
  const payload = w.buf.length > w.length + (w.length >> 3) ? w.bytes().slice() : w.bytes();
  return { table: t, mem: t.memtable, rev, payload, keys, offsets, lengths };
}

/**
 * Checks and encodes a deletion of `keyList` from table `name` at revision `rev`. Returns
 * `undefined` when there is nothing to delete (no such table, or no keys).
 *
 * @throws {TypeError} For an invalid name or keys of the wrong type.
 */
export function encodeDelete(
  tables: Map<string, Table>,
  name: string,
  keyList: readonly Key[],
  options: { rev: number },
): EncodedWrite | undefined {
  checkTableName(name);
  if (!Array.isArray(keyList)) {
    throw new TypeError(
      `Invalid keys for table '${name}': expected an array, got ${describeValue(keyList)}`,
    );
  }
  const t = tables.get(name);
  if (t === undefined || t.kind === undefined || keyList.length === 0) return undefined;
  const what = `table '${name}' column '${t.keyColumn}'`;
  const keys = keyList.map((k) => normalizeKey(k, t.kind, what));
  const { rev } = options;
  const w = new ByteWriter(64 + keys.length * 12);
  const countAt = startRecord(w, {
    op: OP_DELETE,
    rev,
    table: name,
    keyColumn: t.keyColumn,
    kind: t.kind,
  });
  for (const k of keys) writeEntryKey(w, k, false);
  finishRecord(w, countAt, keys.length, [], []);
  return {
    table: t,
    mem: t.memtable,
    rev,
    payload: w.bytes(),
    keys,
    offsets: undefined,
    lengths: undefined,
  };
}

/** An encoded atomic batch: one WAL payload holding several records. */
export interface EncodedBatch {
  payload: Uint8Array;
  writes: EncodedWrite[];
  /** The revision of the last write; the batch's revision. */
  rev: number;
}

/**
 * Checks and encodes the parts of an atomic batch, the Nth write at revision `rev + N`. Either
 * every part is valid and the batch is returned, or it throws and no table is changed.
 *
 * @throws {TypeError} For an invalid part, name, key or value (naming the part's index).
 * @throws {RangeError} For integers out of their type's range.
 */
export function encodeWriteBatch(
  tables: Map<string, Table>,
  parts: readonly TableWrite[],
  options: { rev: number },
): EncodedBatch | undefined {
  if (!Array.isArray(parts)) {
    throw new TypeError(
      `Invalid batch ${describeValue(parts)}: expected an array of { table, rows?, deletes? }`,
    );
  }
  const saved = new Map<string, Table | undefined>();
  const undo = new Map<Table, ReturnType<Table["checkpoint"]>>();
  const writes: EncodedWrite[] = [];
  let rev = options.rev;
  try {
    for (const [i, part] of parts.entries()) {
      if (typeof part !== "object" || part === null || typeof part.table !== "string") {
        throw new TypeError(
          `Invalid batch part ${
            describeValue(part)
          } at index ${i}: expected { table, rows?, deletes? }`,
        );
      }
      const existing = tables.get(part.table);
      if (!saved.has(part.table)) saved.set(part.table, existing);
      if (existing !== undefined && !undo.has(existing)) undo.set(existing, existing.checkpoint());
      const update = part.rows === undefined
        ? undefined
        : encodeUpdate(tables, part.table, part.rows, {
          keyColumn: part.keyColumn,
          schema: part.schema,
          rev,
        });
      if (update !== undefined) {
        writes.push(update);
        rev++;
      }
      const del = part.deletes === undefined
        ? undefined
        : encodeDelete(tables, part.table, part.deletes, { rev });
      if (del !== undefined) {
        writes.push(del);
        rev++;
      }
    }
  } catch (e) {
    // Nothing was logged: put every dictionary back as it was.
    for (const [t, mark] of undo) t.rollback(mark);
    for (const [name, t] of saved) if (t === undefined) tables.delete(name);
    throw e;
  }
  if (writes.length === 0) return undefined;
  const payload = writes.length === 1
    ? writes[0].payload
    : encodeBatch(writes.map((w) => w.payload));
  return { payload, writes, rev: rev - 1 };
}

/**
 * A record restating every table's key, column dictionary and types (updates of no rows), or
 * `undefined` when there are no tables.
 */
export function encodeDictionaries(
  tables: Iterable<Table>,
  options: { rev: number },
): Uint8Array | undefined {
  const records: Uint8Array[] = [];
  for (const t of tables) {
    // Tables not yet visible too: their first write may be the one that failed.
    if (t.kind === undefined) continue;
    const w = new ByteWriter(64 + t.names.length * 16);
    const countAt = startRecord(w, {
      op: OP_UPDATE,
      rev: options.rev,
      table: t.name,
      keyColumn: t.keyColumn,
      kind: t.kind,
    });
    const added = t.names.map((name, id): [number, string] => [id, name]);
    finishRecord(w, countAt, 0, added, [...t.schema.values()]);
    records.push(w.bytes());
  }
  return records.length === 0 ? undefined : encodeBatch(records);
}

/** Puts a durable write into the memtable it captured. */
export function applyWrite(e: EncodedWrite): void {
  const { mem, keys, rev, offsets, lengths } = e;
  if (offsets === undefined || lengths === undefined) {
    for (const k of keys) mem.put(k, rev, null, 0, 0);
    return;
  }
  for (let i = 0; i < keys.length; i++) mem.put(keys[i], rev, e.payload, offsets[i], lengths[i]);
  e.table.visible = true;
}

/** Folds rows of one batch that share a key into one row, later columns winning. */
function mergeDuplicates(rows: readonly Row[], keyColumn: string, table: string): Row[] {
  const seen = new Map<unknown, number>();
  let out: Row[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Invalid row ${describeValue(row)} at index ${i} for table '${table}': expected an object`,
      );
    }
    if (!(keyColumn in row) || row[keyColumn] === null || row[keyColumn] === undefined) {
      throw new TypeError(
        `Invalid row at index ${i} for table '${table}': the key column '${keyColumn}' is missing`,
      );
    }
    let k = row[keyColumn] as unknown;
    if (typeof k === "bigint" && k >= -(2n ** 53n) && k <= 2n ** 53n) k = Number(k);
    const j = seen.get(k);
    if (j === undefined) {
      seen.set(k, out === undefined ? i : out.length);
      out?.push(row);
    } else {
      out ??= rows.slice(0, i) as Row[];
      out[j] = { ...out[j], ...row };
    }
  }
  return out ?? (rows as Row[]);
}
