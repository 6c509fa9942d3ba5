import { Datastore } from "../../datastore/mod.ts";
import { FaultyStorage } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assertEquals, assertRejects, collect, Rng } from "./_helpers.ts";

const DIR = "/ds";
const ids = async (ds: Datastore, t: string) => (await collect(ds.scan(t))).map((r) => r.id);

Deno.test("Datastore.write() applies upserts and deletes across tables as one batch", async () => {
  await using ds = await Datastore.open(DIR, { storage: new MemoryDisk() });
  await ds.update("a", [{ id: 1, v: 1 }, { id: 2, v: 2 }]);
  const before = ds.revision;
  const rev = await ds.write([
    { table: "a", rows: [{ id: 3, v: 3 }, { id: 2, v: 20 }], deletes: [1] },
    { table: "b", rows: [{ key: "x", n: 1 }], keyColumn: "key" },
  ]);
  assertEquals(rev, before + 3, "each write of the batch gets the next revision");
  assertEquals(await collect(ds.scan("a")), [{ id: 2, v: 20 }, { id: 3, v: 3 }]);
  assertEquals(await collect(ds.scan("b")), [{ key: "x", n: 1 }]);
  const old = await collect(ds.scan("a", { revision: before }));
  assertEquals(old.map((r) => r.id), [1, 2]);
});

Deno.test("Datastore.write() stores nothing when any part is invalid", async () => {
  const disk = new MemoryDisk();
  const ds = await Datastore.open(DIR, { storage: disk });
  await ds.update("a", [{ id: 1, v: 1 }]);
  await assertRejects(
    () =>
      ds.write([
        { table: "a", rows: [{ id: 2, fresh: "new column" }] },
        { table: "c", rows: [{ id: 1 }] },
        { table: "a", rows: [{ id: "not an int" }] },
      ]),
    TypeError,
    "not an int",
  );
  assertEquals(await ids(ds, "a"), [1]);
  assertEquals(ds.tables(), ["a"], "no table is created");
  await ds.update("a", [{ id: 3, other: true }]);
  await ds.close();
  await using again = await Datastore.open(DIR, { storage: disk });
  assertEquals(await collect(again.scan("a")), [{ id: 1, v: 1 }, { id: 3, other: true }]);
});

Deno.test("Datastore.write() is all or nothing after a crash at any point of its WAL write", async (t) => {
  const probe = new FaultyStorage({ base: new MemoryDisk() });
  const work = async (ds: Datastore) => {
    await ds.update("a", [{ id: 0, v: 0 }]);
    await ds.write([
      { table: "a", rows: Array.from({ length: 200 }, (_, i) => ({ id: i + 1, v: i })) },
      { table: "b", rows: [{ id: 1, done: true }] },
      { table: "a", deletes: [0] },
    ]);
  };
  const p = await Datastore.open(DIR, { storage: probe });
  await work(p);
  await p.close();
  const rng = new Rng(9);
  for (let n = 0; n < probe.count; n++) {
    await t.step(`crash at ${probe.ops[n]} (#${n})`, async () => {
      for (const mode of ["truncate", "fail"] as const) {
        const disk = new MemoryDisk();
        const storage = new FaultyStorage({ base: disk, failAt: n, mode });
        let acked = false;
        const ds = await Datastore.open(DIR, { storage }).catch(() => undefined);
        if (ds !== undefined) await work(ds).then(() => acked = true, () => {});
        storage.crash();
        disk.powerLoss(rng);
        await ds?.close().catch(() => {});
        await using again = await Datastore.open(DIR, { storage: disk });
        const a = await ids(again, "a");
        const b = await ids(again, "b");
        const all = a.length === 200 && b.length === 1;
        const none = a.length <= 1 && b.length === 0;
        assertEquals(all || none, true, `half a batch: a has ${a.length} rows, b ${b.length}`);
        if (acked) assertEquals(all, true, "the acknowledged batch is lost");
      }
    });
  }
});
