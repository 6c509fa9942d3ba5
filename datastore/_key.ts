/**
 * Keys: one kind per table (integers or strings), normalised so that equal keys are `===`,
 * and ordered numerically or by UTF-16 code units.
 *
 * @module
 */

import { describeValue, INT64_MAX, INT64_MIN, type Key } from "./_value.ts";

/** The kind of key a table holds. */
export type KeyKind = "int" | "string";

/** The kind of a key value, or `undefined` if it cannot be a key. */
export function keyKindOf(value: unknown): KeyKind | undefined {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : undefined;
  if (typeof value === "bigint") return "int";
  return undefined;
}

/**
 * Checks and normalises a key: integers become numbers when safe, bigints otherwise.
 *
 * @throws {TypeError} If `value` is not an integer or string, or not of the table's kind.
 * @throws {RangeError} For integers outside INT64.
 */
export function normalizeKey(value: unknown, kind: KeyKind | undefined, what: string): Key {
  const got = keyKindOf(value);
  if (got === undefined) {
    throw new TypeError(
      `Invalid key ${describeValue(value)} for ${what}: expected an integer or a string`,
    );
  }
  if (kind !== undefined && got !== kind) {
    throw new TypeError(
      `Invalid key ${describeValue(value)} for ${what}: the table's keys are ${
        kind === "int" ? "integers" : "strings"
      }`,
    );
  }
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new RangeError(`Key ${value} for ${what} is outside the INT64 range`);
    }
    return value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
      ? Number(value)
      : value;
  }
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(
      `Key ${value} for ${what} is not a safe integer: pass it as a bigint to keep it exact`,
    );
  }
  return value === 0 ? 0 : value as Key; // -0 and 0 are one key
}

/** Orders two keys of the same kind. */
export function compareKeys(a: Key, b: Key): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts keys of one kind in place and returns them. */
export function sortKeys(keys: Key[]): Key[] {
  if (keys.length > 0 && typeof keys[0] === "number" && keys.every((k) => typeof k === "number")) {
    const sorted = Float64Array.from(keys as number[]).sort();
    for (let i = 0; i < keys.length; i++) keys[i] = sorted[i];
    return keys;
  }
  if (keys.length > 0 && typeof keys[0] === "string") return keys.sort();
  return keys.sort(compareKeys);
}
