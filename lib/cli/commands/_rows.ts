/**
 * Printing a stream of datastore rows, as `job rows`, `table scan`, `table get` and
 * `dataset head` do.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { renderGrid, rowsGrid } from "../output/grid.ts";

/**
 * Prints a row stream: one JSON line per row in JSON mode, else a grid (after reading all rows).
 *
 * @param ctx The context.
 * @param stream The rows.
 * @returns 0.
 */
export async function printRows(
  ctx: CliContext,
  stream: AsyncIterable<Record<string, unknown>>,
): Promise<number> {
  if (ctx.json) {
    for await (const row of stream) await ctx.printJsonLine(row);
    return 0;
  }
  const all: Record<string, unknown>[] = [];
  for await (const row of stream) all.push(row);
  if (all.length === 0) return (await ctx.print("(no rows)"), 0);
  const { columns, cells } = rowsGrid(all);
  await ctx.print(renderGrid(columns, cells, { width: ctx.io.columns }));
  return 0;
}
