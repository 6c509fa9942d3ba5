/**
 * The `queryTable` filter grammar (upstream `TableQueryFilterDesc`): parsed once into a predicate
 * over rows, and the `orderBy` comparator.
 *
 * @module
 */
import type { Row, Value } from "../../../datastore/mod.ts";
import { ApiError } from "../api_error.ts";
import { show } from "../_body.ts";

/** A compiled filter. */
export type RowPredicate = (row: Row) => boolean;

type Operand = { column: string } | { constant: Value } | { filter: RowPredicate };

const LOGICAL = new Set(["AND", "OR", "NOT"]);
const COMPARE = new Set(["EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]);

/** How deep filters may nest (`NOT` of `AND` of ... counts one level per filter). */
export const MAX_FILTER_DEPTH = 64;

/**
 * Compiles a filter description into a row predicate.
 *
 * @param json The `filter` field.
 * @param subject The 400 subject.
 * @returns The predicate.
 * @throws {ApiError} On a malformed filter, naming the offending part, or one nested deeper than
 *   {@link MAX_FILTER_DEPTH} levels.
 */
export function compileFilter(json: unknown, subject: string): RowPredicate {
  return compile(json, { subject, path: "filter", depth: 0 });
}

interface At {
  subject: string;
  path: string;
  depth: number;
}

function compile(json: unknown, at: At): RowPredicate {
  const { subject, path } = at;
  if (at.depth > MAX_FILTER_DEPTH) {
    throw ApiError.invalid(
      subject,
      `invalid filter at '${
        path.slice(0, 60)
      }...': it nests deeper than ${MAX_FILTER_DEPTH} levels`,
    );
  }
  const bad = (what: string): never => {
    throw ApiError.invalid(subject, `invalid filter at '${path}': ${what}, got ${show(json)}`);
  };
  if (json === null || typeof json !== "object" || Array.isArray(json)) bad("expected an object");
  const { operator, operands } = json as Record<string, unknown>;
  if (typeof operator !== "string" || !(LOGICAL.has(operator) || COMPARE.has(operator))) {
    bad("unknown operator");
  }
  if (!Array.isArray(operands)) bad("operands must be an array");
  const ops = (operands as unknown[]).map((o, i) =>
    operand(o, { ...at, path: `${path}.operands[${i}]` })
  );
  if (LOGICAL.has(operator as string)) {
    const fs = ops.map((o) => ("filter" in o ? o.filter : bad("AND/OR/NOT take filters only")));
    if (operator === "NOT") {
      if (fs.length !== 1) bad("NOT takes exactly one filter");
      return (row) => !fs[0](row);
    }
    if (fs.length < 2) bad(`${operator} takes at least two filters`);
    return operator === "AND" ? (row) => fs.every((f) => f(row)) : (row) => fs.some((f) => f(row));
  }
  if (ops.length !== 2) bad(`${operator} takes exactly two operands`);
  if (ops.some((o) => "filter" in o)) bad(`${operator} cannot compare a filter`);
  if (!ops.some((o) => "column" in o)) bad(`${operator} needs a columnName operand`);
  const isNullTest = ops.some((o) => "constant" in o && o.constant === null);
  if (isNullTest && operator !== "EQUAL") bad("a null constant is only allowed with EQUAL");
  const get = (o: Operand, row: Row): Value =>
    "column" in o ? (row[o.column] ?? null) : (o as { constant: Value }).constant;
  return (row) => {
    const c = compareValues(get(ops[0], row), get(ops[1], row));
    switch (operator) {
      case "EQUAL":
        return c === 0;
      case "LESS":
        return c < 0;
      case "LESS_EQUAL":
        return c <= 0;
      case "GREATER":
        return c > 0;
      default:
        return c >= 0;
    }
  };
}

function operand(json: unknown, at: At): Operand {
  const { subject, path } = at;
  if (json === null || typeof json !== "object") {
    throw ApiError.invalid(subject, `invalid filter operand at '${path}': ${show(json)}`);
  }
  const o = json as Record<string, unknown>;
  const set = Object.entries(o).filter(([, v]) => v !== null && v !== undefined);
  if (set.length > 1) {
    throw ApiError.invalid(subject, `invalid filter operand at '${path}': set exactly one field`);
  }
  if (set.length === 0) return { constant: null };
  const [key, v] = set[0];
  const wrong = (): never => {
    throw ApiError.invalid(subject, `invalid filter operand at '${path}.${key}': ${show(v)}`);
  };
  switch (key) {
    case "filter":
      return { filter: compile(v, { subject, path: `${path}.filter`, depth: at.depth + 1 }) };
    case "columnName":
      return typeof v === "string" ? { column: v } : wrong();
    case "boolValue":
      return typeof v === "boolean" ? { constant: v } : wrong();
    case "intValue":
      if (typeof v === "number" && Number.isInteger(v)) return { constant: v };
      return typeof v === "string" && /^-?\d+$/.test(v) ? { constant: toInt(BigInt(v)) } : wrong();
    case "floatValue":
      return typeof v === "number" ? { constant: v } : wrong();
    case "stringValue":
      return typeof v === "string" ? { constant: v } : wrong();
    case "bytesValue":
      try {
        return typeof v === "string" ? { constant: Uint8Array.fromBase64(v) } : wrong();
      } catch {
        return wrong();
      }
    default:
      return wrong();
  }
}

function toInt(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(b)
    : b;
}

const RANK = ["null", "boolean", "number", "string", "bytes", "other"];

function kind(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number" || typeof v === "bigint") return "number";
  if (typeof v === "string") return "string";
  if (v instanceof Uint8Array) return "bytes";
  return "other";
}

function coerce(s: string, to: string): Value | undefined {
  if (to === "boolean") return s === "true" ? true : s === "false" ? false : undefined;
  if (to === "number") {
    if (/^-?\d+$/.test(s)) return toInt(BigInt(s));
    const n = Number(s);
    return s.trim() !== "" && !Number.isNaN(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Orders two values as the server does: null first, numbers numerically across int and float,
 * strings by UTF-16 code units, bytes bytewise; a string compared with a bool or number is first
 * converted when it can be; other mixes order by kind.
 *
 * @param a A value.
 * @param b A value.
 * @returns Negative, zero or positive.
 */
export function compareValues(a: Value, b: Value): number {
  let ka = kind(a), kb = kind(b);
  if (ka !== kb && ka === "string" && (kb === "boolean" || kb === "number")) {
    const c = coerce(a as string, kb);
    if (c !== undefined) [a, ka] = [c, kb];
  } else if (ka !== kb && kb === "string" && (ka === "boolean" || ka === "number")) {
    const c = coerce(b as string, ka);
    if (c !== undefined) [b, kb] = [c, ka];
  }
  if (ka !== kb) return RANK.indexOf(ka) - RANK.indexOf(kb);
  switch (ka) {
    case "null":
      return 0;
    case "boolean":
      return Number(a) - Number(b);
    case "number": {
      const intLike = (v: Value) => typeof v === "bigint" || Number.isInteger(v);
      if ((typeof a === "bigint" || typeof b === "bigint") && intLike(a) && intLike(b)) {
        const x = BigInt(a as number | bigint), y = BigInt(b as number | bigint);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      const x = Number(a), y = Number(b);
      return x < y
        ? -1
        : x > y
        ? 1
        : Number.isNaN(x)
        ? (Number.isNaN(y) ? 0 : 1)
        : (Number.isNaN(y) ? -1 : 0);
    }
    case "string":
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case "bytes": {
      const x = a as Uint8Array, y = b as Uint8Array;
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    }
    default:
      return 0;
  }
}
