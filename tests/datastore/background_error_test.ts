import { Datastore } from "../../datastore/mod.ts";
import { FaultyStorage, InjectedFault } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, assertRejects, collect } from "./_helpers.ts";

const DIR = "/ds";

/** Two flushes of table `t`: with `compactionTrigger: 2` the second starts a compaction. */
async function twoFlushes(ds: Datastore): Promise<void> {
  await ds.update("t", [{ id: 1, v: "a" }, { id: 2, v: "b" }]);
  await ds.flush();
  await ds.update("t", [{ id: 2, v: "c" }]);
  await ds.flush();
}

/** The fault point of the background compaction's segment create. */
async function compactionPoint(): Promise<number> {
  const counter = new FaultyStorage({ base: new MemoryDisk() });
  const ds = await Datastore.open(DIR, { storage: counter, compactionTrigger: 2 });
  await twoFlushes(ds);
  await ds.close();
  const creates = counter.ops.flatMap((op, i) => /^create \d+\.seg$/.test(op) ? [i] : []);
  assertEquals(creates.length, 3, `two flushes and one compaction: ${counter.ops.join(", ")}`);
  return creates[2];
}

Deno.test("a failed background compaction is reported by the next compact() and not again", async () => {
  const disk = new MemoryDisk();
  const storage = new FaultyStorage({ base: disk, failAt: await compactionPoint(), mode: "eio" });
  const ds = await Datastore.open(DIR, { storage, compactionTrigger: 2 });
  await twoFlushes(ds);
  const e = await assertRejects(() => ds.compact(), InjectedFault, "EIO");
  assert(e instanceof InjectedFault);
  await ds.compact(); // the fault is gone: this compaction works, nothing is reported twice
  assertEquals(ds.stats()[0].segments.length, 1);
  await ds.close();
  await using again = await Datastore.open(DIR, { storage: disk });
  assertEquals(await collect(again.scan("t")), [{ id: 1, v: "a" }, { id: 2, v: "c" }]);
});

Deno.test("a failed background compaction is reported by close(), which still releases the store", async () => {
  const disk = new MemoryDisk();
  const storage = new FaultyStorage({ base: disk, failAt: await compactionPoint(), mode: "eio" });
  const ds = await Datastore.open(DIR, { storage, compactionTrigger: 2 });
  await twoFlushes(ds);
  await assertRejects(() => ds.close(), InjectedFault, "EIO");
  await using again = await Datastore.open(DIR, { storage: disk });
  assertEquals(await collect(again.scan("t")), [{ id: 1, v: "a" }, { id: 2, v: "c" }]);
  assertEquals(again.stats()[0].segments.length, 2, "the compaction's inputs are kept");
});
