/**
 * The compact binary value encoding: one tag byte per value, then its payload (FORMAT.md
 * "Values"). Every value round-trips exactly, floats bit for bit.
 *
 * @module
 */

import type { ByteReader, ByteWriter } from "./_bytes.ts";
import { float16ToNumber, numberToFloat16 } from "./_float16.ts";
import {
  type ColumnSchema,
  type ColumnType,
  describeValue,
  INT64_MAX,
  INT64_MIN,
  isTuple,
  SwObject,
  tuple,
  type Value,
} from "./_value.ts";

/** Value tags (one byte). Stable across versions: FORMAT.md lists them. */
export const TAG = {
  NULL: 0,
  FALSE: 1,
  TRUE: 2,
  INT: 3, // INT64, zig-zag varint (safe integers)
  INT64: 4, // INT64, 8 bytes little-endian (outside the safe range)
  FLOAT64: 5,
  STRING: 6,
  BYTES: 7,
  LIST: 8,
  TUPLE: 9,
  MAP: 10, // a JS Map
  DICT: 11, // a plain object: MAP with string keys
  OBJECT: 12, // SwObject
  INT8: 13,
  INT16: 14,
  INT32: 15,
  FLOAT16: 16,
  FLOAT32: 17,
  FLOAT64_LIST: 18, // LIST of FLOAT64, packed
} as const;

/** The Starwhale type of each tag. */
export const TAG_TYPE: readonly ColumnType[] = [
  "UNKNOWN",
  "BOOL",
  "BOOL",
  "INT64",
  "INT64",
  "FLOAT64",
  "STRING",
  "BYTES",
  "LIST",
  "TUPLE",
  "MAP",
  "MAP",
  "OBJECT",
  "INT8",
  "INT16",
  "INT32",
  "FLOAT16",
  "FLOAT32",
  "LIST",
];

const SAFE = Number.MAX_SAFE_INTEGER;
const INT_RANGE: Record<string, [number, number]> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Encodes one value, inferring its type from the JS value or taking it from `schema`.
 *
 * @returns The tag written.
 * @throws {TypeError} For values that have no Starwhale type (functions, symbols, class
 *   instances, undefined inside containers) or that do not match `schema`.
 * @throws {RangeError} For integers out of their type's range.
 */
export function encodeValue(w: ByteWriter, v: unknown, schema?: ColumnSchema): number {
  if (schema !== undefined && v !== null) return encodeTyped(w, v, schema);
  switch (typeof v) {
    case "number":
      if (Number.isInteger(v) && v >= -SAFE && v <= SAFE && !Object.is(v, -0)) {
        w.u8(TAG.INT);
        w.zigzag(v);
        return TAG.INT;
      }
      w.u8(TAG.FLOAT64);
      w.f64(v);
      return TAG.FLOAT64;
    case "string":
      w.u8(TAG.STRING);
      w.string(v);
      return TAG.STRING;
    case "boolean":
      w.u8(v ? TAG.TRUE : TAG.FALSE);
      return v ? TAG.TRUE : TAG.FALSE;
    case "bigint":
      return encodeBigInt(w, v);
    case "object":
      if (v === null) {
        w.u8(TAG.NULL);
        return TAG.NULL;
      }
      if (Array.isArray(v)) return encodeArray(w, v, isTuple(v) ? TAG.TUPLE : TAG.LIST);
      if (v instanceof Uint8Array) {
        w.u8(TAG.BYTES);
        w.varint(v.length);
        w.raw(v);
        return TAG.BYTES;
      }
      if (v instanceof Map) {
        w.u8(TAG.MAP);
        w.varint(v.size);
        for (const [k, x] of v) {
          encodeValue(w, k);
          encodeValue(w, x);
        }
        return TAG.MAP;
      }
      if (v instanceof SwObject) {
        w.u8(TAG.OBJECT);
        w.string(v.pythonType);
        encodeFields(w, v.attributes);
        return TAG.OBJECT;
      }
      if (isPlainObject(v)) {
        w.u8(TAG.DICT);
        encodeFields(w, v as Record<string, unknown>);
        return TAG.DICT;
      }
  }
  throw new TypeError(
    `Unsupported value ${describeValue(v)}: expected null, boolean, number, ` +
      `bigint, string, Uint8Array, array, tuple, Map, plain object or SwObject`,
  );
}

