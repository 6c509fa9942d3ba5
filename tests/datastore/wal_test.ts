import { checksum } from "../../datastore/_checksum.ts";
import { CorruptionError, denoStorage, type Storage } from "../../datastore/mod.ts";
import { FRAME_HEADER } from "../../datastore/_wal_format.ts";
import { readWal } from "../../datastore/_wal_reader.ts";
import { WalWriter } from "../../datastore/_wal_writer.ts";
import { assert, assertEquals, assertRejects, assertThrows, tempDir } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);
const payloads = [text("first record"), text("second"), text("the third and last record")];

async function writeLog(path: string, records: Uint8Array[]): Promise<Uint8Array> {
  const wal = await WalWriter.open(denoStorage, path, { durability: "fsync" });
  for (const p of records) await wal.append(p);
  await wal.close();
  return await Deno.readFile(path);
}

function frameOffsets(records: Uint8Array[]): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const r of records) {
    out.push(pos);
    pos += FRAME_HEADER + r.length;
  }
  return out;
}

Deno.test("WalWriter frames each record as length, xxh32 and payload", async () => {
  await using dir = await tempDir();
  const bytes = await writeLog(`${dir.path}/wal-000001.log`, payloads);
  const view = new DataView(bytes.buffer);
  let pos = 0;
  for (const p of payloads) {
    assertEquals(view.getUint32(pos, true), p.length);
    assertEquals(view.getUint32(pos + 4, true), checksum(p));
    assertEquals(bytes.subarray(pos + 8, pos + 8 + p.length), p);
    pos += FRAME_HEADER + p.length;
  }
  assertEquals(pos, bytes.length);
  const contents = readWal(bytes, "wal-000001.log");
  assertEquals(contents.records.map((r) => r.slice()), payloads);
  assertEquals(contents.validLength, bytes.length);
  assertEquals(contents.torn, false);
});

Deno.test("WalWriter commits concurrent appends in order (group commit)", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/wal-000001.log`;
  const wal = await WalWriter.open(denoStorage, path, { durability: "fsync" });
  const records = Array.from({ length: 50 }, (_, i) => text(`record ${i}`));
  await Promise.all(records.map((r) => wal.append(r)));
  assertEquals(wal.size, records.reduce((n, r) => n + r.length + FRAME_HEADER, 0));
  await wal.close();
  assertEquals(readWal(await Deno.readFile(path), path).records.map((r) => r.slice()), records);
});

Deno.test("WalWriter in durability none writes everything by sync()", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/wal-000001.log`;
  const wal = await WalWriter.open(denoStorage, path, { durability: "none" });
  for (const p of payloads) await wal.append(p);
  await wal.sync();
  assertEquals(readWal(await Deno.readFile(path), path).records.length, payloads.length);
  await wal.close();
});

Deno.test("WalWriter rejects every append after a failed write", async () => {
  await using dir = await tempDir();
  const boom = new Error("disk on fire");
  const failing: Storage = {
    ...denoStorage,
    async append(path) {
      const file = await denoStorage.append(path);
      return {
        write: () => Promise.reject(boom),
        sync: () => file.sync(),
        close: () => file.close(),
      };
    },
  };
  const wal = await WalWriter.open(failing, `${dir.path}/wal-000001.log`, { durability: "fsync" });
  await assertRejects(() => wal.append(text("a")), Error, "disk on fire");
  await assertRejects(() => wal.append(text("b")), Error, "disk on fire");
  assertEquals(wal.error, boom);
  wal.abandon();
});

Deno.test("readWal() ignores a torn trailing record", async (t) => {
  await using dir = await tempDir();
  const bytes = await writeLog(`${dir.path}/wal-000001.log`, payloads);
  const last = frameOffsets(payloads)[2];
  await t.step("cut at every byte of the last record", () => {
    for (let cut = last + 1; cut < bytes.length; cut++) {
      const c = readWal(bytes.slice(0, cut), "wal");
      assertEquals(c.records.length, 2, `cut at ${cut}`);
      assertEquals(c.validLength, last);
      assertEquals(c.torn, true);
    }
  });
  await t.step("cut exactly between records", () => {
    const c = readWal(bytes.slice(0, last), "wal");
    assertEquals([c.records.length, c.validLength, c.torn], [2, last, false]);
  });
  await t.step("zeros after the last record (preallocated space)", () => {
    const padded = new Uint8Array(bytes.length + 100);
    padded.set(bytes);
    const c = readWal(padded, "wal");
    assertEquals([c.records.length, c.validLength, c.torn], [3, bytes.length, true]);
  });
  await t.step("the last record's payload damaged", () => {
    const bad = bytes.slice();
    bad[bad.length - 1] ^= 0xff;
    const c = readWal(bad, "wal");
    assertEquals([c.records.length, c.validLength, c.torn], [2, last, true]);
  });
  await t.step("the last record's bytes were never written (zeros)", () => {
    const bad = bytes.slice();
    bad.fill(0, last + FRAME_HEADER);
    const c = readWal(bad, "wal");
    assertEquals([c.records.length, c.torn], [2, true]);
  });
});

Deno.test("readWal() reports mid-log corruption with file and offset", async (t) => {
  await using dir = await tempDir();
  const bytes = await writeLog(`${dir.path}/wal-000001.log`, payloads);
  const offsets = frameOffsets(payloads);
  for (const [i, at] of offsets.slice(0, 2).entries()) {
    await t.step(`a flipped payload byte in record ${i}`, () => {
      const bad = bytes.slice();
      bad[at + FRAME_HEADER + 2] ^= 0x01;
      const e = assertThrows(() => readWal(bad, "wal-000007.log"), CorruptionError, "checksum");
      assert(e instanceof CorruptionError);
      assertEquals([e.file, e.offset], ["wal-000007.log", at]);
      assert(e.message.includes("wal-000007.log") && e.message.includes(`offset ${at}`));
    });
    await t.step(`a flipped checksum byte in record ${i}`, () => {
      const bad = bytes.slice();
      bad[at + 4] ^= 0x80;
      const e = assertThrows(() => readWal(bad, "w"), CorruptionError) as CorruptionError;
      assertEquals(e.offset, at);
    });
  }
  await t.step("a zero-length frame followed by data", () => {
    const bad = bytes.slice();
    bad.fill(0, offsets[1], offsets[1] + 4);
    const e = assertThrows(() => readWal(bad, "w"), CorruptionError, "zero length");
    assertEquals((e as CorruptionError).offset, offsets[1]);
  });
});

Deno.test("WalWriter writes an append made as soon as the previous one resolved", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/wal-000001.log`;
  for (const durability of ["fsync", "flush"] as const) {
    const wal = await WalWriter.open(denoStorage, path, { durability });
    // Each append starts in the continuation of the previous one, before the drain finishes.
    await wal.append(text("one")).then(() => wal.append(text("two")));
    await wal.close();
  }
  assertEquals(readWal(await Deno.readFile(path), path).records.length, 4);
});
