/**
 * The Starwhale value system in JavaScript terms: column types, schemas, tuples and objects.
 *
 * JS mapping (an explicit column schema overrides it): boolean -> BOOL, integer-valued number ->
 * INT64, other number -> FLOAT64, bigint -> INT64, string -> STRING, Uint8Array -> BYTES,
 * array -> LIST, {@link tuple} -> TUPLE, Map -> MAP, plain object -> MAP with string keys (read
 * back as a plain object), {@link SwObject} -> OBJECT, null -> UNKNOWN.
 *
 * @module
 */

/** Scalar Starwhale types. `UNKNOWN` is the type of `null`. */
export type ScalarType =
  | "UNKNOWN"
  | "BOOL"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FLOAT16"
  | "FLOAT32"
  | "FLOAT64"
  | "STRING"
  | "BYTES";

/** Every Starwhale column type. */
export type ColumnType = ScalarType | "LIST" | "TUPLE" | "MAP" | "OBJECT";

/** The scalar type names, in upstream order. */
export const SCALAR_TYPES: readonly ScalarType[] = [
  "UNKNOWN",
  "BOOL",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FLOAT16",
  "FLOAT32",
  "FLOAT64",
  "STRING",
  "BYTES",
];

/** The type of a column or of a nested element, in upstream `ColumnSchemaDesc` shape. */
export interface ColumnSchema {
  /** Column name (absent for nested element types). */
  name?: string;
  /** The Starwhale type. */
  type: ColumnType;
  /** LIST/TUPLE: the type of the elements. */
  elementType?: ColumnSchema;
  /** MAP: the type of the keys. */
  keyType?: ColumnSchema;
  /** MAP: the type of the values. */
  valueType?: ColumnSchema;
  /** OBJECT: the class name upstream would instantiate. */
  pythonType?: string;
  /** OBJECT: the attribute types, each with a `name`. */
  attributes?: ColumnSchema[];
}

/** A value that can be stored in a column. */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Value[]
  | Map<Value, Value>
  | SwObject
  | { [key: string]: Value };

/** A row: column name to value. */
export type Row = Record<string, Value>;

/** A key: an integer (number or bigint) or a string; one key type per table. */
export type Key = number | bigint | string;

const TUPLE_MARK: unique symbol = Symbol.for("starwhale.tuple");

/**
 * Makes a TUPLE value: a frozen array marked as a tuple, stored and read back as TUPLE.
 *
 * @param items The elements.
 * @returns A frozen array that {@link isTuple} recognises.
 * @example Store a tuple
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTuple, tuple } from "@starwhale/sdk/datastore";
 * const t = tuple(1, "a");
 * assert(isTuple(t) && t.length === 2);
 * ```
 */
export function tuple(...items: Value[]): readonly Value[] {
  Object.defineProperty(items, TUPLE_MARK, { value: true });
  return Object.freeze(items);
}

/**
 * Tells whether a value was made by {@link tuple} (or read back from a TUPLE column).
 *
 * @param value Any value.
 * @returns `true` for tuples.
 * @example Check a value
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTuple, tuple } from "@starwhale/sdk/datastore";
 * assert(isTuple(tuple(1)) && !isTuple([1]));
 * ```
 */
export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE_MARK] === true;
}

/**
 * An OBJECT value: a named type (upstream's `pythonType`, e.g. `LINK`) with named attributes.
 *
 * @example Store a link
 * ```ts
 * import assert from "node:assert/strict";
 * import { SwObject } from "@starwhale/sdk/datastore";
 * const link = new SwObject("LINK", { uri: "s3://bucket/a.png" });
 * assert(link.attributes.uri === "s3://bucket/a.png");
 * ```
 */
export class SwObject {
  /** The upstream class name. */
  readonly pythonType: string;
  /** Attribute values. */
  readonly attributes: Record<string, Value>;

  /**
   * Makes an OBJECT value.
   *
   * @param pythonType The upstream class name, e.g. `LINK`.
   * @param attributes The attribute values.
   */
  constructor(pythonType: string, attributes: Record<string, Value>) {
    this.pythonType = pythonType;
    this.attributes = attributes;
  }
}

/** Smallest and largest INT64. */
export const INT64_MIN: bigint = -(2n ** 63n);
/** Largest INT64. */
export const INT64_MAX: bigint = 2n ** 63n - 1n;

/**
 * Describes a value for error messages: short, with its JS type.
 *
 * @param value Anything.
 * @returns e.g. `function foo`, `symbol Symbol(x)`, `"abc"`.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "symbol") return `symbol ${String(value)}`;
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return String(value);
  const name = (value as object).constructor?.name ?? "Object";
  return `${name} object`;
}
