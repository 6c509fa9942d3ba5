/**
 * A writer for the kill -9 test: writes batches to the datastore in `Deno.args[0]` until killed
 * and prints `acked <batch>` as each one is acknowledged. Every 20th batch also flushes, so the
 * kill can land in a flush. Usage: `deno run -A crash_writer.ts <dir> [durability]`.
 *
 * @module
 */
import { Datastore, type Durability } from "../../datastore/mod.ts";
import { batchRows } from "./crash_batches.ts";

const [dir, durability = "fsync"] = Deno.args;
const ds = await Datastore.open(dir, { durability: durability as Durability });
let batch = 0;
for (const name of ds.tables()) {
  for await (const row of ds.scan(name, { reverse: true, limit: 1 })) {
    batch = Math.max(batch, (row.batch as number) + 1);
  }
}
console.log(`ready ${batch}`);
for (;; batch++) {
  await ds.update("t", batchRows(batch));
  console.log(`acked ${batch}`);
  if (batch % 20 === 19) await ds.flush();
}
