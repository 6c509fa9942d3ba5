import { CorruptionError, Datastore, denoStorage } from "../../datastore/mod.ts";
import { checksum } from "../../datastore/_checksum.ts";
import { FRAME_HEADER } from "../../datastore/_wal_format.ts";
import { readWal } from "../../datastore/_wal_reader.ts";
import { WalWriter } from "../../datastore/_wal_writer.ts";
import { assertEquals, assertRejects, assertThrows, collect, tempDir } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);
const payloads = [text("first record"), text("second"), text("the third and last record")];

async function writeLog(path: string): Promise<Uint8Array> {
  const wal = await WalWriter.open(denoStorage, path, { durability: "fsync" });
  for (const p of payloads) await wal.append(p);
  await wal.close();
  return await Deno.readFile(path);
}

Deno.test("readWal() reports a flipped bit in a frame's length as corruption, not a torn tail", async (t) => {
  await using dir = await tempDir();
  const clean = await writeLog(`${dir.path}/wal-000001.log`);
  const starts = [0, FRAME_HEADER + payloads[0].length];
  for (const [i, at] of starts.entries()) {
    for (const bit of [3, 12, 31]) {
      await t.step(`record ${i}, length bit ${bit}`, () => {
        const bytes = clean.slice();
        new DataView(bytes.buffer).setUint32(
          at,
          new DataView(bytes.buffer).getUint32(at, true) ^ (1 << bit),
          true,
        );
        const e = assertThrows(() => readWal(bytes, "wal-000001.log"), CorruptionError);
        assertEquals((e as CorruptionError).offset, at);
      });
    }
  }
});

Deno.test("readWal() still treats a cut last frame as a torn tail", () => {
  const frames = new Uint8Array(64);
  const view = new DataView(frames.buffer);
  view.setUint32(0, 1000, true); // a header claiming more than was written
  const contents = readWal(frames.subarray(0, 20), "wal-000001.log");
  assertEquals([contents.records.length, contents.validLength, contents.torn], [0, 0, true]);
});

Deno.test("Datastore.open refuses a WAL with a damaged frame before valid ones and leaves it untouched", async () => {
  await using dir = await tempDir();
  const ds = await Datastore.open(dir.path);
  for (let b = 0; b < 5; b++) await ds.update("t", [{ id: b, v: `batch ${b}` }]);
  const wal = `${dir.path}/wal-000001.log`;
  const before = await Deno.readFile(wal);
  await ds.close();
  // close() flushed: write the WAL back as it was, with record 1's length damaged.
  for (const name of [...Deno.readDirSync(dir.path)].map((e) => e.name)) {
    if (name !== "LOCK") await Deno.remove(`${dir.path}/${name}`);
  }
  const damaged = before.slice();
  const first = new DataView(damaged.buffer).getUint32(0, true);
  const at = FRAME_HEADER + first;
  damaged[at + 3] ^= 0x40;
  await Deno.writeFile(wal, damaged);
  const e = await assertRejects(() => Datastore.open(dir.path), CorruptionError, "wal-000001.log");
  assertEquals((e as CorruptionError).offset, at);
  assertEquals(await Deno.readFile(wal), damaged, "the WAL is not truncated");
  // Undo the damage: every batch is still there.
  await Deno.writeFile(wal, before);
  await using again = await Datastore.open(dir.path);
  assertEquals((await collect(again.scan("t"))).length, 5);
});

Deno.test("Datastore.open reports a whole WAL frame whose record does not parse as CorruptionError", async () => {
  await using dir = await tempDir();
  const ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: 1 }]);
  await ds.close();
  const payload = new Uint8Array([9, 1, 2, 3]); // op 9 does not exist
  const frame = new Uint8Array(FRAME_HEADER + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length, true);
  new DataView(frame.buffer).setUint32(4, checksum(payload), true);
  frame.set(payload, FRAME_HEADER);
  await Deno.writeFile(`${dir.path}/wal-000009.log`, frame);
  const e = await assertRejects(
    () => Datastore.open(dir.path),
    CorruptionError,
    "unknown WAL op 9",
  );
  assertEquals([
    (e as CorruptionError).file.endsWith("wal-000009.log"),
    (e as CorruptionError).offset,
  ], [
    true,
    0,
  ]);
});
