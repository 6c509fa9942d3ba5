import { CorruptionError, Datastore } from "../../datastore/mod.ts";
import { FaultyStorage } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, assertRejects, collect } from "./_helpers.ts";

const DIR = "/ds";

/** Two tables in segments (two flushes), then rows only in the WAL; the process then dies. */
async function store(): Promise<MemoryDisk> {
  const disk = new MemoryDisk();
  const storage = new FaultyStorage({ base: disk });
  const ds = await Datastore.open(DIR, { storage });
  await ds.update("a", [{ id: 1, v: "a1" }, { id: 2, v: "a2" }]);
  await ds.update("b", [{ id: "x", n: 1 }]);
  await ds.flush();
  await ds.update("a", [{ id: 3, v: "a3", extra: true }]);
  await ds.flush();
  await ds.update("a", [{ id: 4, v: "in the WAL only" }]);
  await ds.delete("b", ["x"]);
  storage.crash();
  await ds.close().catch(() => {});
  return disk;
}

const WANT_A = [
  { id: 1, v: "a1" },
  { id: 2, v: "a2" },
  { id: 3, v: "a3", extra: true },
  { id: 4, v: "in the WAL only" },
];

Deno.test("Datastore.open refuses a store whose MANIFEST is missing and deletes nothing", async () => {
  const disk = await store();
  await disk.remove(`${DIR}/MANIFEST`);
  const before = disk.list(DIR).sort();
  const e = await assertRejects(
    () => Datastore.open(DIR, { storage: disk }),
    CorruptionError,
    "MANIFEST is missing",
  );
  assert(e.message.includes("Datastore.repair"), e.message);
  assertEquals(disk.list(DIR).sort(), before, "no file was removed");
});

Deno.test("Datastore.repair rebuilds a lost MANIFEST from the segments and the WAL", async () => {
  const disk = await store();
  await disk.remove(`${DIR}/MANIFEST`);
  const report = await Datastore.repair(DIR, { storage: disk });
  assertEquals(report.tables, [{ name: "a", segments: 2 }, { name: "b", segments: 1 }]);
  assertEquals(report.dropped, []);
  await using ds = await Datastore.open(DIR, { storage: disk });
  assertEquals(await collect(ds.scan("a")), WANT_A);
  assertEquals(await collect(ds.scan("b")), [], "the delete in the WAL is replayed");
  assertEquals((await ds.schema("b"))?.keyType, "STRING");
});

Deno.test("Datastore.repair drops a damaged segment aside and keeps everything else", async () => {
  const disk = await store();
  await disk.remove(`${DIR}/MANIFEST`);
  const segs = disk.list(DIR).filter((n) => n.endsWith(".seg")).sort();
  const first = `${DIR}/${segs[0]}`; // the first flush: a1, a2 (and b's own segment)
  const bytes = disk.readFile(first);
  bytes[10] ^= 0xff; // inside the first data block
  disk.poke(first, bytes);
  const report = await Datastore.repair(DIR, { storage: disk });
  assertEquals(report.dropped.map((d) => [d.file, d.movedTo]), [[segs[0], `${segs[0]}.dropped`]]);
  assert(report.dropped[0].reason.includes("checksum"), report.dropped[0].reason);
  assert(disk.exists(`${first}.dropped`), "the damaged file is kept aside");
  await using ds = await Datastore.open(DIR, { storage: disk });
  const ids = (await collect(ds.scan("a"))).map((r) => r.id);
  assertEquals(ids, [3, 4], "the rows of the other segment and of the WAL are kept");
});

Deno.test("Datastore.repair keeps a damaged WAL's valid prefix and the damaged file aside", async () => {
  const disk = await store();
  const wal = disk.list(DIR).find((n) => n.startsWith("wal-"))!;
  const bytes = disk.readFile(`${DIR}/${wal}`);
  bytes[2] ^= 0x10; // the first frame's length; the second frame is valid
  disk.poke(`${DIR}/${wal}`, bytes);
  await assertRejects(() => Datastore.open(DIR, { storage: disk }), CorruptionError, wal);
  const report = await Datastore.repair(DIR, { storage: disk });
  assertEquals(report.dropped.map((d) => d.file), [wal]);
  await using ds = await Datastore.open(DIR, { storage: disk });
  assertEquals((await collect(ds.scan("a"))).length, 3, "rows 1-3 from segments; row 4 was lost");
  assertEquals((await collect(ds.scan("b"))).length, 1, "the delete after the damage is dropped");
});

Deno.test("Datastore.repair reports segments its old MANIFEST lists that are gone", async () => {
  const disk = await store();
  const seg = disk.list(DIR).filter((n) => n.endsWith(".seg")).sort().at(-1)!;
  await disk.remove(`${DIR}/${seg}`);
  const report = await Datastore.repair(DIR, { storage: disk });
  assertEquals(report.dropped.map((d) => [d.file, d.reason]), [[
    seg,
    "listed for table 'a' but missing",
  ]]);
  await using ds = await Datastore.open(DIR, { storage: disk });
  assertEquals((await collect(ds.scan("a"))).map((r) => r.id), [1, 2, 4]);
});
