/**
 * The streaming form of `scanTable`, this server's extension of the REST API. A request that
 * accepts `application/x-ndjson` gets every record of the range in one answer, one JSON line per
 * batch of `limit` records (at most 1000):
 *
 * ```
 * {"records":[{"id":1,"name":"a"},...],"typed":[[0,"blob",{"type":"BYTES","value":"AAE="}]]}
 * {"end":true,"records":2}
 * ```
 *
 * Strings, booleans and finite numbers are plain JSON in `records`; any other value (BYTES,
 * LIST, MAP, OBJECT, bigint, NaN, ±Infinity, -0) is `null` there and listed in `typed` as
 * `[index in the batch, column, typed value]`. The last line is `{"end":true,"records":N}`, or
 * `{"error":{"code","message"}}` when the scan fails part way; a stream without either was cut.
 * A request that does not accept NDJSON (any upstream client) gets the usual 1000-record page.
 *
 * @module
 */
import type { Row, Value } from "../../../datastore/mod.ts";
import { encodeTyped, type TypedValue, type WireSchema } from "../../wire/mod.ts";
import { DATASTORE_SUBJECT as S, toApiError } from "../api_error.ts";
import { Breather } from "../_breather.ts";
import type { ServerStore } from "../store.ts";
import { KEY_ALIAS, prepareScan, type ReadLimits } from "./_scan.ts";

/** The media type of the streaming answer. */
export const NDJSON = "application/x-ndjson";

function plain(v: Value): boolean {
  return typeof v === "string" || typeof v === "boolean" || v === null ||
    (typeof v === "number" && Number.isFinite(v) && !Object.is(v, -0));
}

/** The row as it goes on a line: itself when every value is plain JSON, else a copy. */
function lineRow(
  row: Row,
  index: number,
  typed: [number, string, TypedValue][],
  hints: Map<string, WireSchema>,
): Row {
  let out: Row | undefined;
  for (const k in row) {
    const v = row[k];
    if (k !== KEY_ALIAS && plain(v)) continue;
    out ??= { ...row };
    if (k === KEY_ALIAS) delete out[k];
    else {
      out[k] = null;
      typed.push([index, k, encodeTyped(v, { hint: hints.get(k) })]);
    }
  }
  return out ?? row;
}

/**
 * Answers `scanTable` as an NDJSON stream. The request is checked first (a 400 is thrown before
 * anything is streamed); the scan then runs batch by batch as the client reads, letting other
 * requests in between slices, and stops when the client goes away.
 *
 * @param store The datastore.
 * @param json The request body.
 * @param limits The slice length (the signal is not needed: a client that goes away cancels).
 * @returns The stream of lines.
 * @throws {ApiError} 400 on an invalid request.
 */
export async function scanTableStream(
  store: ServerStore,
  json: Record<string, unknown>,
  limits: Pick<ReadLimits, "sliceMs">,
): Promise<ReadableStream<Uint8Array>> {
  const scan = await prepareScan(store, json);
  // With no table there is nothing to read; with a limit of 0 the rows are never asked for.
  const rows = store.scan(scan.projections.map((p) => p.desc), scan.range);
  const breather = new Breather(limits.sliceMs);
  const utf8 = new TextEncoder();
  const batch = Math.max(1, scan.limit);
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = "";
      try {
        const records: Row[] = [];
        const typed: [number, string, TypedValue][] = [];
        let done = scan.limit <= 0;
        while (!done && records.length < batch) {
          const wanted = batch - records.length;
          const got = await rows.nextBatch(wanted);
          done = got.length < wanted;
          for (const row of got) {
            records.push(lineRow(row, records.length, typed, scan.enc.hints));
            const pause = breather.breathe();
            if (pause) await pause;
          }
        }
        total += records.length;
        if (records.length) {
          text = JSON.stringify(typed.length ? { records, typed } : { records }) + "\n";
        }
        if (done) text += JSON.stringify({ end: true, records: total }) + "\n";
        controller.enqueue(utf8.encode(text));
        if (done) controller.close();
      } catch (e) {
        const { code, message } = toApiError(e, S);
        controller.enqueue(utf8.encode(text + JSON.stringify({ error: { code, message } }) + "\n"));
        controller.close();
        await rows.return?.();
      }
    },
    async cancel() {
      await rows.return?.();
    },
  }, { highWaterMark: 8 }); // up to 8 batches ahead of a slow reader, no more
}
