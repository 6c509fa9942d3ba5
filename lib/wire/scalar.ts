/**
 * Scalar values on the wire: fixed-width big-endian hex for integers (two's complement) and floats
 * (IEEE-754 bit patterns), `"1"`/`"0"` for BOOL, standard base64 for BYTES, and the human-readable
 * "raw" forms a server returns with `rawResult`.
 *
 * @module
 */
import type { ColumnType, Value } from "../../datastore/mod.ts";

const INT_BITS: Partial<Record<ColumnType, number>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };
const FLOAT_BITS: Partial<Record<ColumnType, number>> = { FLOAT16: 16, FLOAT32: 32, FLOAT64: 64 };
const HEX = /^[0-9a-fA-F]+$/;

/** True for BOOL, the INTs, the FLOATs, STRING and BYTES. */
export function isScalarType(type: ColumnType): boolean {
  return type === "BOOL" || type === "STRING" || type === "BYTES" || type in INT_BITS ||
    type in FLOAT_BITS;
}

/** True for INT8..INT64. */
export function isIntType(type: ColumnType): boolean {
  return type in INT_BITS;
}

/** True for FLOAT16..FLOAT64. */
export function isFloatType(type: ColumnType): boolean {
  return type in FLOAT_BITS;
}

/** Whether `value` can be written as `type` without changing it. */
export function scalarFits(value: Value, type: ColumnType): boolean {
  if (type === "BOOL") return typeof value === "boolean";
  if (type === "STRING") return typeof value === "string";
  if (type === "BYTES") return value instanceof Uint8Array;
  const bits = INT_BITS[type];
  if (bits) {
    if (typeof value !== "bigint" && !(typeof value === "number" && Number.isInteger(value))) {
      return false;
    }
    if (Object.is(value, -0)) return false;
    const b = BigInt(value);
    return b >= -(1n << BigInt(bits - 1)) && b < (1n << BigInt(bits - 1));
  }
  if (type in FLOAT_BITS) return typeof value === "number";
  return false;
}

function bad(value: unknown, type: ColumnType): never {
  const shown = typeof value === "bigint" ? `${value}n` : JSON.stringify(value) ?? String(value);
  throw new TypeError(`Cannot encode ${shown} as ${type}`);
}

/**
 * Encodes a scalar in the plain wire form (upstream encoding A).
 *
 * @param value A boolean, number, bigint, string or Uint8Array matching `type`.
 * @param type The scalar type.
 * @returns The wire string.
 * @throws {TypeError} When the value does not match the type.
 * @throws {RangeError} When an integer does not fit the width.
 * @example Encode an INT32 and a FLOAT64
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeScalar } from "@starwhale/sdk/wire";
 * assert.equal(encodeScalar(10, "INT32"), "0000000a");
 * assert.equal(encodeScalar(0.5, "FLOAT64"), "3fe0000000000000");
 * ```
 */
export function encodeScalar(value: Value, type: ColumnType): string {
  const bits = INT_BITS[type];
  if (bits) {
    if (typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0)) {
      // Safe integers need no BigInt: the bounds compare exactly and the two halves are exact.
      if (bits < 64) {
        const half = 2 ** (bits - 1);
        if (value < -half || value >= half) {
          throw new RangeError(
            `Cannot encode ${value} as ${type}: it does not fit in ${bits} bits`,
          );
        }
        return (value < 0 ? value + 2 * half : value).toString(16).padStart(bits / 4, "0");
      }
      const hi = Math.floor(value / 2 ** 32);
      return hex8(hi >>> 0) + hex8(value - hi * 2 ** 32);
    }
    if (typeof value !== "bigint" && !(typeof value === "number" && Number.isInteger(value))) {
      bad(value, type);
    }
    const b = BigInt(value);
    if (b < -(1n << BigInt(bits - 1)) || b >= (1n << BigInt(bits - 1))) {
      throw new RangeError(`Cannot encode ${b} as ${type}: it does not fit in ${bits} bits`);
    }
    return BigInt.asUintN(bits, b).toString(16).padStart(bits / 4, "0");
  }
  const fbits = FLOAT_BITS[type];
  if (fbits) {
    if (typeof value !== "number") bad(value, type);
    if (fbits === 16) {
      BITS.setFloat16(0, value);
      return BITS.getUint16(0).toString(16).padStart(4, "0");
    }
    if (fbits === 32) {
      BITS.setFloat32(0, value);
      return hex8(BITS.getUint32(0));
    }
    BITS.setFloat64(0, value);
    return hex8(BITS.getUint32(0)) + hex8(BITS.getUint32(4));
  }
  if (type === "BOOL") {
    if (typeof value !== "boolean") bad(value, type);
    return value ? "1" : "0";
  }
  if (type === "STRING") {
    if (typeof value !== "string") bad(value, type);
    return value;
  }
  if (type === "BYTES") {
    if (!(value instanceof Uint8Array)) bad(value, type);
    return value.toBase64();
  }
  throw new TypeError(`Cannot encode a scalar of type ${type}`);
}

