/**
 * Row bytes: the non-key columns of one version as `varint count, (varint column id, value)*`,
 * with column ids from the table's column dictionary. Also folds a key's versions into a row.
 *
 * @module
 */

import { ByteReader, ByteWriter } from "./_bytes.ts";
import { decodeValue, encodeValue, skipValue } from "./_codec.ts";
import type { Version } from "./_memtable.ts";
import type { ColumnSchema, Row, Value } from "./_value.ts";

/** Encodes a row's columns (all but `keyColumn`); returns the tags of the written values. */
export function encodeColumns(
  w: ByteWriter,
  row: Record<string, unknown>,
  options: {
    keyColumn: string;
    columnId: (name: string) => number;
    schema?: Map<string, ColumnSchema>;
    onColumn?: (name: string, tag: number) => void;
  },
): void {
  const { keyColumn, columnId, schema, onColumn } = options;
  const countAt = w.length;
  w.u8(0); // patched below when small; rewritten otherwise
  let count = 0;
  for (const name in row) {
    if (name === keyColumn) continue;
    const value = row[name];
    if (value === undefined) continue;
    w.varint(columnId(name));
    const tag = encodeValue(w, value, schema?.get(name));
    onColumn?.(name, tag);
    count++;
  }
  if (count < 0x80) {
    w.buf[countAt] = count;
    return;
  }
  // Rare: more than 127 columns. Shift the body to make room for a longer varint.
  const body = w.buf.slice(countAt + 1, w.length);
  w.length = countAt;
  w.varint(count);
  w.raw(body);
}

/**
 * Decodes one version's columns into `row` (later calls overwrite earlier columns).
 *
 * @param names Column names by id.
 * @param wanted When given, only these column ids are decoded.
 * @returns Whether any decoded value was null.
 */
export function decodeColumns(
  row: Row,
  buf: Uint8Array,
  off: number,
  len: number,
  names: string[],
  wanted?: Set<number>,
): boolean {
  const r = new ByteReader(buf, off, off + len);
  const n = r.varint();
  let sawNull = false;
  for (let i = 0; i < n; i++) {
    const id = r.varint();
    if (wanted !== undefined && !wanted.has(id)) {
      skipValue(r);
      continue;
    }
    const v = decodeValue(r);
    if (v === null) sawNull = true;
    row[names[id]] = v;
  }
  return sawNull;
}

/**
 * The versions that make up the row visible at `snapshot`, oldest first, or `null` when the row
 * is deleted (or never existed) at that revision. `heads` are the newest versions from each
 * source, newest source first.
 */
export function visibleVersions(heads: Version[], snapshot: number): Version[] | null {
  const out: Version[] = [];
  for (const head of heads) {
    for (let v: Version | undefined = head; v !== undefined; v = v.prev) {
      if (v.rev > snapshot) continue;
      if (v.buf === null) return out.length === 0 ? null : out.reverse();
      out.push(v);
    }
  }
  return out.length === 0 ? null : out.reverse();
}

/**
 * Builds the row: key column first, then the columns of each version, oldest first. Null-valued
 * columns are dropped unless `keepNone`.
 */
export function foldRow(
  versions: Version[],
  key: Value,
  options: { keyColumn: string; names: string[]; wanted?: Set<number>; keepNone: boolean },
): Row {
  const row: Row = {};
  row[options.keyColumn] = key;
  let sawNull = false;
  for (const v of versions) {
    if (decodeColumns(row, v.buf!, v.off, v.len, options.names, options.wanted)) sawNull = true;
  }
  return sawNull && !options.keepNone ? dropNulls(row) : row;
}

/** The row without its null-valued columns. */
export function dropNulls(row: Row): Row {
  const out: Row = {};
  for (const k in row) if (row[k] !== null) out[k] = row[k];
  return out;
}

/** Merges versions (oldest first) into the bytes of one version, without decoding values. */
export function mergeColumnBytes(versions: Version[]): Uint8Array {
  if (versions.length === 1) {
    const v = versions[0];
    return v.buf!.subarray(v.off, v.off + v.len);
  }
  const spans = new Map<number, [Uint8Array, number, number]>();
  for (const v of versions) {
    const r = new ByteReader(v.buf!, v.off, v.off + v.len);
    const n = r.varint();
    for (let i = 0; i < n; i++) {
      const id = r.varint();
      const start = r.pos;
      skipValue(r);
      spans.set(id, [v.buf!, start, r.pos]);
    }
  }
  const w = new ByteWriter(256);
  w.varint(spans.size);
  for (const [id, [buf, start, end]] of spans) {
    w.varint(id);
    w.raw(buf.subarray(start, end));
  }
  return w.bytes().slice();
}
