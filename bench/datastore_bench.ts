/**
 * Engine benchmarks: writes under each durability mode and as one atomic mixed batch, point
 * reads, range and full scans, and a partial update, on a store of 100,000 evaluation-result rows. Run with `deno task bench`.
 * The side-by-side comparison with other stores is the peers workload (see README).
 */

import { Datastore, type Durability, type Row } from "../datastore/mod.ts";

const ROWS = 100_000;
const BATCH = 1000;

function resultRow(id: number): Row {
  const probs = Array.from({ length: 10 }, (_, c) => ((id * 7 + c * 13) % 97) / 97 + 0.001);
  return {
    id,
    label: id % 10,
    pred: (id * 3) % 10,
    score: probs[(id * 3) % 10],
    probs,
    text: `sample ${id} shows a small object near the street`,
    ok: id % 10 === (id * 3) % 10,
  };
}

function batch(from: number): Row[] {
  return Array.from({ length: BATCH }, (_, i) => resultRow(from + i));
}

const readDir = await Deno.makeTempDir({ prefix: "ds-bench-" });
{
  const ds = await Datastore.open(readDir, { durability: "none" });
  for (let i = 0; i < ROWS; i += BATCH) await ds.update("results", batch(i));
  await ds.close();
}
const reader = await Datastore.open(readDir);
globalThis.addEventListener("unload", () => {
  reader.close().finally(() => Deno.removeSync(readDir, { recursive: true }));
});

for (const durability of ["fsync", "flush", "none"] as Durability[]) {
  const dir = await Deno.makeTempDir({ prefix: `ds-bench-${durability}-` });
  const ds = await Datastore.open(dir, { durability });
  let next = 0;
  Deno.bench({
    group: "update 1000 rows",
    name: `durability ${durability}`,
    baseline: durability === "fsync",
    async fn() {
      await ds.update("results", batch(next));
      next += BATCH;
    },
  });
  globalThis.addEventListener("unload", () => {
    ds.close().finally(() => Deno.removeSync(dir, { recursive: true }));
  });
}

{
  // One atomic batch of the same 1000 rows split over a results table and a summary row,
  // with a deletion: what a mixed updateTable costs next to a plain update.
  const dir = await Deno.makeTempDir({ prefix: "ds-bench-batch-" });
  const ds = await Datastore.open(dir);
  let next = 0;
  Deno.bench({
    group: "update 1000 rows",
    name: "durability fsync, one write() over two tables with a delete",
    async fn() {
      await ds.write([
        { table: "results", rows: batch(next), deletes: [next - 1] },
        { table: "summary", rows: [{ id: "job", done: next + BATCH }] },
      ]);
      next += BATCH;
    },
  });
  globalThis.addEventListener("unload", () => {
    ds.close().finally(() => Deno.removeSync(dir, { recursive: true }));
  });
}

let key = 0;
Deno.bench({
  group: "read",
  name: "get one row",
  async fn() {
    key = (key + 7919) % ROWS;
    await reader.get("results", key);
  },
});

Deno.bench({
  group: "read",
  name: "range scan of 100 rows",
  async fn() {
    key = (key + 7919) % ROWS;
    for await (const _ of reader.scan("results", { start: key, limit: 100 })) { /* drain */ }
  },
});

Deno.bench({
  group: "scan",
  name: "full scan of 100,000 rows",
  async fn() {
    for await (const _ of reader.scan("results")) { /* drain */ }
  },
});

Deno.bench({
  group: "scan",
  name: "full scan, two columns",
  async fn() {
    for await (const _ of reader.scan("results", { columns: ["id", "pred"] })) { /* drain */ }
  },
});
