/**
 * Request bodies: bounded JSON reading, and field readers that each name the offending field and
 * value in a 400.
 *
 * @module
 */
import { ApiError } from "./api_error.ts";

/** Reads typed fields of one JSON object, failing with a 400 for `subject`. */
export class BodyReader {
  readonly #o: Record<string, unknown>;
  readonly #subject: string;
  readonly #path: string;

  /**
   * @param o The object.
   * @param subject The 400 subject.
   * @param path How the object is named in messages.
   */
  constructor(o: unknown, subject: string, path = "body") {
    if (o === null || typeof o !== "object" || Array.isArray(o)) {
      throw ApiError.invalid(subject, `'${path}' must be an object, got ${show(o)}`);
    }
    this.#o = o as Record<string, unknown>;
    this.#subject = subject;
    this.#path = path;
  }

  /** Raw field. */
  raw(key: string): unknown {
    return this.#o[key];
  }

  /** Fails with a 400 naming `key`. */
  fail(key: string, what: string): never {
    throw this.error(key, what);
  }

  /** The 400 naming `key`, to throw. */
  error(key: string, what: string): ApiError {
    return ApiError.invalid(
      this.#subject,
      `'${this.#path}.${key}' ${what}, got ${show(this.#o[key])}`,
    );
  }

  /** An optional string (null counts as absent). */
  string(key: string): string | undefined {
    const v = this.#o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") this.fail(key, "must be a string");
    return v;
  }

  /** A required non-empty string. */
  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v === "") this.fail(key, "is required");
    return v;
  }

  /** An optional boolean with a default. */
  bool(key: string, fallback: boolean): boolean {
    const v = this.#o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") this.fail(key, "must be true or false");
    return v;
  }

  /** An optional integer (JSON number or decimal string) with a default. */
  int(key: string, fallback: number): number {
    const v = this.#o[key];
    if (v === undefined || v === null || v === "") return fallback;
    const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n)) this.fail(key, "must be an integer");
    return n;
  }

  /** An optional array. */
  array(key: string): unknown[] | undefined {
    const v = this.#o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, "must be an array");
    return v;
  }

  /** A nested object reader. */
  object(key: string): BodyReader | undefined {
    const v = this.#o[key];
    if (v === undefined || v === null) return undefined;
    return new BodyReader(v, this.#subject, `${this.#path}.${key}`);
  }
}

/** Short JSON text of a value for messages. */
export function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}

const COLUMN_NAME = /^[\p{L}\p{N}\-_/: ]*$/u;

/**
 * Checks a column name against upstream's pattern (letters, digits, `-`, `_`, `/`, `:`, space).
 *
 * @param name The name.
 * @param subject The 400 subject.
 * @returns The name.
 * @throws {ApiError} On an invalid name.
 */
export function checkColumnName(name: unknown, subject: string): string {
  if (typeof name !== "string" || name === "" || name.length > 1024 || !COLUMN_NAME.test(name)) {
    throw ApiError.invalid(subject, `invalid column name ${show(name)}`);
  }
  return name;
}

/**
 * Parses a revision field: absent, empty or `"0"` means latest.
 *
 * @param value The field value.
 * @param subject The 400 subject.
 * @returns The revision, or `undefined` for latest.
 * @throws {ApiError} On a non-integer revision.
 */
export function parseRevision(value: unknown, subject: string): number | undefined {
  if (value === undefined || value === null || value === "" || value === "0" || value === 0) {
    return undefined;
  }
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw ApiError.invalid(subject, `invalid revision ${show(value)}: expected a decimal integer`);
  }
  return n;
}

/**
 * Reads a JSON object body, refusing bodies over `limit` bytes (413) and malformed JSON (400).
 *
 * @param request The request.
 * @param options `limit` in bytes, `subject` for the 400 code, `optional` allows an empty body.
 * @returns The parsed object (`{}` for an allowed empty body).
 * @throws {ApiError} On an oversized, malformed or non-object body.
 */
export async function readJson(
  request: Request,
  options: { limit: number; subject: string; optional?: boolean },
): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > options.limit) throw tooLarge(declared, options.limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > options.limit) throw tooLarge(size, options.limit);
        chunks.push(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
  const text = new TextDecoder().decode(concat(chunks, size)).trim();
  if (text === "") {
    if (options.optional) return {};
    throw ApiError.invalid(options.subject, "the request body is empty, expected a JSON object");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw ApiError.invalid(options.subject, `the request body is not valid JSON: ${cause}`, {
      cause,
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw ApiError.invalid(options.subject, "the request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(size: number, limit: number): ApiError {
  return new ApiError(
    413,
    "payloadTooLarge",
    `the request body has ${size} bytes, more than the limit of ${limit} bytes`,
  );
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
