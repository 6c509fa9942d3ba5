/**
 * The value codec: plain (schema-driven) and typed forms of datastore values.
 *
 * @module
 */
import { isTuple, SwObject, tuple, type Value } from "../../datastore/mod.ts";
import {
  elementSchema,
  inferSchema,
  isPlainObject,
  pairSchema,
  WIRE_TYPES,
  type WireSchema,
} from "./schema.ts";
import { decodeScalar, encodeScalar, isScalarType, rawScalar, scalarFits } from "./scalar.ts";
import type { ColumnType } from "../../datastore/mod.ts";

/** Options for the encoders. */
export interface EncodeOptions {
  /** Human-readable scalars, as a server answers with `rawResult`. @default false */
  raw?: boolean;
  /** Plain MAPs as JSON objects keyed by the encoded key (upstream's plain response form). @default false */
  mapsAsObjects?: boolean;
}

/** A value in the typed wire form. */
export interface TypedValue {
  /** The type name. */
  type: ColumnType;
  /** OBJECT only: the class name. */
  pythonType?: string;
  /** The encoded value. */
  value: unknown;
}

function entriesOf(value: Value): [Value, Value][] {
  return value instanceof Map ? [...value.entries()] : Object.entries(value as object);
}

/**
 * Whether `value` matches `schema` all the way down (so the schema can encode it unchanged).
 *
 * @param value The value.
 * @param schema The schema.
 * @returns `true` when every part fits.
 * @example A FLOAT64 column may hold 1
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitsSchema } from "@starwhale/sdk/wire";
 * assert(fitsSchema(1, { type: "FLOAT64" }) && !fitsSchema("1", { type: "FLOAT64" }));
 * ```
 */
export function fitsSchema(value: Value, schema: WireSchema): boolean {
  if (value === null) return true;
  switch (schema.type) {
    case "UNKNOWN":
      return false;
    case "LIST":
    case "TUPLE":
      return Array.isArray(value) && isTuple(value) === (schema.type === "TUPLE") &&
        value.every((v, i) => {
          const s = elementSchema(schema, i);
          return s !== undefined && fitsSchema(v, s);
        });
    case "MAP":
      return (value instanceof Map || isPlainObject(value)) &&
        entriesOf(value).every(([k, v], i) => {
          const p = pairSchema(schema, i);
          return p.keyType !== undefined && p.valueType !== undefined &&
            k !== null && fitsSchema(k, p.keyType) && fitsSchema(v, p.valueType);
        });
    case "OBJECT":
      return value instanceof SwObject && value.pythonType === schema.pythonType &&
        Object.entries(value.attributes).every(([k, v]) => {
          const a = schema.attributes?.find((x) => x.name === k);
          return a !== undefined && fitsSchema(v, a);
        });
    default:
      return scalarFits(value, schema.type);
  }
}

/**
 * The schema to encode `value` with: `hint` (e.g. the column type last written) when the value
 * fits it, else the inferred schema.
 *
 * @param value The value.
 * @param hint A preferred schema.
 * @returns The schema to use.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseSchema } from "@starwhale/sdk/wire";
 * assert.equal(chooseSchema(1, { type: "FLOAT64" }).type, "FLOAT64");
 * assert.equal(chooseSchema("a", { type: "FLOAT64" }).type, "STRING");
 * ```
 */
export function chooseSchema(value: Value, hint?: WireSchema): WireSchema {
  return hint && value !== null && fitsSchema(value, hint) ? hint : inferSchema(value);
}

/**
 * Encodes a value in the plain form (encoding A) according to its schema.
 *
 * @param value The value; `null` encodes as `null` whatever the schema.
 * @param schema The column schema.
 * @param options Raw scalars, MAPs as objects.
 * @returns A JSON-ready value.
 * @throws {TypeError} When the value does not match the schema.
 * @example Encode a MAP as key/value pairs
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePlain } from "@starwhale/sdk/wire";
 * const out = encodePlain(new Map([[1, "x"]]), { type: "MAP", keyType: { type: "INT8" }, valueType: { type: "STRING" } });
 * assert.equal(JSON.stringify(out), '[["01","x"]]');
 * ```
 */