function encodeBigInt(w: ByteWriter, v: bigint): number {
  if (v < INT64_MIN || v > INT64_MAX) {
    throw new RangeError(`Integer ${v} is outside the INT64 range`);
  }
  if (v >= -SAFE && v <= SAFE) {
    w.u8(TAG.INT);
    w.zigzag(Number(v));
    return TAG.INT;
  }
  w.u8(TAG.INT64);
  w.i64(v);
  return TAG.INT64;
}

function encodeFields(w: ByteWriter, fields: Record<string, unknown>): void {
  const keys = Object.keys(fields).filter((k) => fields[k] !== undefined);
  w.varint(keys.length);
  for (const k of keys) {
    w.string(k);
    encodeValue(w, fields[k]);
  }
}

function encodeArray(w: ByteWriter, v: unknown[], tag: number, element?: ColumnSchema): number {
  const n = v.length;
  if (tag === TAG.LIST && element === undefined && n > 0) {
    let floats = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (typeof x !== "number") {
        floats = -1;
        break;
      }
      if (!Number.isInteger(x) || Object.is(x, -0)) floats++;
    }
    if (floats > 0) {
      w.u8(TAG.FLOAT64_LIST);
      w.varint(n);
      for (let i = 0; i < n; i++) w.f64(v[i] as number);
      return TAG.FLOAT64_LIST;
    }
  }
  w.u8(tag);
  w.varint(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x === undefined) {
      throw new TypeError(`Unsupported value undefined at index ${i} of an array`);
    }
    encodeValue(w, x, element);
  }
  return tag;
}

function mismatch(v: unknown, type: ColumnType): TypeError {
  return new TypeError(`Value ${describeValue(v)} does not match column type ${type}`);
}

function encodeTyped(w: ByteWriter, v: unknown, s: ColumnSchema): number {
  switch (s.type) {
    case "UNKNOWN":
      throw mismatch(v, s.type);
    case "BOOL":
      if (typeof v !== "boolean") throw mismatch(v, s.type);
      return encodeValue(w, v);
    case "INT8":
    case "INT16":
    case "INT32": {
      const n = typeof v === "bigint" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n)) throw mismatch(v, s.type);
      const [lo, hi] = INT_RANGE[s.type];
      if (n < lo || n > hi) throw new RangeError(`Integer ${n} is outside the ${s.type} range`);
      const tag = s.type === "INT8" ? TAG.INT8 : s.type === "INT16" ? TAG.INT16 : TAG.INT32;
      w.u8(tag);
      w.zigzag(n);
      return tag;
    }
    case "INT64":
      if (typeof v === "bigint") return encodeBigInt(w, v);
      if (typeof v !== "number" || !Number.isInteger(v)) throw mismatch(v, s.type);
      return encodeBigInt(w, BigInt(v));
    case "FLOAT16":
    case "FLOAT32":
    case "FLOAT64": {
      if (typeof v !== "number") throw mismatch(v, s.type);
      if (s.type === "FLOAT64") {
        w.u8(TAG.FLOAT64);
        w.f64(v);
        return TAG.FLOAT64;
      }
      if (s.type === "FLOAT32") {
        w.u8(TAG.FLOAT32);
        w.f32(v);
        return TAG.FLOAT32;
      }
      w.u8(TAG.FLOAT16);
      w.u16(numberToFloat16(v));
      return TAG.FLOAT16;
    }
    case "STRING":
      if (typeof v !== "string") throw mismatch(v, s.type);
      return encodeValue(w, v);
    case "BYTES":
      if (!(v instanceof Uint8Array)) throw mismatch(v, s.type);
      return encodeValue(w, v);
    case "LIST":
    case "TUPLE":
      if (!Array.isArray(v)) throw mismatch(v, s.type);
      return encodeArray(w, v, s.type === "LIST" ? TAG.LIST : TAG.TUPLE, s.elementType);
    case "MAP": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw mismatch(v, s.type);
      const entries = v instanceof Map ? [...v] : Object.entries(v);
      w.u8(v instanceof Map ? TAG.MAP : TAG.DICT);
      w.varint(entries.length);
      for (const [k, x] of entries) {
        if (v instanceof Map) encodeValue(w, k, s.keyType);
        else w.string(k);
        encodeValue(w, x, s.valueType);
      }
      return v instanceof Map ? TAG.MAP : TAG.DICT;
    }
    case "OBJECT":
      if (!(v instanceof SwObject)) throw mismatch(v, s.type);
      return encodeValue(w, v);
  }
  throw new TypeError(`Unknown column type ${describeValue(s.type)}`);
}

