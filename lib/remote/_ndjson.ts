/**
 * Reads the streaming `scanTable` of this package's server (see the server's `_scan_stream.ts`):
 * NDJSON lines of `{records, typed?}`, ended by `{end, records}` or `{error}`.
 *
 * @module
 */
import type { Row } from "../../datastore/mod.ts";
import { decodeTyped } from "../wire/mod.ts";
import { RemoteError } from "../sdk/errors.ts";

interface Line {
  records?: Row[];
  typed?: [number, string, unknown][];
  end?: boolean;
  error?: { code?: string; message?: string };
}

/** Splits a byte stream into parsed JSON lines (a raw newline only ever ends a line in JSON). */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const utf8 = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    const text = rest + utf8.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
      if (nl > from) yield JSON.parse(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += utf8.decode();
  if (rest.trim() !== "") yield JSON.parse(rest);
}

/**
 * The rows of a streamed `scanTable` answer, decoded, a batch (a line) at a time.
 *
 * @param stream The answer's body.
 * @param url The request URL, for errors.
 * @returns The batches; `return()` cancels the stream.
 * @throws {RemoteError} When the server reports an error, or the stream ends without its last line.
 */
export async function* streamedRows(
  stream: ReadableStream<Uint8Array>,
  url: string,
): AsyncGenerator<Row[]> {
  let seen = 0;
  for await (const item of lines(stream)) {
    const line = item as Line;
    if (line.error) {
      throw new RemoteError(line.error.message ?? "the scan failed", {
        status: 500,
        url,
        code: line.error.code,
      });
    }
    if (line.end) return;
    const records = line.records ?? [];
    for (const [i, column, value] of line.typed ?? []) {
      Object.defineProperty(records[i], column, {
        value: decodeTyped(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    seen += records.length;
    yield records;
  }
  throw new RemoteError(`the scan was cut off after ${seen} records`, { status: 0, url });
}
