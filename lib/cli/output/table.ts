/**
 * Human output: aligned tables fitted to the terminal width, key/value listings, and the cell
 * text of datastore values (bytes, big integers, nested objects).
 *
 * @module
 */

import { jsonValue } from "./json.ts";

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** A title line above the table. */
  title?: string;
  /** Fit the table into this many columns by shortening the widest cells (`…`). */
  width?: number;
}

/**
 * Renders rows as a left-aligned table with a header and a rule, two spaces between columns.
 *
 * @param columns The header.
 * @param rows The cells (already text).
 * @param options Title and width.
 * @returns The table, ending with a newline.
 * @example
 * ```ts
 * import { renderTable } from "./table.ts";
 * const text = renderTable(["ID", "Status"], [["a1", "SUCCESS"]]);
 * console.assert(text.split("\n")[2] === "a1  SUCCESS");
 * ```
 */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const cells = rows.map((r) => columns.map((_, i) => oneLine(r[i] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const limit = options.width ?? Infinity;
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > limit) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 8) break;
    widths[widest]--;
  }
  const line = (r: readonly string[]) =>
    r.map((c, i) => fit(c, widths[i]).padEnd(widths[i])).join("  ").trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(columns), widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells) out.push(line(r));
  return out.join("\n") + "\n";
}

/**
 * Renders `key: value` lines with aligned values.
 *
 * @param entries Keys and values (values already text).
 * @returns The lines, ending with a newline (empty for no entries).
 */
export function renderPairs(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  const indent = " ".repeat(width + 3);
  return entries.map(([k, v]) =>
    `${(k + ":").padEnd(width + 1)}  ${v.split("\n").join(`\n${indent}`)}`
  ).join("\n") +
    (entries.length ? "\n" : "");
}

/**
 * The text of one value in a table cell: strings as is, bytes as `<N bytes>`, `null` as `--`,
 * objects and arrays as compact JSON.
 *
 * @param value A datastore value or any JSON-able value.
 * @returns The cell text.
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
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) (n /= 1024, u++);
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ", ");
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
