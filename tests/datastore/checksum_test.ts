import { checksum } from "../../datastore/_checksum.ts";
import { assertEquals } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("checksum() matches the published XXH32 vectors (seed 0)", () => {
  assertEquals(checksum(text("")), 0x02cc5d05);
  assertEquals(checksum(text("a")), 0x550d7456);
  assertEquals(checksum(text("abc")), 0x32d153ff);
  assertEquals(checksum(text("Nobody inspects the spammish repetition")), 0xe2293b2f);
});

Deno.test("checksum() gives the same result for aligned and unaligned input", () => {
  // Lengths around the 16-byte stripe and 4-byte lane boundaries, at every alignment.
  const data = new Uint8Array(200);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (const len of [0, 1, 3, 4, 15, 16, 17, 31, 32, 33, 64, 100, 150]) {
    const want = checksum(data.slice(0, len));
    for (let shift = 1; shift < 8; shift++) {
      const buf = new Uint8Array(len + shift);
      buf.set(data.subarray(0, len), shift);
      assertEquals(checksum(buf, shift, shift + len), want, `len ${len} shift ${shift}`);
      assertEquals(checksum(buf.subarray(shift)), want, `subarray len ${len} shift ${shift}`);
    }
  }
});

Deno.test("checksum() changes when any byte changes", () => {
  const data = text("the quick brown fox jumps over the lazy dog");
  const base = checksum(data);
  for (let i = 0; i < data.length; i++) {
    const copy = data.slice();
    copy[i] ^= 1;
    if (checksum(copy) === base) throw new Error(`flipping byte ${i} kept the checksum`);
  }
});
