/**
 * The rows of one batch in the kill -9 test: ROWS fresh keys, each row naming its batch.
 *
 * @module
 */
import type { Row } from "../../datastore/mod.ts";

/** Rows per batch. */
export const ROWS = 16;

/** The rows of batch `b`. */
export function batchRows(b: number): Row[] {
  return Array.from({ length: ROWS }, (_, j) => ({
    id: b * ROWS + j,
    batch: b,
    j,
    text: `batch ${b} row ${j} `.repeat(4),
  }));
}
