import { assertEquals, assertRejects } from "../_assert.ts";
import { Datastore, DatastoreReadOnlyError } from "../../datastore/mod.ts";

async function files(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("Datastore.open({ readOnly }) reads segments and a live owner's WAL, and writes nothing", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const owner = await Datastore.open(dir, { durability: "flush" });
    await owner.update("t", [{ id: 1, v: "in a segment" }]);
    await owner.flush();
    await owner.update("t", [{ id: 2, v: "in the WAL only" }]);
    await t.step("it sees both, and the owner keeps working", async () => {
      const ro = await Datastore.open(dir, { readOnly: true });
      assertEquals(ro.readOnly, true);
      assertEquals((await Array.fromAsync(ro.scan("t"))).map((r) => r.v), [
        "in a segment",
        "in the WAL only",
      ]);
      assertEquals(ro.tables(), ["t"]);
      await ro.close();
      await owner.update("t", [{ id: 3, v: "after" }]);
    });
    await t.step("refresh() loads what the owner wrote since the open, and only then", async () => {
      const ro = await Datastore.open(dir, { readOnly: true });
      assertEquals(await ro.refresh(), false);
      await owner.update("t", [{ id: 4, v: "later" }]);
      const running = ro.scan("t");
      const first = await running.next();
      assertEquals(await ro.refresh(), true);
      assertEquals((await ro.get("t", 4))?.v, "later");
      const rest = await Array.fromAsync(running);
      assertEquals([first.value, ...rest].length, 3, "a running scan keeps its state");
      await owner.flush(); // the WAL is retired into a segment
      assertEquals(await ro.refresh(), true);
      assertEquals((await Array.fromAsync(ro.scan("t"))).length, 4);
      assertEquals(await ro.refresh(), false);
      await owner.delete("t", [4]);
      assertEquals(await ro.refresh(), true);
      await ro.close();
    });
    await t.step("writes are refused with the reason", async () => {
      const ro = await Datastore.open(dir, { readOnly: true });
      await assertRejects(() => ro.update("t", [{ id: 9 }]), DatastoreReadOnlyError, "read-only");
      await assertRejects(() => ro.delete("t", [1]), DatastoreReadOnlyError);
      await assertRejects(
        () => ro.write([{ table: "t", rows: [{ id: 9 }] }]),
        DatastoreReadOnlyError,
      );
      await assertRejects(() => ro.flush(), DatastoreReadOnlyError);
      await assertRejects(() => ro.compact(), DatastoreReadOnlyError);
      await ro.close();
    });
    await t.step(
      "a torn WAL tail is skipped, not cut, and no file is added or removed",
      async () => {
        // A copy of the directory as a crash would leave it: the owner's WAL with a torn record.
        const copy = `${dir}/copy`;
        await Deno.mkdir(copy);
        for (const name of await files(dir)) {
          if (name === "copy" || name === "SOCKET" || name === "LOCK") continue;
          await Deno.copyFile(`${dir}/${name}`, `${copy}/${name}`);
        }
        const wal = (await files(copy)).find((f) => f.startsWith("wal-"))!;
        const f = await Deno.open(`${copy}/${wal}`, { append: true });
        await f.write(new Uint8Array([1, 2, 3]));
        f.close();
        const names = await files(copy);
        const size = async (n: string) => (await Deno.stat(`${copy}/${n}`)).size;
        const sizes = await Promise.all(names.map(size));
        const ro = await Datastore.open(copy, { readOnly: true });
        assertEquals((await Array.fromAsync(ro.scan("t"))).length, 3);
        await ro.close();
        assertEquals(await files(copy), names);
        assertEquals(await Promise.all(names.map(size)), sizes);
      },
    );
    await owner.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Datastore.open({ readOnly }) of a missing directory is an empty store and creates nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ro = await Datastore.open(`${dir}/none`, { readOnly: true });
    assertEquals(ro.tables(), []);
    assertEquals(await Array.fromAsync(ro.scan("t")), []);
    await ro.close();
    assertEquals(await files(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
