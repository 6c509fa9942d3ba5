/**
 * Human output: aligned grids of rows fitted to the terminal width (`job list`, `table scan`),
 * and key/value listings (`job info`).
 *
 * @module
 */

import { cellText } from "./cells.ts";

/** Options of {@link renderGrid}. */
export interface GridOptions {
  /** A title line above the grid. */
  title?: string;
  /** Fit the grid into this many columns by shortening the widest cells (`…`). */
  width?: number;
}

/**
 * Renders rows as a left-aligned grid with a header and a rule, two spaces between columns.
 *
 * @param columns The header.
 * @param rows The cells (already text).
 * @param options Title and width.
 * @returns The grid, ending with a newline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGrid } from "./grid.ts";
 * const text = renderGrid(["ID", "Status"], [["a1", "SUCCESS"]]);
 * assert.equal(text, "ID  Status\n--  -------\na1  SUCCESS\n");
 * ```
 */
export function renderGrid(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: GridOptions = {},
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
 * The columns of a set of datastore rows (union of keys, in first-seen order) and their cells.
 *
 * @param rows The rows.
 * @returns The header and the cell texts, ready for {@link renderGrid}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsGrid } from "./grid.ts";
 * const { columns, cells } = rowsGrid([{ id: 1, x: "a" }, { id: 2, y: null }]);
 * assert.deepEqual(columns, ["id", "x", "y"]);
 * assert.deepEqual(cells, [["1", "a", ""], ["2", "", "--"]]);
 * ```
 */
export function rowsGrid(
  rows: readonly Record<string, unknown>[],
): { columns: string[]; cells: string[][] } {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  }
  return { columns, cells: rows.map((r) => columns.map((c) => c in r ? cellText(r[c]) : "")) };
}

/**
 * Renders `key: value` lines with aligned values.
 *
 * @param entries Keys and values (values already text).
 * @returns The lines, ending with a newline (empty for no entries).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPairs } from "./grid.ts";
 * assert.equal(renderPairs([["ID", "a1"], ["Status", "SUCCESS"]]), "ID:      a1\nStatus:  SUCCESS\n");
 * ```
 */
export function renderPairs(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  const indent = " ".repeat(width + 3);
  return entries.map(([k, v]) =>
    `${(k + ":").padEnd(width + 1)}  ${v.split("\n").join(`\n${indent}`)}`
  ).join("\n") +
    (entries.length ? "\n" : "");
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ", ");
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
