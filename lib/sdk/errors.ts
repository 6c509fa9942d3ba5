/**
 * Errors the SDK throws besides `TypeError` (wrong shape), `RangeError` (out of range) and
 * `SyntaxError` (unparsable text): subclasses of {@link StarwhaleError}, each with `name` set and
 * the `cause` it was given.
 *
 * @module
 */

/**
 * The base class of the SDK's own errors, so callers can tell them from everything else.
 *
 * @example Catch any SDK error
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotFoundError, StarwhaleError } from "@starwhale/sdk";
 * const e = new NotFoundError("job", "xm5wnup");
 * assert.ok(e instanceof StarwhaleError && e instanceof Error);
 * assert.equal(e.name, "NotFoundError");
 * ```
 */
export class StarwhaleError extends Error {
  /** The error class name. */
  override name = "StarwhaleError";

  /**
   * Creates it.
   *
   * @param message What could not be done and why.
   * @param options The cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/**
 * A job, model, dataset, project, instance or table does not exist, or a prefix matched nothing.
 *
 * @example Tell a missing job apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotFoundError } from "@starwhale/sdk";
 * const e = new NotFoundError("job", "xm5wnup", { project: "self" });
 * assert.equal(e.name, "NotFoundError");
 * assert.equal(e.kind, "job");
 * assert.equal(e.message, "Cannot find job 'xm5wnup' in project 'self'");
 * ```
 */
export class NotFoundError extends StarwhaleError {
  /** The error class name. */
  override name = "NotFoundError";
  /** What was looked for: `job`, `model`, `dataset`, `project`, `instance`, `handler`, ... */
  readonly kind: string;
  /** The name, id or URI that was looked for. */
  readonly value: string;

  /**
   * Creates it.
   *
   * @param kind What was looked for.
   * @param value The name, id or URI that matched nothing.
   * @param options `project` to name in the message, `detail` to append, `cause`.
   */
  constructor(
    kind: string,
    value: string,
    options: { project?: string; detail?: string; cause?: unknown } = {},
  ) {
    const where = options.project === undefined ? "" : ` in project '${options.project}'`;
    const detail = options.detail ? `: ${options.detail}` : "";
    super(`Cannot find ${kind} '${value}'${where}${detail}`, { cause: options.cause });
    this.kind = kind;
    this.value = value;
  }
}

/**
 * A short id or version prefix matched more than one job, model or dataset version.
 *
 * @example List what matched
 * ```ts
 * import assert from "node:assert/strict";
 * import { AmbiguousError } from "@starwhale/sdk";
 * const e = new AmbiguousError("job", "xm5", ["xm5wnupaaaa", "xm5q2abbbb"]);
 * assert.match(e.message, /the prefix matches 2 jobs \(xm5wnupaaaa, xm5q2abbbb\)/);
 * assert.equal(e.matches.length, 2);
 * ```
 */
export class AmbiguousError extends StarwhaleError {
  /** The error class name. */
  override name = "AmbiguousError";
  /** What was looked for. */
  readonly kind: string;
  /** The prefix given. */
  readonly value: string;
  /** Everything the prefix matched (at most the first ten are named in the message). */
  readonly matches: readonly string[];

  /**
   * Creates it.
   *
   * @param kind What was looked for.
   * @param value The prefix given.
   * @param matches Everything it matched.
   */
  constructor(kind: string, value: string, matches: readonly string[]) {
    const shown = matches.slice(0, 10).map((m) => m.length > 12 ? `${m.slice(0, 12)}...` : m);
    const more = matches.length > 10 ? `, and ${matches.length - 10} more` : "";
    super(
      `Cannot open ${kind} '${value}': the prefix matches ${matches.length} ${kind}s ` +
        `(${shown.join(", ")}${more})`,
    );
    this.kind = kind;
    this.value = value;
    this.matches = matches;
  }
}

/**
 * An operation is not allowed in the job's current status, e.g. pausing a finished job.
 *
 * @example Refuse to cancel a finished job
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobStateError } from "@starwhale/sdk";
 * const e = new JobStateError("cancel", { id: "xm5wnup", status: "SUCCESS" });
 * assert.equal(e.status, "SUCCESS");
 * assert.equal(e.message, "Cannot cancel job 'xm5wnup': it is SUCCESS");
 * ```
 */
export class JobStateError extends StarwhaleError {
  /** The error class name. */
  override name = "JobStateError";
  /** The job id. */
  readonly id: string;
  /** The job's status when the operation was refused. */
  readonly status: string;