/** Scratch space for float bit patterns (scalars are encoded one at a time). */
const BITS = new DataView(new ArrayBuffer(8));

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** Integers whose high 32 bits are below this (or at least 2^32 minus it) are safe numbers. */
const SAFE_HIGH = 2 ** 20;

/**
 * Decodes a plain wire scalar. Hex may be shorter than the width (left-padded, as upstream).
 * INT64 comes back as a number when safe, else as a bigint.
 *
 * @param text The wire string.
 * @param type The scalar type.
 * @returns The value.
 * @throws {TypeError} When `text` is not a string.
 * @throws {SyntaxError} When the text is not valid for the type.
 * @example Decode two's complement
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeScalar } from "@starwhale/sdk/wire";
 * assert.equal(decodeScalar("ff", "INT8"), -1);
 * ```
 */
export function decodeScalar(text: unknown, type: ColumnType): Value {
  if (typeof text !== "string") {
    throw new TypeError(`Cannot decode ${JSON.stringify(text)} as ${type}: expected a string`);
  }
  const bits = INT_BITS[type] ?? FLOAT_BITS[type];
  if (bits) {
    if (!HEX.test(text) || text.length > bits / 4) {
      throw new SyntaxError(
        `Cannot decode ${JSON.stringify(text)} as ${type}: expected up to ${bits / 4} hex digits`,
      );
    }
    if (type in INT_BITS) {
      if (bits < 64) {
        const u = parseInt(text, 16);
        return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
      }
      // Two 32-bit halves are exact in a number; BigInt only when the value is not safe.
      const hi = text.length > 8 ? parseInt(text.slice(0, -8), 16) : 0;
      const lo = parseInt(text.length > 8 ? text.slice(-8) : text, 16);
      if (hi < SAFE_HIGH) return hi * 2 ** 32 + lo;
      if (hi >= 2 ** 32 - SAFE_HIGH) return (hi - 2 ** 32) * 2 ** 32 + lo;
      const v = BigInt.asIntN(64, BigInt("0x" + text));
      return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)
        ? v
        : Number(v);
    }
    if (bits === 16) {
      BITS.setUint16(0, parseInt(text, 16));
      return BITS.getFloat16(0);
    }
    if (bits === 32) {
      BITS.setUint32(0, parseInt(text, 16));
      return BITS.getFloat32(0);
    }
    BITS.setUint32(0, text.length > 8 ? parseInt(text.slice(0, -8), 16) : 0);
    BITS.setUint32(4, parseInt(text.length > 8 ? text.slice(-8) : text, 16));
    return BITS.getFloat64(0);
  }
  if (type === "BOOL") {
    if (text === "1") return true;
    if (text === "0") return false;
    throw new SyntaxError(`Cannot decode ${JSON.stringify(text)} as BOOL: expected "1" or "0"`);
  }
  if (type === "STRING") return text;
  if (type === "BYTES") {
    try {
      return Uint8Array.fromBase64(text);
    } catch (cause) {
      throw new SyntaxError(`Cannot decode ${JSON.stringify(text)} as BYTES: invalid base64`, {
        cause,
      });
    }
  }
  throw new TypeError(`Cannot decode a scalar of type ${type}`);
}

/**
 * Formats a scalar the way a server does with `rawResult`: decimal integers, Java-style floats
 * (`1.0`, `1.0E10`, `NaN`, `Infinity`), `true`/`false`, and BYTES as UTF-8 text.
 *
 * @param value The value.
 * @param type Its scalar type.
 * @returns The readable string.
 * @example Raw forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { rawScalar } from "@starwhale/sdk/wire";
 * assert(rawScalar(1e10, "FLOAT64") === "1.0E10" && rawScalar(5, "INT8") === "5");
 * ```
 */
export function rawScalar(value: Value, type: ColumnType): string {
  if (type in INT_BITS) return String(value);
  if (type in FLOAT_BITS) return javaFloat(value as number);
  if (type === "BOOL") return value ? "true" : "false";
  if (type === "BYTES") return new TextDecoder().decode(value as Uint8Array);
  return String(value);
}

function javaFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : s + ".0";
  }
  const [mant, exp] = x.toExponential().split("e");
  return `${mant.includes(".") ? mant : mant + ".0"}E${Number(exp)}`;
}
