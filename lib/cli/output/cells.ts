/**
 * The text of values in human output: datastore values in grid cells, nested summaries as
 * `a/b/c` keys, times as swcli shows them, and byte counts.
 *
 * @module
 */

import { jsonValue } from "./json.ts";

/**
 * The text of one value in a grid cell: strings as is, bytes as `<N bytes>`, `null` as `--`,
 * objects and arrays as compact JSON.
 *
 * @param value A datastore value or any JSON-able value.
 * @returns The cell text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellText } from "./cells.ts";
 * assert.equal(cellText(new Uint8Array(3)), "<3 bytes>");
 * assert.equal(cellText({ a: [1, 2n] }), '{"a":[1,2]}');
 * assert.equal(cellText(null), "--");
 * ```
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "--";
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === "object") return JSON.stringify(jsonValue(value));
  return String(value);
}

/**
 * Flattens nested objects into `a/b/c` keys (as the summary table stores them).
 *
 * @param value An object.
 * @param prefix The key prefix.
 * @returns Leaf keys and values, in insertion order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten } from "./cells.ts";
 * assert.deepEqual(flatten({ a: { b: 1 }, c: [2] }), [["a/b", 1], ["c", [2]]]);
 * ```
 */
export function flatten(value: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}/${k}` : k;
    const plain = v !== null && typeof v === "object" && !Array.isArray(v) &&
      Object.getPrototypeOf(v) === Object.prototype;
    if (plain) out.push(...flatten(v as Record<string, unknown>, key));
    else out.push([key, v]);
  }
  return out;
}

/**
 * Formats an ISO time as local `YYYY-MM-DD HH:MM:SS`, as swcli lists do.
 *
 * @param iso An ISO 8601 time, or `null`.
 * @returns The time, or `--`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTime } from "./cells.ts";
 * assert.match(formatTime("2026-11-21T18:04:04Z"), /^2026-11-2\d \d\d:\d\d:04$/);
 * assert.equal(formatTime(null), "--");
 * ```
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "--";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Formats a byte count: `512 B`, `1.5 KiB`, `3.2 MiB`.
 *
 * @param bytes The count.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./cells.ts";
 * assert.equal(formatBytes(512), "512 B");
 * assert.equal(formatBytes(1536), "1.5 KiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) (n /= 1024, u++);
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

/**
 * Formats a duration in seconds as `42s`, `3m05s` or `1h02m`, for rates and ETAs.
 *
 * @param seconds The duration (rounded down to whole seconds; negative counts as 0).
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./cells.ts";
 * assert.equal(formatDuration(42.9), "42s");
 * assert.equal(formatDuration(185), "3m05s");
 * assert.equal(formatDuration(3720), "1h02m");
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const p = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${p(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${p(Math.floor(s / 60) % 60)}m`;
}
