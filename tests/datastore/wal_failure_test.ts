import { Datastore } from "../../datastore/mod.ts";
import { FaultyStorage, InjectedFault } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, assertRejects, collect, Rng } from "./_helpers.ts";

const DIR = "/ds";

for (const mode of ["enospc", "eio"] as const) {
  Deno.test(`after ${mode} in the WAL the datastore recovers by itself once the fault clears`, async (t) => {
    const disk = new MemoryDisk();
    const probe = new FaultyStorage({ base: new MemoryDisk() });
    const p = await Datastore.open(DIR, { storage: probe });
    await p.update("t", [{ id: 1, a: 1 }]);
    await p.close();
    const firstWrite = probe.ops.findIndex((op) => op.startsWith("write wal-"));
    // Fail the second WAL write: the one of the update that adds column `b`.
    const storage = new FaultyStorage({ base: disk, failAt: firstWrite + 2, mode });
    const ds = await Datastore.open(DIR, { storage });
    await t.step("the failed write is rejected and writeFailure says why", async () => {
      assertEquals(ds.writeFailure, undefined);
      await ds.update("t", [{ id: 1, a: 1 }]);
      await assertRejects(() => ds.update("t", [{ id: 2, b: "new column" }]), InjectedFault);
      assert(ds.writeFailure instanceof InjectedFault, "writeFailure holds the error");
    });
    await t.step(
      "once the fault clears the next write works and writeFailure is cleared",
      async () => {
        storage.heal();
        await ds.update("t", [{ id: 3, b: "uses the column of the failed write" }]);
        assertEquals(ds.writeFailure, undefined);
        await ds.update("t", [{ id: 4, a: 4 }]);
      },
    );
    await t.step("everything acknowledged survives a power loss", async () => {
      storage.crash();
      disk.powerLoss(new Rng(3));
      await ds.close().catch(() => {});
      await using again = await Datastore.open(DIR, { storage: disk });
      const rows = await collect(again.scan("t"));
      assertEquals(rows.filter((r) => r.id !== 2), [
        { id: 1, a: 1 },
        { id: 3, b: "uses the column of the failed write" },
        { id: 4, a: 4 },
      ]);
    });
  });
}

Deno.test("a new table whose first write failed keeps its column names once a later write succeeds", async () => {
  const disk = new MemoryDisk();
  const probe = new FaultyStorage({ base: new MemoryDisk() });
  const p = await Datastore.open(DIR, { storage: probe });
  await p.update("old", [{ id: 1 }]);
  await p.close();
  const firstWrite = probe.ops.findIndex((op) => op.startsWith("write wal-"));
  const storage = new FaultyStorage({ base: disk, failAt: firstWrite + 2, mode: "eio" });
  const ds = await Datastore.open(DIR, { storage });
  await ds.update("old", [{ id: 1 }]);
  await assertRejects(() => ds.update("fresh", [{ id: 1, p: 1, q: 2 }]), InjectedFault);
  assertEquals(ds.tables(), ["old"], "the failed table is not visible");
  await ds.update("fresh", [{ id: 2, q: 3, p: 4 }]);
  storage.crash();
  disk.powerLoss(new Rng(5));
  await ds.close().catch(() => {});
  await using again = await Datastore.open(DIR, { storage: disk });
  assertEquals(await collect(again.scan("fresh")), [{ id: 2, p: 4, q: 3 }]);
});

Deno.test("writeFailure reports a failed background write in durability none", async () => {
  const disk = new MemoryDisk();
  const storage = new FaultyStorage({ base: disk, failAt: Infinity });
  const ds = await Datastore.open(DIR, { storage, durability: "none" });
  await ds.update("t", [{ id: 1 }]);
  storage.crash(); // every later write of the buffered records fails
  await ds.update("t", [{ id: 2, pad: "x".repeat(2 << 20) }]); // queues past 1 MiB: written now
  // The write runs in the background: let its few promise steps settle.
  for (let i = 0; i < 100 && ds.writeFailure === undefined; i++) await Promise.resolve();
  assert(ds.writeFailure instanceof InjectedFault, "the failed background write is reported");
  await ds.close().catch(() => {});
});
