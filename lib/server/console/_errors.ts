/**
 * The console's answers to failures and its response headers: which HTTP status an error gets,
 * and the headers every page carries (no caching of signed-in pages, no framing, scripts and
 * styles only from this server).
 *
 * @module
 */

import { AmbiguousError, JobStateError, NotFoundError, UnsupportedError } from "../../sdk/mod.ts";
import { AssetUnavailableError } from "./_assets.ts";
import { FormTooLargeError } from "./_form.ts";

/** Raised on a page of a server that serves only the datastore (no instance to read). */
export class NoInstanceError extends Error {
  /** The error class name. */
  override name = "NoInstanceError";
}

/** The HTTP status of an error shown on a console page. */
export function errorStatus(e: unknown): number {
  if (e instanceof NotFoundError) return 404;
  if (e instanceof FormTooLargeError) return 413;
  if (e instanceof AmbiguousError || e instanceof TypeError || e instanceof RangeError) return 400;
  if (e instanceof JobStateError) return 409;
  if (e instanceof UnsupportedError) return 501;
  if (e instanceof AssetUnavailableError || e instanceof NoInstanceError) return 503;
  return 500;
}

/** Headers of a console page or live answer. */
export function pageHeaders(type: string): Record<string, string> {
  return {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; " +
      "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
  };
}