export function encodePlain(
  value: Value,
  schema: WireSchema,
  options: EncodeOptions = {},
): unknown {
  if (value === null) return null;
  const t = schema.type;
  if (t === "LIST" || t === "TUPLE") {
    if (!Array.isArray(value)) throw new TypeError(`Cannot encode a non-array value as ${t}`);
    return value.map((v, i) => encodePlain(v, need(elementSchema(schema, i), t, i), options));
  }
  if (t === "MAP") {
    if (!(value instanceof Map || isPlainObject(value))) {
      throw new TypeError("Cannot encode a value that is not a Map or plain object as MAP");
    }
    const pairs = entriesOf(value).map(([k, v], i) => {
      const p = pairSchema(schema, i);
      return [
        encodePlain(k, need(p.keyType, "MAP key", i), options),
        encodePlain(v, need(p.valueType, "MAP value", i), options),
      ];
    });
    if (!options.mapsAsObjects) return pairs;
    return Object.fromEntries(
      pairs.map(([k, v]) => [typeof k === "string" ? k : JSON.stringify(k), v]),
    );
  }
  if (t === "OBJECT") {
    if (!(value instanceof SwObject)) throw new TypeError("Cannot encode a non-SwObject as OBJECT");
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value.attributes)) {
      const a = schema.attributes?.find((x) => x.name === k);
      out[k] = encodePlain(v, need(a, `OBJECT attribute '${k}'`, 0), options);
    }
    return out;
  }
  if (t === "UNKNOWN") throw new TypeError("Cannot encode a non-null value as UNKNOWN");
  return options.raw ? rawScalar(value, t) : encodeScalar(value, t);
}

function need(s: WireSchema | undefined, what: string, i: number): WireSchema {
  if (!s) {
    throw new TypeError(`Cannot encode ${what} at position ${i}: the schema has no type for it`);
  }
  return s;
}

/**
 * Decodes a plain-form value (encoding A) using its schema. MAPs are accepted as key/value pairs
 * or in the older object form; they decode to a plain object when every key is a string, else to
 * a `Map`.
 *
 * @param json The JSON value.
 * @param schema The column schema.
 * @returns The value.
 * @throws {TypeError} On a shape that does not match the schema.
 * @throws {SyntaxError} On a scalar that does not decode.
 * @example Decode a TUPLE
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePlain } from "@starwhale/sdk/wire";
 * const t = decodePlain(["01"], { type: "TUPLE", elementType: { type: "INT8" } }) as number[];
 * assert.equal(t[0], 1);
 * ```
 */
export function decodePlain(json: unknown, schema: WireSchema): Value {
  if (json === null || json === undefined) return null;
  const t = schema.type;
  if (t === "LIST" || t === "TUPLE") {
    if (!Array.isArray(json)) {
      throw new TypeError(`Cannot decode ${short(json)} as ${t}: expected an array`);
    }
    const items = json.map((v, i) => decodePlain(v, need(elementSchema(schema, i), t, i)));
    return t === "TUPLE" ? tuple(...items) as Value : items;
  }
  if (t === "MAP") {
    let pairs: [unknown, unknown][];
    if (Array.isArray(json)) {
      pairs = json.map((p) => {
        if (!Array.isArray(p) || p.length !== 2) {
          throw new TypeError(`Cannot decode MAP entry ${short(p)}: expected a [key, value] pair`);
        }
        return [p[0], p[1]];
      });
    } else if (typeof json === "object") pairs = Object.entries(json as object);
    else throw new TypeError(`Cannot decode ${short(json)} as MAP`);
    return buildMap(pairs.map(([k, v], i) => {
      const p = pairSchema(schema, i);
      return [
        decodePlain(k, need(p.keyType, "MAP key", i)),
        decodePlain(v, need(p.valueType, "MAP value", i)),
      ];
    }));
  }
  if (t === "OBJECT") {
    if (typeof json !== "object" || Array.isArray(json)) {
      throw new TypeError(`Cannot decode ${short(json)} as OBJECT: expected an object`);
    }
    const attrs: Record<string, Value> = {};
    for (const [k, v] of Object.entries(json as object)) {
      const a = schema.attributes?.find((x) => x.name === k);
      attrs[k] = decodePlain(v, need(a, `OBJECT attribute '${k}'`, 0));
    }
    return new SwObject(schema.pythonType ?? "", attrs);
  }
  if (t === "UNKNOWN") {
    throw new TypeError(`Cannot decode ${short(json)} as UNKNOWN: only null is allowed`);
  }
  return decodeScalar(json, t);
}

function buildMap(entries: [Value, Value][]): Value {
  if (entries.every(([k]) => typeof k === "string")) {
    return Object.fromEntries(entries as [string, Value][]);
  }
  return new Map(entries);
}

function short(json: unknown): string {
  const s = JSON.stringify(json) ?? String(json);
  return s.length > 60 ? s.slice(0, 60) + "..." : s;
}

