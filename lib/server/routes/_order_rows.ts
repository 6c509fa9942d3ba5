/**
 * The first `k` rows of an `orderBy`, kept in a bounded heap while the rows stream by: memory
 * holds at most `k` rows whatever the table size, and ties keep scan (key) order, as a stable
 * sort of every row would.
 *
 * @module
 */
import type { Row, Value } from "../../../datastore/mod.ts";
import { compareValues } from "./_query.ts";

/** One `orderBy` column. */
export interface OrderColumn {
  /** Output column name. */
  column: string;
  /** Largest first. */
  descending: boolean;
}

/** The best `k` rows seen so far. */
export interface TopRows {
  /** Offers a row. */
  push(row: Row): void;
  /** The kept rows, in order. */
  sorted(): Row[];
}

interface Entry {
  row: Row;
  seq: number;
}

/**
 * Keeps the first `k` rows of `order` (ties by arrival).
 *
 * @param order The columns to order by.
 * @param k How many rows to keep.
 * @returns The collector.
 */
export function orderRows(order: OrderColumn[], k: number): TopRows {
  const cmp = (a: Entry, b: Entry): number => {
    for (const o of order) {
      const c = compareValues(
        (a.row[o.column] ?? null) as Value,
        (b.row[o.column] ?? null) as Value,
      );
      if (c !== 0) return o.descending ? -c : c;
    }
    return a.seq - b.seq;
  };
  // A max-heap on `cmp`: the root is the worst row kept, the first to go.
  const heap: Entry[] = [];
  let seq = 0;
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (cmp(heap[i], heap[parent]) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let worst = i;
      if (l < heap.length && cmp(heap[l], heap[worst]) > 0) worst = l;
      if (r < heap.length && cmp(heap[r], heap[worst]) > 0) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  };
  return {
    push(row: Row): void {
      const e = { row, seq: seq++ };
      if (heap.length < k) {
        heap.push(e);
        up(heap.length - 1);
      } else if (k > 0 && cmp(e, heap[0]) < 0) {
        heap[0] = e;
        down(0);
      }
    },
    sorted(): Row[] {
      return [...heap].sort(cmp).map((e) => e.row);
    },
  };
}
