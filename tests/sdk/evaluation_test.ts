import { assertEquals, assertThrows } from "../_assert.ts";
import { log, logSummary } from "../../mod.ts";
import { flattenRow } from "../../lib/sdk/evaluation.ts";
import { TaskWriter } from "../../lib/sdk/evaluation.ts";
import type { Row } from "../../datastore/mod.ts";

Deno.test("flattenRow() flattens nested objects with '/' and lower-cases keys", () => {
  const bytes = new Uint8Array([1, 2]);
  assertEquals(
    flattenRow({ ID: 1, Macro: { Precision: 0.5, Deep: { X: [1, 2] } }, B: bytes }),
    {
      id: 1,
      "macro/precision": 0.5,
      "macro/deep/x": [1, 2],
      b: bytes,
    },
  );
  assertThrows(() => flattenRow({ f: () => 1 }), Error, "column 'f': a function");
  assertThrows(() => flattenRow([] as never), TypeError);
});

Deno.test("log() and logSummary() outside a handler are errors", () => {
  assertThrows(() => log("t", { id: 1 }), Error, "outside a running job handler");
  assertThrows(() => logSummary({ a: 1 }), Error, "outside");
});

Deno.test("TaskWriter batches rows, merges summaries, drops the summary id, rejects bad ids", async () => {
  const writes: [string, Row[]][] = [];
  const writer = new TaskWriter({
    write: (table, rows) => Promise.resolve(void writes.push([table, rows])),
    scan: async function* () {},
  });
  for (let i = 0; i < 1001; i++) writer.log("t", { id: i, v: i });
  writer.logSummary({ A: 1, ID: "x" });
  writer.logSummary({ b: { C: 2 } });
  assertThrows(() => writer.log("t", { v: 1 }), Error, "has no 'id'");
  assertThrows(() => writer.log("t", { id: 1.5 }), Error, 'id "1.5"');
  assertThrows(() => writer.log("/bad", { id: 1 }), Error, "Invalid table name");
  await writer.flush();
  assertEquals(writes.map(([t, rows]) => [t, rows.length]), [["t", 1000], ["t", 1], [
    "summary",
    1,
  ]]);
  assertEquals(writes[2][1][0], { a: 1, "b/c": 2 });
});
