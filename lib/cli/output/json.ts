/**
 * Datastore values as JSON for `--output json`: big integers that do not fit a double become
 * strings, bytes become base64 strings, tuples arrays and maps objects.
 *
 * @module
 */

import { isTuple, SwObject } from "../../../datastore/mod.ts";

/**
 * Converts a datastore value (or any nested structure of them) to a JSON-safe value.
 *
 * @param value The value.
 * @returns A value `JSON.stringify` accepts without loss of meaning.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonValue } from "./json.ts";
 * assert.deepEqual(jsonValue({ n: 5n, big: 2n ** 64n, b: new Uint8Array([1]) }), {
 *   n: 5,
 *   big: "18446744073709551616",
 *   b: "AQ==",
 * });
 * ```
 */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value !== "object") return value;
  if (value instanceof Uint8Array) return base64(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || isTuple(value)) return [...(value as unknown[])].map(jsonValue);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonValue(v);
    return out;
  }
  const out: Record<string, unknown> = {};
  const source = value instanceof SwObject
    ? { _type: value.pythonType, ...value.attributes }
    : value as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) out[k] = jsonValue(v);
  return out;
}

/**
 * Renders one JSON document (indented, keys in their order) with a trailing newline.
 *
 * @param value Any value; datastore values are converted with {@link jsonValue}.
 * @returns The text.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(jsonValue(value), null, 2) + "\n";
}

/**
 * Renders one JSON line (compact) with a trailing newline, for row streams.
 *
 * @param value Any value.
 * @returns The line.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(jsonValue(value)) + "\n";
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
