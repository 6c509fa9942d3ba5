/**
 * The command line's own errors ({@link UsageError}, {@link CommandFailed}) and how any error is
 * reported: the one line a person reads, and the exit code — 2 for usage errors, 1 for
 * everything else. The SDK's errors (`StarwhaleError`) and input errors print their message;
 * missing Deno permissions name the flag to add; unreachable servers say so; anything else is
 * named as an unexpected error, with its stack under `-v`.
 *
 * @module
 */

import {
  CorruptionError,
  DatastoreClosedError,
  DatastoreLockedError,
} from "../../datastore/mod.ts";
import { RemoteError, StarwhaleError } from "../sdk/mod.ts";

/**
 * A wrong command line: unknown command or option, missing or malformed value. Exit code 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeError, UsageError } from "./errors.ts";
 * const r = describeError(new UsageError("Missing argument JOB", "job info"));
 * assert.equal(r.exitCode, 2);
 * assert.equal(r.text, "error: Missing argument JOB\n(see 'swcli job info --help')");
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
  /** The command whose help to point at, e.g. `job rows`. */
  readonly command: string;

  /**
   * @param message What is wrong, with the offending text.
   * @param command The command whose `--help` explains the usage.
   */
  constructor(message: string, command = "") {
    super(message);
    this.command = command;
  }
}

/** A described error: the message line(s) and the exit code. */
export interface ErrorReport {
  /** What to print on stderr (one line, or more with `--verbose`). */
  text: string;
  /** 2 for a usage error, else 1. */
  exitCode: number;
}

/**
 * A failure the command already reported or that needs no more than its message (a failed job,
 * a question answered "no"). Exit code 1 unless told.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CommandFailed, describeError } from "./errors.ts";
 * assert.deepEqual(describeError(new CommandFailed("Aborted")), { text: "error: Aborted", exitCode: 1 });
 * ```
 */
export class CommandFailed extends Error {
  override name = "CommandFailed";
  /** The exit code. */
  readonly exitCode: number;

  /**
   * @param message What failed.
   * @param exitCode The exit code; default 1.
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

const FLAGS: Record<string, string> = {
  read: "--allow-read",
  write: "--allow-write",
  net: "--allow-net",
  env: "--allow-env",
  run: "--allow-run",
  sys: "--allow-sys",
  ffi: "--allow-ffi",
  import: "--allow-import",
};

/**
 * Describes an error for the terminal.
 *
 * @param error What was thrown.
 * @param options `verbose` adds the stack and causes.
 * @returns The text and the exit code.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeError } from "./errors.ts";
 * const r = describeError(
 *   new Deno.errors.NotCapable('Requires net access to "h:1", run again with the --allow-net flag'),
 * );
 * assert.equal(r.exitCode, 1);
 * assert.match(r.text, /--allow-net/);
 * ```
 */
export function describeError(error: unknown, options: { verbose?: boolean } = {}): ErrorReport {
  const exitCode = error instanceof UsageError
    ? 2
    : error instanceof CommandFailed
    ? error.exitCode
    : 1;
  let text = `error: ${headline(error)}`;
  if (error instanceof UsageError) {
    text += `\n(see 'swcli ${error.command ? `${error.command} ` : ""}--help')`;
  }
  if (options.verbose) {
    for (let e: unknown = error; e; e = (e as Error).cause) {
      text += `\n${e instanceof Error ? e.stack ?? String(e) : String(e)}`;
      if (!(e instanceof Error)) break;
    }
  }
  return { text, exitCode };
}

function headline(error: unknown): string {
  const permission = findCause(error, (e) => e instanceof Deno.errors.NotCapable);
  if (permission) return permissionLine(permission as Error);
  if (error instanceof RemoteError && error.status === 0) {
    const refused = findCause(error, (e) => e instanceof Deno.errors.ConnectionRefused);
    const why = refused ? "connection refused" : firstLine((error.cause as Error)?.message ?? "");
    return `Cannot reach the server at ${origin(error.url)} (${why}); is it running?`;
  }
  if (error instanceof DatastoreLockedError) {
    return `${firstLine(error.message)} (the process holding it did not answer on the ` +
      `datastore's socket)`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `The operating system denied access: ${firstLine(error.message)}`;
  }
  if (expected(error)) return firstLine(error.message) || error.name;
  // Anything else is a defect, not a message written for the user: name it and say how to see more.
  const what = error instanceof Error
    ? `${error.name}: ${firstLine(error.message)}`
    : `${typeof error} thrown: ${String(error)}`;
  return `${what} (an unexpected error; run with -v for the stack)`;
}

/**
 * Errors whose message is written for the user: the SDK's own ({@link StarwhaleError}), the
 * command line's, the datastore's, the operating system's (`Deno.errors`), the SDK's input errors
 * (`TypeError` for a wrong shape, `RangeError` for a value out of range, `SyntaxError` for
 * unparsable text) and plain `Error`s. A `ReferenceError`, an unknown class or a thrown non-error
 * is a defect.
 */
function expected(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  return error.constructor === Error || error instanceof StarwhaleError ||
    error instanceof UsageError || error instanceof CommandFailed ||
    error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError ||
    error instanceof CorruptionError || error instanceof DatastoreClosedError ||
    error instanceof DatastoreLockedError ||
    Object.values(Deno.errors).some((c) => error instanceof c);
}
function permissionLine(error: Error): string {
  const m = /--allow-[a-z]+/.exec(error.message);
  const kind = /Requires (\w+) access/.exec(error.message)?.[1];
  const flag = m?.[0] ?? (kind ? FLAGS[kind] : undefined);
  const what = /Requires [^,]*/.exec(error.message)?.[0] ?? firstLine(error.message);
  return `Missing Deno permission: ${what}; run again with ${flag ?? "the needed --allow-* flag"}` +
    ` (or -A)`;
}

function findCause(error: unknown, test: (e: unknown) => boolean): unknown {
  for (let e = error, depth = 0; e && depth < 8; e = (e as Error).cause, depth++) {
    if (test(e)) return e;
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