/** Decodes one value written by {@link encodeValue}. */
export function decodeValue(r: ByteReader): Value {
  const tag = r.u8();
  switch (tag) {
    case TAG.NULL:
      return null;
    case TAG.FALSE:
      return false;
    case TAG.TRUE:
      return true;
    case TAG.INT:
    case TAG.INT8:
    case TAG.INT16:
    case TAG.INT32:
      return r.zigzag();
    case TAG.INT64:
      return r.i64();
    case TAG.FLOAT64:
      return r.f64();
    case TAG.FLOAT32:
      return r.f32();
    case TAG.FLOAT16:
      return float16ToNumber(r.u16());
    case TAG.STRING:
      return r.string();
    case TAG.BYTES:
      return r.raw(r.varint()).slice();
    case TAG.FLOAT64_LIST: {
      const n = r.varint();
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = r.f64();
      return out;
    }
    case TAG.LIST:
    case TAG.TUPLE: {
      const n = r.varint();
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = decodeValue(r);
      return tag === TAG.TUPLE ? tuple(...out) as Value[] : out;
    }
    case TAG.MAP: {
      const n = r.varint();
      const out = new Map<Value, Value>();
      for (let i = 0; i < n; i++) out.set(decodeValue(r), decodeValue(r));
      return out;
    }
    case TAG.DICT:
      return decodeFields(r);
    case TAG.OBJECT: {
      const pythonType = r.string();
      return new SwObject(pythonType, decodeFields(r));
    }
  }
  throw new RangeError(`unknown value tag ${tag} at offset ${r.pos - 1}`);
}

function decodeFields(r: ByteReader): Record<string, Value> {
  const n = r.varint();
  const out: Record<string, Value> = {};
  for (let i = 0; i < n; i++) {
    const k = r.string();
    out[k] = decodeValue(r);
  }
  return out;
}

/** Skips one encoded value without building it. */
export function skipValue(r: ByteReader): void {
  const tag = r.u8();
  switch (tag) {
    case TAG.NULL:
    case TAG.FALSE:
    case TAG.TRUE:
      return;
    case TAG.INT:
    case TAG.INT8:
    case TAG.INT16:
    case TAG.INT32:
      r.varint();
      return;
    case TAG.INT64:
    case TAG.FLOAT64:
      r.pos += 8;
      return;
    case TAG.FLOAT32:
      r.pos += 4;
      return;
    case TAG.FLOAT16:
      r.pos += 2;
      return;
    case TAG.STRING:
    case TAG.BYTES: {
      const n = r.varint(); // read before pos: `r.pos += r.varint()` would lose the varint
      r.pos += n;
      return;
    }
    case TAG.FLOAT64_LIST: {
      const n = r.varint();
      r.pos += 8 * n;
      return;
    }
    case TAG.LIST:
    case TAG.TUPLE: {
      const n = r.varint();
      for (let i = 0; i < n; i++) skipValue(r);
      return;
    }
    case TAG.MAP: {
      const n = r.varint();
      for (let i = 0; i < 2 * n; i++) skipValue(r);
      return;
    }
    case TAG.OBJECT:
    case TAG.DICT: {
      if (tag === TAG.OBJECT) r.string(); // the type name comes before the fields
      const n = r.varint();
      for (let i = 0; i < n; i++) {
        r.string();
        skipValue(r);
      }
      return;
    }
  }
  throw new RangeError(`unknown value tag ${tag} at offset ${r.pos - 1}`);
}
