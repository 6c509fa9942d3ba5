/**
 * Column schemas as they travel on the wire (upstream `ColumnSchemaDesc`), their validation, and
 * type inference from JavaScript values the way upstream infers from Python values.
 *
 * @module
 */
import {
  type ColumnSchema,
  type ColumnType,
  isTuple,
  SwObject,
  type Value,
} from "../../datastore/mod.ts";
import { INT64_MAX, INT64_MIN, SCALAR_TYPES } from "../../datastore/mod.ts";

/** Every type name the wire knows, in upstream index order (FLOAT16 is a client-side extra). */
export const WIRE_TYPES: readonly ColumnType[] = [
  ...SCALAR_TYPES,
  "LIST",
  "TUPLE",
  "MAP",
  "OBJECT",
];

/** Per-pair override of a MAP's key and value types (upstream `KeyValuePairSchema`). */
export interface WirePairSchema {
  /** Type of this pair's key. */
  keyType: WireSchema;
  /** Type of this pair's value. */
  valueType: WireSchema;
}

/**
 * A `ColumnSchemaDesc`: a column schema plus upstream's sparse-type extras. For LIST/TUPLE,
 * `attributes` holds per-position overrides, each with `index`; for MAP,
 * `sparseKeyValuePairSchema` holds per-pair overrides keyed by pair position.
 */
export interface WireSchema extends ColumnSchema {
  /** LIST/TUPLE sparse override: the element position it applies to. */
  index?: number;
  /** LIST/TUPLE: the main element type. */
  elementType?: WireSchema;
  /** MAP: the main key type. */
  keyType?: WireSchema;
  /** MAP: the main value type. */
  valueType?: WireSchema;
  /** OBJECT: named attribute types; LIST/TUPLE: sparse element types with `index`. */
  attributes?: WireSchema[];
  /** MAP: per-pair overrides keyed by the pair position as a decimal string. */
  sparseKeyValuePairSchema?: Record<string, WirePairSchema>;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_]+$/;
const COMPOSITES = new Set<ColumnType>(["LIST", "TUPLE", "MAP", "OBJECT"]);

function fail(path: string, what: string, value: unknown): never {
  throw new TypeError(`Invalid column schema at '${path}': ${what}, got ${JSON.stringify(value)}`);
}

/**
 * Validates a `ColumnSchemaDesc` JSON value and returns it as a {@link WireSchema}.
 *
 * @param json The parsed JSON.
 * @param options `path` names the value in error messages; `named` requires a `name`.
 * @returns The schema, with only known fields kept.
 * @throws {TypeError} On any wrong shape, with the offending path and value.
 * @throws {RangeError} When it nests deeper than {@link MAX_SCHEMA_DEPTH} levels.
 * @example Parse a list schema
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSchema } from "@starwhale/sdk/wire";
 * const s = parseSchema({ name: "probs", type: "LIST", elementType: { type: "FLOAT32" } });
 * assert.equal(s.elementType?.type, "FLOAT32");
 * ```
 */
export function parseSchema(
  json: unknown,
  options: { path?: string; named?: boolean } = {},
): WireSchema {
  return parseLevel(json, options, 0);
}

/** How deep column schemas may nest (a LIST of LISTs of ... counts one level per LIST). */
export const MAX_SCHEMA_DEPTH = 64;

