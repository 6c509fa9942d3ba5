/**
 * The server's error answers: {@link ApiError} (HTTP status, envelope `code`, message) and the one
 * table that maps every error class the SDK and the datastore throw to upstream's statuses and
 * codes (the remote adapter maps them back, so both backends throw the same classes).
 *
 * @module
 */
import { AmbiguousError, JobStateError, NotFoundError, UnsupportedError } from "../sdk/mod.ts";
import { DatastoreClosedError, DatastoreLockedError } from "../../datastore/mod.ts";

/** Upstream's subject for datastore request errors. */
export const DATASTORE_SUBJECT = "Starwhale Internal DataStore";

/** The envelope every answer of `/api/v1` has (`ResponseMessage`). */
export interface Envelope {
  /** `success`, or what went wrong (`NOT FOUND: 001`, `INVALID REQUEST: JOB`, ...). */
  code: string;
  /** `Success`, or a message for people. */
  message: string;
  /** The payload; `null` on errors. */
  data: unknown;
}

/**
 * An error answer: HTTP status, envelope `code` and message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError } from "@starwhale/sdk/server";
 * const e = ApiError.invalid("JOB", "unknown action 'jump'");
 * assert.deepEqual([e.status, e.code], [400, "INVALID REQUEST: JOB"]);
 * ```
 */
export class ApiError extends Error {
  /** The error class name. */
  override name = "ApiError";
  /** HTTP status. */
  readonly status: number;
  /** Envelope `code`. */
  readonly code: string;

  /**
   * Makes an error answer.
   *
   * @param status HTTP status.
   * @param code Envelope code.
   * @param message Envelope message.
   * @param options `cause`: the error answered.
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
   * @param options `cause`: the error answered.
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

  /**
   * A 503: the server cannot serve the request now.
   *
   * @param detail Why.
   * @param options `cause`: the error answered.
   * @returns The error.
   */
  static unavailable(detail: string, options: { cause?: unknown } = {}): ApiError {
    return new ApiError(503, "Service is Unavailable: 001", detail, options);
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Error class -> how it is answered. The first row whose class matches wins. */
const STATUS_TABLE: readonly [ErrorClass, (e: Error, subject: string) => ApiError][] = [
  [
    NotFoundError,
    (e) => new ApiError(404, "NOT FOUND: 001", `Resource is not found ${e.message}`, { cause: e }),
  ],
  [JobStateError, (e) => ApiError.invalid("JOB", e.message, { cause: e })],
  [AmbiguousError, (e, s) => ApiError.invalid(s, e.message, { cause: e })],
  [UnsupportedError, (e, s) => ApiError.invalid(s, e.message, { cause: e })],
  [TypeError, (e, s) => ApiError.invalid(s, e.message, { cause: e })],
  [RangeError, (e, s) => ApiError.invalid(s, e.message, { cause: e })],
  [SyntaxError, (e, s) => ApiError.invalid(s, e.message, { cause: e })],
  [DatastoreClosedError, (e) => ApiError.unavailable(e.message, { cause: e })],
  [DatastoreLockedError, (e) => ApiError.unavailable(e.message, { cause: e })],
];

/**
 * Maps any thrown value to an {@link ApiError} through the one status table; anything the table
 * does not name is a 500.
 *
 * @param error What was thrown.
 * @param subject The request's subject for 400s.
 * @returns The error to answer with.
 */
export function toApiError(error: unknown, subject: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) {
    for (const [type, answer] of STATUS_TABLE) {
      if (error instanceof type) return answer(error, subject);
    }
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
export function success(data: unknown): Envelope {
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
