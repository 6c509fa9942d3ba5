/**
 * Rows one at a time from batches of rows, with one promise per row and no generator in between:
 * a remote scan receives its rows a page at a time, and each async generator layer a row passes
 * through costs more than decoding it.
 *
 * @module
 */
import type { Row } from "../../datastore/mod.ts";

/**
 * Flattens batches into rows.
 *
 * @param batches The batches (started at the first `next()`).
 * @param mapError Maps an error of the batches before it is thrown.
 * @returns The rows; `return()` stops the batches.
 */
export function unbatch(
  batches: () => AsyncIterator<Row[]>,
  mapError: (e: unknown) => unknown = (e) => e,
): AsyncIterableIterator<Row> {
  let source: AsyncIterator<Row[]> | undefined;
  let buffer: Row[] = [];
  let i = 0;
  let finished = false;
  const done = { done: true, value: undefined } as IteratorReturnResult<undefined>;
  return {
    async next(): Promise<IteratorResult<Row>> {
      while (i >= buffer.length) {
        if (finished) return done;
        let r: IteratorResult<Row[]>;
        try {
          source ??= batches();
          r = await source.next();
        } catch (e) {
          finished = true;
          throw mapError(e);
        }
        if (r.done) {
          finished = true;
          return done;
        }
        buffer = r.value;
        i = 0;
      }
      return { done: false, value: buffer[i++] };
    },
    async return(): Promise<IteratorResult<Row>> {
      finished = true;
      buffer = [];
      try {
        await source?.return?.();
      } catch (e) {
        throw mapError(e);
      }
      return done;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
