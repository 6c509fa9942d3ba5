/**
 * Unique ids in Starwhale's format: 40 lower-case base32 characters, as the Python SDK's
 * `gen_uniq_version` makes them. They name job ids and model and dataset versions.
 *
 * @module
 */

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * Generates a random 40-character lower-case base32 id (200 random bits).
 *
 * @returns An id such as `mzahreejzovh2xeiv3nnhqbl4wppozgvqpnpbbd4`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newUniqueId } from "./unique_id.ts";
 * assert.match(newUniqueId(), /^[a-z2-7]{40}$/);
 * assert.notEqual(newUniqueId(), newUniqueId());
 * ```
 */
export function newUniqueId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(25));
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