  /**
   * Creates it.
   *
   * @param operation What was attempted (`cancel`, `pause`, ...).
   * @param state The job id, its status, an optional reason and cause.
   */
  constructor(
    operation: string,
    state: { id: string; status: string; reason?: string; cause?: unknown },
  ) {
    const reason = state.reason ?? `it is ${state.status}`;
    super(`Cannot ${operation} job '${state.id}': ${reason}`, { cause: state.cause });
    this.id = state.id;
    this.status = state.status;
  }
}

/**
 * A Starwhale server answered with an HTTP error or a non-success envelope.
 *
 * @example Keep the status and URL
 * ```ts
 * import assert from "node:assert/strict";
 * import { RemoteError } from "@starwhale/sdk";
 * const e = new RemoteError("job not found", { status: 404, url: "http://h/api/v1/project/1/job/9" });
 * assert.equal(e.status, 404);
 * assert.match(e.message, /failed \(HTTP 404\): job not found$/);
 * ```
 */
export class RemoteError extends StarwhaleError {
  /** The error class name. */
  override name = "RemoteError";
  /** HTTP status code (0 when the request never got an answer). */
  readonly status: number;
  /** The request URL. */
  readonly url: string;
  /** The envelope `code`, when the server sent one. */
  readonly code: string | undefined;

  /**
   * Creates it.
   *
   * @param message The server's message, or what went wrong.
   * @param where The HTTP status, URL, envelope code and cause.
   */
  constructor(
    message: string,
    where: { status: number; url: string; code?: string; cause?: unknown },
  ) {
    super(`Request to ${where.url} failed (HTTP ${where.status}): ${message}`, {
      cause: where.cause,
    });
    this.status = where.status;
    this.url = where.url;
    this.code = where.code;
  }
}

/**
 * A handler of a model package failed, or a model package cannot be built from its handlers (none
 * declared, a module that fails to import, unknown `needs`).
 *
 * @example Name the handler
 * ```ts
 * import assert from "node:assert/strict";
 * import { HandlerError } from "@starwhale/sdk";
 * const e = new HandlerError("m:step", "boom");
 * assert.equal(e.handler, "m:step");
 * assert.equal(e.message, "Handler 'm:step' failed: boom");
 * const build = new HandlerError("", "the package declares no handlers", { model: "plain" });
 * assert.equal(build.message, "Cannot build model 'plain': the package declares no handlers");
 * ```
 */
export class HandlerError extends StarwhaleError {
  /** The error class name. */
  override name = "HandlerError";
  /** The handler key, `module.path:Qualname` (empty when the package as a whole is at fault). */
  readonly handler: string;
  /** What went wrong, without the handler or model it happened to. */
  readonly detail: string;
  /** The model being built, when the package could not be built (else `undefined`). */
  readonly model: string | undefined;

  /**
   * Creates it.
   *
   * @param handler The handler key, or `""` for the package as a whole.
   * @param message What went wrong.
   * @param options `model` when building that model failed, and the cause.
   */
  constructor(
    handler: string,
    message: string,
    options: { model?: string; cause?: unknown } = {},
  ) {
    const where = handler ? `handler '${handler}': ` : "";
    super(
      options.model === undefined
        ? `Handler '${handler}' failed: ${message}`
        : `Cannot build model '${options.model}': ${where}${message}`,
      { cause: options.cause },
    );
    this.handler = handler;
    this.detail = message;
    this.model = options.model;
  }
}

/**
 * Something the chosen instance cannot do: an option it cannot honour (dev mode on a standalone
 * instance) or an operation it does not have (building a model on a server).
 *
 * @example An option is quoted, an operation is a phrase
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnsupportedError } from "@starwhale/sdk";
 * const option = new UnsupportedError("devMode", "a standalone instance");
 * assert.equal(option.message, "'devMode' is not supported on a standalone instance");
 * const operation = new UnsupportedError("listing models", "the server https://h", {
 *   operation: true,
 * });
 * assert.equal(operation.message, "Listing models is not supported on the server https://h");
 * assert.equal(operation.name, "UnsupportedError");
 * ```
 */
export class UnsupportedError extends StarwhaleError {
  /** The error class name. */
  override name = "UnsupportedError";

  /** The option (`devMode`) or the operation (`listing models`) refused. */
  readonly what: string;

  /**
   * Creates it.
   *
   * @param what An option or command (quoted in the message), or with `operation: true` what
   *   the caller wanted to do, in words (`listing models`).
   * @param where Which kind of instance refuses it, and why.
   * @param options `operation`, and the cause.
   */
  constructor(
    what: string,
    where: string,
    options: { operation?: boolean; cause?: unknown } = {},
  ) {
    const subject = options.operation ? what.charAt(0).toUpperCase() + what.slice(1) : `'${what}'`;
    super(`${subject} is not supported on ${where}`, { cause: options.cause });
    this.what = what;
  }
}
