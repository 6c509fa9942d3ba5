/**
 * HTTP plumbing shared by the server routes: the `{code, message, data}` envelope, the one table
 * that maps SDK errors to upstream HTTP statuses and codes, bounded JSON body reading, and
 * Bearer-token checks.
 *
 * @module
 */
import { AmbiguousError, JobStateError, NotFoundError, UnsupportedError } from "../sdk/mod.ts";
import { DatastoreClosedError, DatastoreLockedError } from "../../datastore/mod.ts";

/** Upstream's code for datastore request errors. */
export const DATASTORE_SUBJECT = "Starwhale Internal DataStore";

/**
 * An error answer: HTTP status, envelope `code` and message.
 *
 * @example
 * ```ts
 * import { ApiError } from "@starwhale/sdk/server";
 * const e = ApiError.invalid("JOB", "unknown action 'jump'");
 * console.assert(e.status === 400 && e.code === "INVALID REQUEST: JOB");
 * ```
 */
export class ApiError extends Error {
  override name = "ApiError";
  /** HTTP status. */
  readonly status: number;
  /** Envelope `code`. */
  readonly code: string;

  /**
   * @param status HTTP status.
   * @param code Envelope code.
   * @param message Envelope message.
   */
  constructor(status: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.status = status;
    this.code = code;
  }

  /**
   * A 400 in upstream's `SwValidationException` shape.
   *
   * @param subject `JOB`, `Starwhale Internal DataStore`, ...
   * @param detail What is wrong.
   * @returns The error.
   */
  static invalid(subject: string, detail: string, options: { cause?: unknown } = {}): ApiError {
    return new ApiError(
      400,
      `INVALID REQUEST: ${subject}`,
      `invalid request on subject ${subject}\n${detail}`,
      options,
    );
  }
}

/**
 * Maps any thrown value to an {@link ApiError}: the single table of statuses the server uses
 * (the remote adapter maps them back).
 *
 * @param error What was thrown.
 * @param subject The request's subject for 400s.
 * @returns The error to answer with.
 */
export function toApiError(error: unknown, subject: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof NotFoundError) {
    return new ApiError(404, "NOT FOUND: 001", `Resource is not found ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof JobStateError) {
    return ApiError.invalid("JOB", error.message, { cause: error });
  }
  if (error instanceof AmbiguousError || error instanceof UnsupportedError) {
    return ApiError.invalid(subject, error.message, { cause: error });
  }
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
    return ApiError.invalid(subject, error.message, { cause: error });
  }
  if (error instanceof DatastoreClosedError || error instanceof DatastoreLockedError) {
    return new ApiError(503, "Service is Unavailable: 001", error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, "internalServerError", message, { cause: error });
}

/**
 * The success envelope.
 *
 * @param data The payload.
 * @returns `{code: "success", message: "Success", data}`.
 */
export function success(data: unknown): { code: string; message: string; data: unknown } {
  return { code: "success", message: "Success", data };
}

/**
 * Serialises an answer to a JSON `Response`.
 *
 * @param status HTTP status.
 * @param body The JSON body.
 * @returns The response.
 */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The error envelope answer for a thrown value.
 *
 * @param error What was thrown.
 * @param subject The request's subject for 400s.
 * @returns The response.
 */
export function errorResponse(error: unknown, subject: string): Response {
  const e = toApiError(error, subject);
  return jsonResponse(e.status, { code: e.code, message: e.message, data: null });
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

/**
 * Checks a request's token: the `Authorization: Bearer <token>` header, or the `Authorization`
 * query parameter, compared in constant time.
 *
 * @param request The request.
 * @param token The expected token (without `Bearer `).
 * @returns `undefined` when allowed, else the 401 response.
 */
export function checkAuth(request: Request, token: string): Response | undefined {
  const header = request.headers.get("authorization") ??
    new URL(request.url).searchParams.get("Authorization");
  if (!header || !header.startsWith("Bearer ")) {
    return jsonResponse(401, { code: "Unauthorized", message: "Not logged in." });
  }
  const given = new TextEncoder().encode(header.slice(7).trim());
  const want = new TextEncoder().encode(token);
  let diff = given.length ^ want.length;
  for (let i = 0; i < want.length; i++) diff |= want[i] ^ (given[i % (given.length || 1)] ?? 0);
  if (diff !== 0) {
    return jsonResponse(401, { code: "Unauthorized", message: "JWT token is expired or invalid." });
  }
  return undefined;
}