function parseLevel(
  json: unknown,
  options: { path?: string; named?: boolean },
  depth: number,
): WireSchema {
  const path = options.path ?? "schema";
  if (depth > MAX_SCHEMA_DEPTH) {
    const shown = path.length > 120 ? `${path.slice(0, 60)}...${path.slice(-50)}` : path;
    throw new RangeError(
      `Invalid column schema at '${shown}': it nests deeper than ${MAX_SCHEMA_DEPTH} levels`,
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    fail(path, "expected an object", json);
  }
  const o = json as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== "string" || !WIRE_TYPES.includes(type as ColumnType)) {
    fail(`${path}.type`, `expected one of ${WIRE_TYPES.join(", ")}`, type);
  }
  const out: WireSchema = { type: type as ColumnType };
  if (o.name !== undefined && o.name !== null) {
    if (typeof o.name !== "string") fail(`${path}.name`, "expected a string", o.name);
    out.name = o.name;
  } else if (options.named) fail(`${path}.name`, "a name is required", o.name);
  if (o.index !== undefined && o.index !== null) {
    if (!Number.isSafeInteger(o.index) || (o.index as number) < 0) {
      fail(`${path}.index`, "expected a non-negative integer", o.index);
    }
    out.index = o.index as number;
  }
  const sub = (key: string) =>
    o[key] === undefined || o[key] === null
      ? undefined
      : parseLevel(o[key], { path: `${path}.${key}` }, depth + 1);
  if (type === "LIST" || type === "TUPLE") {
    out.elementType = sub("elementType") ?? { type: "UNKNOWN" };
    if (Array.isArray(o.attributes)) {
      out.attributes = o.attributes.map((a, i) =>
        parseLevel(a, { path: `${path}.attributes[${i}]` }, depth + 1)
      );
      out.attributes.forEach((a, i) => {
        if (a.index === undefined) fail(`${path}.attributes[${i}].index`, "required", a.index);
      });
    }
  } else if (type === "MAP") {
    out.keyType = sub("keyType") ?? { type: "UNKNOWN" };
    out.valueType = sub("valueType") ?? { type: "UNKNOWN" };
    const sparse = o.sparseKeyValuePairSchema;
    if (sparse !== undefined && sparse !== null) {
      if (typeof sparse !== "object" || Array.isArray(sparse)) {
        fail(`${path}.sparseKeyValuePairSchema`, "expected an object", sparse);
      }
      out.sparseKeyValuePairSchema = {};
      for (const [k, pair] of Object.entries(sparse as Record<string, unknown>)) {
        const p = `${path}.sparseKeyValuePairSchema.${k}`;
        if (!/^\d+$/.test(k)) fail(p, "expected a pair position as key", k);
        const pr = (pair ?? {}) as Record<string, unknown>;
        out.sparseKeyValuePairSchema[k] = {
          keyType: parseLevel(pr.keyType, { path: `${p}.keyType` }, depth + 1),
          valueType: parseLevel(pr.valueType, { path: `${p}.valueType` }, depth + 1),
        };
      }
    }
  } else if (type === "OBJECT") {
    if (typeof o.pythonType !== "string" || o.pythonType === "") {
      fail(`${path}.pythonType`, "an OBJECT needs a non-empty pythonType", o.pythonType);
    }
    out.pythonType = o.pythonType;
    const attrs = o.attributes ?? [];
    if (!Array.isArray(attrs)) fail(`${path}.attributes`, "expected an array", attrs);
    out.attributes = attrs.map((a, i) => {
      const s = parseLevel(a, { path: `${path}.attributes[${i}]`, named: true }, depth + 1);
      if (!ATTRIBUTE_NAME.test(s.name!)) {
        fail(`${path}.attributes[${i}].name`, "attribute names must match [A-Za-z0-9_]+", s.name);
      }
      return s;
    });
  }
  return out;
}

/** Upstream-like ordering of types for breaking ties in the main element type. */
const RANK: Record<ColumnType, number> = {
  UNKNOWN: 0,
  STRING: 1,
  BYTES: 2,
  BOOL: 3,
  INT8: 4,
  INT16: 5,
  FLOAT16: 6,
  INT32: 7,
  FLOAT32: 8,
  INT64: 9,
  FLOAT64: 10,
  LIST: 11,
  MAP: 12,
  OBJECT: 13,
  TUPLE: 14,
};

/**
 * Infers the wire schema of a JavaScript value: integer-valued number or bigint -> INT64, other
 * number (and -0) -> FLOAT64, lists and maps take the most common element (pair) type as the main
 * type and record the others as sparse types by position.
 *
 * @param value The value.
 * @returns Its schema (without a name).
 * @throws {TypeError} For values the type system cannot hold (functions, symbols, undefined).
 * @throws {RangeError} For a bigint outside INT64.
 * @example Infer a mixed list
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferSchema } from "@starwhale/sdk/wire";
 * const s = inferSchema([1, "a", "b", 2.5]);
 * assert(s.elementType?.type === "STRING" && s.attributes?.length === 2);
 * ```
 */
