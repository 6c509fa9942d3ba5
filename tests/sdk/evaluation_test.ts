import assert from "node:assert/strict";
import { log, logSummary } from "../../mod.ts";
import { flattenRow } from "../../lib/sdk/evaluation.ts";
import { TaskWriter } from "../../lib/sdk/evaluation.ts";
import type { Row } from "../../datastore/mod.ts";

Deno.test("flattenRow() flattens nested objects with '/' and lower-cases keys", () => {
  const bytes = new Uint8Array([1, 2]);
  assert.deepEqual(
    flattenRow({ ID: 1, Macro: { Precision: 0.5, Deep: { X: [1, 2] } }, B: bytes }),
    {
      id: 1,
      "macro/precision": 0.5,
      "macro/deep/x": [1, 2],
      b: bytes,
    },
  );
  assert.throws(() => flattenRow({ f: () => 1 }), /column 'f': a function/);
  assert.throws(() => flattenRow([] as never), TypeError);
});

Deno.test("log() and logSummary() outside a handler are errors", () => {
  assert.throws(() => log("t", { id: 1 }), /outside a running job handler/);
  assert.throws(() => logSummary({ a: 1 }), /outside/);
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
  assert.throws(() => writer.log("t", { v: 1 }), /has no 'id'/);
  assert.throws(() => writer.log("t", { id: 1.5 }), /id "1.5"/);
  assert.throws(() => writer.log("/bad", { id: 1 }), /Invalid table name/);
  await writer.flush();
  assert.deepEqual(writes.map(([t, rows]) => [t, rows.length]), [["t", 1000], ["t", 1], [
    "summary",
    1,
  ]]);
  assert.deepEqual(writes[2][1][0], { a: 1, "b/c": 2 });
});