/**
 * Encodes a value in the typed form (encoding B). Each part carries its own type: `hint` picks
 * the width of numbers where it fits (a FLOAT64 column holding `1` stays FLOAT64), anything else
 * is inferred.
 *
 * @param value The value.
 * @param options `hint` schema, raw scalars.
 * @returns `{type, value}` (OBJECT adds `pythonType`).
 * @example Typed null and list
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTyped } from "@starwhale/sdk/wire";
 * assert.equal(JSON.stringify(encodeTyped(null)), '{"type":"UNKNOWN","value":null}');
 * assert.equal(JSON.stringify(encodeTyped([true])), '{"type":"LIST","value":[{"type":"BOOL","value":"1"}]}');
 * ```
 */
export function encodeTyped(
  value: Value,
  options: EncodeOptions & { hint?: WireSchema } = {},
): TypedValue {
  if (value === null) return { type: "UNKNOWN", value: null };
  const s = options.hint && shallowFits(value, options.hint) ? options.hint : inferSchema(value);
  const sub = (v: Value, hint?: WireSchema) => encodeTyped(v, { ...options, hint });
  if (s.type === "LIST" || s.type === "TUPLE") {
    return { type: s.type, value: (value as Value[]).map((v, i) => sub(v, elementSchema(s, i))) };
  }
  if (s.type === "MAP") {
    return {
      type: "MAP",
      value: entriesOf(value).map(([k, v], i) => {
        const p = pairSchema(s, i);
        return { key: sub(k, p.keyType), value: sub(v, p.valueType) };
      }),
    };
  }
  if (s.type === "OBJECT") {
    const o = value as SwObject;
    const attrs: Record<string, TypedValue> = {};
    for (const [k, v] of Object.entries(o.attributes)) {
      attrs[k] = sub(v, s.attributes?.find((a) => a.name === k));
    }
    return { type: "OBJECT", pythonType: o.pythonType, value: attrs };
  }
  return {
    type: s.type,
    value: options.raw ? rawScalar(value, s.type) : encodeScalar(value, s.type),
  };
}

function shallowFits(value: Value, s: WireSchema): boolean {
  if (isScalarType(s.type)) return scalarFits(value, s.type);
  if (s.type === "LIST" || s.type === "TUPLE") {
    return Array.isArray(value) && isTuple(value) === (s.type === "TUPLE");
  }
  if (s.type === "MAP") return value instanceof Map || isPlainObject(value);
  if (s.type === "OBJECT") return value instanceof SwObject;
  return false;
}

/**
 * Decodes a typed-form value (encoding B).
 *
 * @param json `{type, value}` (OBJECT with `pythonType`).
 * @returns The value: INT64 as a number when safe, else a bigint; TUPLE via `tuple()`; MAP as a
 *   plain object when every key is a string, else a `Map`; OBJECT as an `SwObject`.
 * @throws {TypeError} On a malformed typed value.
 * @throws {SyntaxError} On a scalar that does not decode.
 * @example Decode an INT64
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeTyped } from "@starwhale/sdk/wire";
 * assert.equal(decodeTyped({ type: "INT64", value: "000000000000000a" }), 10);
 * ```
 */
export function decodeTyped(json: unknown): Value {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new TypeError(`Cannot decode typed value ${short(json)}: expected {type, value}`);
  }
  const { type, value, pythonType } = json as Record<string, unknown>;
  if (typeof type !== "string" || !WIRE_TYPES.includes(type as ColumnType)) {
    throw new TypeError(`Cannot decode typed value ${short(json)}: unknown type ${short(type)}`);
  }
  if (value === null || value === undefined) return null;
  if (type === "LIST" || type === "TUPLE") {
    if (!Array.isArray(value)) throw new TypeError(`Cannot decode ${short(value)} as ${type}`);
    const items = value.map(decodeTyped);
    return type === "TUPLE" ? tuple(...items) as Value : items;
  }
  if (type === "MAP") {
    if (Array.isArray(value)) {
      return buildMap(value.map((e) => {
        if (e === null || typeof e !== "object" || !("key" in e)) {
          throw new TypeError(`Cannot decode MAP entry ${short(e)}: expected {key, value}`);
        }
        return [decodeTyped(e.key), decodeTyped((e as { value: unknown }).value)];
      }));
    }
    if (typeof value !== "object") throw new TypeError(`Cannot decode ${short(value)} as MAP`);
    return buildMap(Object.entries(value as object).map(([k, v]) => [k, decodeTyped(v)]));
  }
  if (type === "OBJECT") {
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new TypeError(`Cannot decode ${short(value)} as OBJECT`);
    }
    const attrs: Record<string, Value> = {};
    for (const [k, v] of Object.entries(value as object)) attrs[k] = decodeTyped(v);
    return new SwObject(typeof pythonType === "string" ? pythonType : "", attrs);
  }
  if (type === "UNKNOWN") throw new TypeError(`Cannot decode ${short(json)}: UNKNOWN must be null`);
  return decodeScalar(value, type as ColumnType);
}