export function inferSchema(value: Value): WireSchema {
  if (value === null) return { type: "UNKNOWN" };
  switch (typeof value) {
    case "boolean":
      return { type: "BOOL" };
    case "number":
      return Number.isInteger(value) && !Object.is(value, -0) &&
          BigInt(value) >= INT64_MIN && BigInt(value) <= INT64_MAX
        ? { type: "INT64" }
        : { type: "FLOAT64" };
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new RangeError(`Cannot store ${value}n: it is outside the INT64 range`);
      }
      return { type: "INT64" };
    case "string":
      return { type: "STRING" };
  }
  if (value instanceof Uint8Array) return { type: "BYTES" };
  if (Array.isArray(value)) {
    const type = isTuple(value) ? "TUPLE" : "LIST";
    const { main, sparse } = mainAndSparse(value.map((v) => inferSchema(v)));
    const out: WireSchema = { type, elementType: main };
    if (sparse.length) out.attributes = sparse.map(([i, s]) => ({ ...s, index: i }));
    return out;
  }
  if (value instanceof SwObject) {
    return {
      type: "OBJECT",
      pythonType: value.pythonType,
      attributes: Object.entries(value.attributes).map(([k, v]) => ({
        name: k,
        ...inferSchema(v),
      })),
    };
  }
  if (value instanceof Map || isPlainObject(value)) {
    const entries: [Value, Value][] = value instanceof Map
      ? [...value.entries()]
      : Object.entries(value as Record<string, Value>);
    const pairs = entries.map(([k, v]) => ({
      type: "MAP" as ColumnType,
      keyType: inferSchema(k),
      valueType: inferSchema(v),
    }));
    const { main, sparse } = mainAndSparse(pairs);
    const out: WireSchema = {
      type: "MAP",
      keyType: main.keyType ?? { type: "UNKNOWN" },
      valueType: main.valueType ?? { type: "UNKNOWN" },
    };
    if (sparse.length) {
      out.sparseKeyValuePairSchema = Object.fromEntries(
        sparse.map(([i, p]) => [String(i), { keyType: p.keyType!, valueType: p.valueType! }]),
      );
    }
    return out;
  }
  throw new TypeError(`Cannot store a value of this kind: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    return `${value.constructor?.name ?? "Object"} object`;
  }
  return `${typeof value} ${String(value)}`;
}

/** Tells a plain `{}` object (a MAP with string keys) from class instances. */
export function isPlainObject(value: unknown): value is Record<string, Value> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Canonical text of a schema, used to count equal element types. */
export function schemaKey(s: WireSchema): string {
  return JSON.stringify(s, (k, v) => (k === "name" || k === "index" ? undefined : v));
}

function rank(s: WireSchema): number[] {
  if (s.type === "MAP" && s.keyType && s.valueType) {
    return [RANK.MAP, ...rank(s.keyType), ...rank(s.valueType)];
  }
  return [RANK[s.type]];
}

function greater(a: WireSchema, b: WireSchema): boolean {
  const ra = rank(a), rb = rank(b);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    if (ra[i] !== rb[i]) return ra[i] > rb[i];
  }
  if (ra.length !== rb.length) return ra.length > rb.length;
  return schemaKey(a) > schemaKey(b);
}

function mainAndSparse(
  items: WireSchema[],
): { main: WireSchema; sparse: [number, WireSchema][] } {
  if (items.length === 0) return { main: { type: "UNKNOWN" }, sparse: [] };
  const counts = new Map<string, { s: WireSchema; n: number }>();
  for (const s of items) {
    const k = schemaKey(s);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { s, n: 1 });
  }
  let best: { s: WireSchema; n: number } | undefined;
  for (const c of counts.values()) {
    if (!best || c.n > best.n || (c.n === best.n && greater(c.s, best.s))) best = c;
  }
  const mainKey = schemaKey(best!.s);
  const sparse: [number, WireSchema][] = [];
  items.forEach((s, i) => {
    if (schemaKey(s) !== mainKey) sparse.push([i, s]);
  });
  return { main: best!.s, sparse };
}

/** The schema of element `index` of a LIST/TUPLE, honouring sparse overrides. */
export function elementSchema(list: WireSchema, index: number): WireSchema | undefined {
  const over = list.attributes?.find((a) => a.index === index);
  return over ?? list.elementType;
}

/** The key and value schemas of pair `index` of a MAP, honouring sparse overrides. */
export function pairSchema(
  map: WireSchema,
  index: number,
): { keyType?: WireSchema; valueType?: WireSchema } {
  return map.sparseKeyValuePairSchema?.[String(index)] ??
    { keyType: map.keyType, valueType: map.valueType };
}

/** True for LIST, TUPLE, MAP and OBJECT. */
export function isComposite(type: ColumnType): boolean {
  return COMPOSITES.has(type);
}
