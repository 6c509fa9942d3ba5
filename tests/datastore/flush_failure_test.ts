import { Datastore, type Row } from "../../datastore/mod.ts";
import { FaultyStorage, InjectedFault } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, assertRejects, collect } from "./_helpers.ts";

const DIR = "/ds";

function rows(from: number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, v: `row ${from + i}` }));
}

/** Index of the first fault point whose operation matches `re` in a run of `work`. */
async function pointOf(re: RegExp, work: (ds: Datastore) => Promise<void>): Promise<number> {
  const counter = new FaultyStorage({ base: new MemoryDisk() });
  const ds = await Datastore.open(DIR, { storage: counter });
  await work(ds);
  await ds.close();
  // The first match after the open (which writes the first MANIFEST of a new store).
  const opened = counter.ops.findIndex((op) => op.startsWith("write wal-"));
  const at = counter.ops.findIndex((op, i) => i > opened && re.test(op));
  assert(at >= 0, `no ${re} in ${counter.ops.join(", ")}`);
  return at;
}

const firstFlush = async (ds: Datastore) => {
  await ds.update("t", rows(0, 50));
  await ds.flush();
};

for (
  const [what, re] of [["creating", /^create \d+\.seg$/], ["writing", /^write \d+\.seg$/], [
    "syncing",
    /^sync \d+\.seg$/,
  ], ["renaming the manifest of", /^rename MANIFEST/]] as const
) {
  Deno.test(`a flush that fails ${what} a segment (ENOSPC) keeps its rows and the WAL, and the next flush retries`, async (t) => {
    const disk = new MemoryDisk();
    const storage = new FaultyStorage({
      base: disk,
      failAt: await pointOf(re, firstFlush),
      mode: "enospc",
    });
    const ds = await Datastore.open(DIR, { storage });
    await t.step("the flush fails and says why", async () => {
      await ds.update("t", rows(0, 50));
      await assertRejects(() => ds.flush(), InjectedFault, "No space left");
      assertEquals((await collect(ds.scan("t"))).length, 50, "the frozen rows are still read");
    });
    await t.step("once space is back, writes and the next flush work", async () => {
      storage.heal();
      await ds.update("t", rows(50, 50));
      await ds.flush();
      await ds.update("t", rows(100, 10));
      await ds.close();
    });
    await t.step("nothing acknowledged is lost after a reopen", async () => {
      await using again = await Datastore.open(DIR, { storage: disk });
      assertEquals(await collect(again.scan("t")), rows(0, 110));
    });
    await t.step("nor after a power loss right after the flush failed", async () => {
      // The same failure, then the power goes: the WAL must still hold the rows.
      const disk2 = new MemoryDisk();
      const s2 = new FaultyStorage({
        base: disk2,
        failAt: await pointOf(re, firstFlush),
        mode: "enospc",
      });
      const ds2 = await Datastore.open(DIR, { storage: s2 });
      await ds2.update("t", rows(0, 50));
      await assertRejects(() => ds2.flush(), InjectedFault);
      s2.heal();
      await ds2.update("t", rows(50, 5));
      await ds2.flush().catch(() => {});
      s2.crash();
      disk2.powerLoss(new (await import("./_helpers.ts")).Rng(1));
      await ds2.close().catch(() => {});
      await using again = await Datastore.open(DIR, { storage: disk2 });
      assertEquals(await collect(again.scan("t")), rows(0, 55));
    });
  });
}

/** Mounts a tmpfs of `size` on a new directory, or says why it cannot. */
async function smallTmpfs(
  size: string,
): Promise<{ path: string; unmount(): Promise<void> } | string> {
  if (Deno.build.os !== "linux") return "tmpfs needs Linux";
  if (Deno.uid?.() !== 0) return "mounting a tmpfs needs root";
  const path = await Deno.makeTempDir({ prefix: "swds-tmpfs-" });
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", path],
    stderr: "piped",
  }).output().catch((e) => e as Error);
  if (mount instanceof Error || !mount.success) {
    await Deno.remove(path);
    const why = mount instanceof Error ? mount.message : new TextDecoder().decode(mount.stderr);
    return `cannot mount a tmpfs: ${why.trim()}`;
  }
  return {
    path,
    async unmount() {
      await new Deno.Command("umount", { args: ["-l", path] }).output();
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Fills the file system holding `path` with a file there, then frees `spare` bytes of it. */
async function fillUp(path: string, spare: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true });
  const chunk = new Uint8Array(64 << 10);
  let size = 0;
  try {
    for (let i = 0; i < 4096; i++) size += await file.write(chunk);
  } catch {
    // full
  } finally {
    file.close();
  }
  await Deno.truncate(path, Math.max(0, size - spare));
}

Deno.test("a flush that hits a real ENOSPC (8 MB tmpfs) loses no acknowledged row once space is back", async (t) => {
  const fs = await smallTmpfs("8m");
  if (typeof fs === "string") {
    console.log(`skipped: ${fs}`);
    return;
  }
  try {
    const dir = `${fs.path}/ds`;
    const filler = `${fs.path}/filler`;
    const pad = "x".repeat(200);
    const batch = (b: number) => Array.from({ length: 50 }, (_, i) => ({ id: b * 50 + i, pad }));
    const acked: number[] = [];
    const ds = await Datastore.open(dir, { memtableBytes: 64 << 20 });
    try {
      await t.step("rows in the WAL, then the disk fills up and a flush fails", async () => {
        for (let b = 0; b < 100; b++) {
          await ds.update("t", batch(b));
          acked.push(b);
        }
        // Room for a few WAL records, not for the ~1.3 MB segment.
        await fillUp(filler, 256 << 10);
        await assertRejects(() => ds.flush(), Error, "No space left");
      });
      await t.step("writes still fit in the WAL; once space is back a flush works", async () => {
        for (let b = 100; b < 105; b++) {
          await ds.update("t", batch(b));
          acked.push(b);
        }
        await Deno.remove(filler);
        await ds.flush();
      });
    } finally {
      await ds.close();
    }
    await t.step("every acknowledged row is there after a reopen", async () => {
      await using again = await Datastore.open(dir);
      const got = new Set((await collect(again.scan("t"))).map((r) => r.id));
      const lost = acked.flatMap(batch).filter((r) => !got.has(r.id));
      assertEquals(lost.length, 0, `${lost.length} of ${acked.length * 50} acknowledged rows lost`);
    });
  } finally {
    await fs.unmount();
  }
});
