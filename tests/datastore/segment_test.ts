import { BlockCache } from "../../datastore/_block_cache.ts";
import { bloomMayContain, buildBloom } from "../../datastore/_bloom.ts";
import { ByteWriter } from "../../datastore/_bytes.ts";
import { encodeColumns } from "../../datastore/_row.ts";
import { SegmentReader } from "../../datastore/_segment_reader.ts";
import { FOOTER_SIZE } from "../../datastore/_segment_format.ts";
import { SegmentWriter } from "../../datastore/_segment_writer.ts";
import { CorruptionError, denoStorage, type Key } from "../../datastore/mod.ts";
import { assert, assertEquals, assertThrows, tempDir } from "./_helpers.ts";

const N = 1500;

function row(i: number): Uint8Array {
  const w = new ByteWriter(64);
  encodeColumns(w, { v: `value ${i} `.repeat(3) }, { keyColumn: "id", columnId: () => 0 });
  return w.bytes().slice();
}

/** Keys 0, 2, 4, ...; every 5th key also has an older deletion. */
async function writeSegment(path: string): Promise<SegmentReader> {
  const w = await SegmentWriter.create(denoStorage, path, { kind: "int" });
  for (let i = 0; i < N; i++) {
    const b = row(i);
    const versions = [{ rev: 2 * i + 2, buf: b, off: 0, len: b.length }];
    if (i % 5 === 0) versions.push({ rev: 2 * i + 1, buf: null as never, off: 0, len: 0 });
    w.add(2 * i, versions);
  }
  const info = await w.finish();
  assertEquals([info.keys, info.versions, info.minRev, info.maxRev], [N, N + N / 5, 1, 2 * N]);
  return new SegmentReader(denoStorage, path, info, new BlockCache(64 << 10));
}

function keysOf(seg: SegmentReader, options: Parameters<SegmentReader["cursor"]>[0]): Key[] {
  const out: Key[] = [];
  for (const c = seg.cursor(options); c.key !== undefined; c.next()) out.push(c.key);
  return out;
}

Deno.test("SegmentReader reads back what SegmentWriter wrote, in both directions", async (t) => {
  await using dir = await tempDir();
  const seg = await writeSegment(`${dir.path}/000001.seg`);
  try {
    const all = Array.from({ length: N }, (_, i) => 2 * i);
    await t.step("blocks are aligned and several", () => {
      const m = seg.meta();
      assert(m.blocks > 3, `${m.blocks} blocks`);
      for (let i = 0; i < m.blocks; i++) assertEquals(seg.blockOffset(i) % 4, 0);
    });
    await t.step("point reads", () => {
      for (const i of [0, 1, 5, 700, N - 1]) {
        const v = seg.get(2 * i)!;
        assertEquals(v.rev, 2 * i + 2);
        assertEquals(v.buf!.subarray(v.off, v.off + v.len), row(i));
        assertEquals(v.prev === undefined ? "none" : v.prev.buf, i % 5 === 0 ? null : "none");
      }
      for (const k of [-1, 1, 3, 2 * N, 10 ** 9]) assertEquals(seg.get(k), undefined);
    });
    await t.step("forward and reverse cursors from every kind of bound", () => {
      assertEquals(keysOf(seg, {}), all);
      assertEquals(keysOf(seg, { reverse: true }), all.toReversed());
      assertEquals(keysOf(seg, { from: 1000 }), all.filter((k) => k >= 1000));
      assertEquals(keysOf(seg, { from: 1000, exclusive: true }), all.filter((k) => k > 1000));
      assertEquals(keysOf(seg, { from: 1001 }), all.filter((k) => k > 1001));
      assertEquals(
        keysOf(seg, { from: 1000, reverse: true }),
        all.filter((k) => k <= 1000).reverse(),
      );
      assertEquals(
        keysOf(seg, { from: 1000, reverse: true, exclusive: true }),
        all.filter((k) => k < 1000).reverse(),
      );
      assertEquals(keysOf(seg, { from: 99999, reverse: true }).length, N);
      assertEquals(keysOf(seg, { from: -5, reverse: true }), []);
      assertEquals(keysOf(seg, { from: 99999 }), []);
    });
  } finally {
    seg.closeFile();
  }
});

Deno.test("SegmentReader reports a damaged block, meta or footer as CorruptionError", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/000001.seg`;
  const good = await writeSegment(path);
  const m = good.meta();
  const block2 = good.blockOffset(2);
  const info = good.info;
  good.closeFile();
  const bytes = await Deno.readFile(path);
  const damaged = async (at: number, what: string) => {
    const bad = bytes.slice();
    bad[at] ^= 0x40;
    const p = `${dir.path}/${what.replaceAll(" ", "_")}.seg`;
    await Deno.writeFile(p, bad);
    return new SegmentReader(denoStorage, p, info, new BlockCache(1 << 20));
  };
  await t.step("a data block", async () => {
    const seg = await damaged(block2 + 10, "block");
    try {
      seg.get(0);
      const e = assertThrows(() => keysOf(seg, {}), CorruptionError, "block checksum");
      assertEquals((e as CorruptionError).offset, block2);
      assert((e as CorruptionError).file.endsWith("block.seg"));
    } finally {
      seg.closeFile();
    }
  });
  await t.step("the meta block", async () => {
    const seg = await damaged(m.bloomOffset - 10, "meta");
    try {
      assertThrows(() => seg.meta(), CorruptionError, "checksum");
    } finally {
      seg.closeFile();
    }
  });
  await t.step("the bloom filter", async () => {
    const seg = await damaged(bytes.length - FOOTER_SIZE - 5, "bloom");
    try {
      // The first point reads are answered from blocks; the filter is loaded, and checked,
      // after a few.
      assertThrows(
        () => {
          for (let i = 0; i < 100; i++) seg.get(2 * i);
        },
        CorruptionError,
        "bloom",
      );
    } finally {
      seg.closeFile();
    }
  });
  await t.step("the magic", async () => {
    const seg = await damaged(bytes.length - 1, "magic");
    try {
      assertThrows(() => seg.meta(), CorruptionError, "magic");
    } finally {
      seg.closeFile();
    }
  });
  await t.step("the version", async () => {
    const seg = await damaged(bytes.length - 8, "version");
    try {
      assertThrows(() => seg.meta(), CorruptionError, "version");
    } finally {
      seg.closeFile();
    }
  });
});

Deno.test("SegmentReader point reads of a segment larger than the cache check every block and cache it on a second miss", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/000001.seg`;
  const good = await writeSegment(path);
  const lastKey = (i: number) => good.blockLastKey(i) as number;
  const block3 = good.blockOffset(3);
  const firstKeyOf2 = lastKey(1) + 2, firstKeyOf3 = lastKey(2) + 2;
  good.closeFile();
  const cache = new BlockCache(8 << 10); // far smaller than the segment
  const seg = new SegmentReader(denoStorage, path, good.info, cache);
  try {
    await t.step("a block read once is not cached; read again soon, it is", () => {
      assertEquals(seg.get(firstKeyOf2)?.rev, firstKeyOf2 + 2);
      assertEquals(cache.get(seg.id, 2), undefined);
      assertEquals(seg.get(firstKeyOf2)?.rev, firstKeyOf2 + 2);
      assert(cache.get(seg.id, 2) !== undefined);
    });
    await t.step("versions read from two blocks in turn each stay right", () => {
      for (let i = 0; i < N; i += 37) {
        const v = seg.get(2 * i)!;
        assertEquals(v.buf!.subarray(v.off, v.off + v.len), row(i));
      }
    });
  } finally {
    seg.closeFile();
  }
  await t.step("a damaged block is reported by a point read", async () => {
    const bad = (await Deno.readFile(path)).slice();
    bad[block3 + 10] ^= 0x40;
    const p = `${dir.path}/000002.seg`;
    await Deno.writeFile(p, bad);
    const damaged = new SegmentReader(denoStorage, p, good.info, new BlockCache(8 << 10));
    try {
      const e = assertThrows(
        () => damaged.get(firstKeyOf3, false),
        CorruptionError,
        "block checksum",
      );
      assertEquals((e as CorruptionError).offset, block3);
    } finally {
      damaged.closeFile();
    }
  });
});

Deno.test("SegmentReader point reads of blocks larger than its scratch buffer read them on their own", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/000001.seg`;
  const w = await SegmentWriter.create(denoStorage, path, { kind: "int" });
  const big = (i: number) => new Uint8Array(40_000 + i).fill(i);
  for (let i = 0; i < 40; i++) {
    const b = i % 4 === 0 ? big(i) : row(i);
    w.add(i, [{ rev: i + 1, buf: b, off: 0, len: b.length }]);
  }
  const seg = new SegmentReader(denoStorage, path, await w.finish(), new BlockCache(8 << 10));
  try {
    const held = seg.get(8)!;
    for (let i = 0; i < 40; i++) {
      const v = seg.get(i)!;
      assertEquals(v.buf!.subarray(v.off, v.off + v.len), i % 4 === 0 ? big(i) : row(i));
    }
    // A large block is not in the reused buffer: what was read from it stays valid.
    assertEquals(held.buf!.subarray(held.off, held.off + held.len), big(8));
  } finally {
    seg.closeFile();
  }
});

Deno.test("SegmentReader reads its block index page by page, and reports a damaged page", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/000001.seg`;
  const n = 30_000;
  const w = await SegmentWriter.create(denoStorage, path, { kind: "int" });
  for (let i = 0; i < n; i++) {
    const b = row(i);
    w.add(3 * i, [{ rev: i + 1, buf: b, off: 0, len: b.length }]);
  }
  const info = await w.finish();
  const open = () => new SegmentReader(denoStorage, path, info, new BlockCache(64 << 10));
  const seg = open();
  let pageAt = 0, keyInPage1 = 0;
  try {
    const m = seg.meta();
    assert(m.pages !== undefined && m.pages.offsets.length >= 3, "several index pages");
    pageAt = m.pages.offsets[1];
    keyInPage1 = seg.blockLastKey(m.pageBlocks + 5) as number;
    await t.step("point reads across page boundaries", () => {
      for (let i = 0; i < n; i += 97) assertEquals(seg.get(3 * i, false)?.rev, i + 1);
      for (const p of [1, 2]) {
        const last = p * m.pageBlocks - 1;
        const k = seg.blockLastKey(last) as number;
        assertEquals(seg.get(k, false)?.rev, k / 3 + 1);
        assertEquals(seg.get(k + 3, false)?.rev, k / 3 + 2);
        assertEquals(seg.get(k + 1, false), undefined);
      }
      assertEquals(seg.get(3 * n, false), undefined);
      assertEquals(seg.findBlock(3 * n), m.blocks);
    });
    await t.step("cursors in both directions from every kind of bound", () => {
      assertEquals(keysOf(seg, {}).length, n);
      assertEquals(keysOf(seg, { reverse: true }).length, n);
      assertEquals(keysOf(seg, { from: 3 * 20_000 }).length, n - 20_000);
      assertEquals(keysOf(seg, { from: 3 * 20_000 + 1, reverse: true }).length, 20_001);
    });
  } finally {
    seg.closeFile();
  }
  await t.step("a damaged index page fails the reads that need it, only them", async () => {
    const bad = (await Deno.readFile(path)).slice();
    bad[pageAt + 20] ^= 0x40;
    await Deno.writeFile(path, bad);
    const damaged = open();
    try {
      assertEquals(damaged.get(0, false)?.rev, 1); // page 0
      const e = assertThrows(() => damaged.get(keyInPage1, false), CorruptionError, "index page");
      assertEquals((e as CorruptionError).offset, pageAt);
      assertThrows(() => keysOf(damaged, {}), CorruptionError, "index page");
    } finally {
      damaged.closeFile();
    }
  });
});

Deno.test("bloomMayContain() never misses a key and rarely accepts an absent one", () => {
  const keys: Key[] = Array.from({ length: 2000 }, (_, i) => (i % 2 ? i * 7 : `s${i}`));
  const bits = buildBloom(keys, keys.length);
  for (const k of keys) assert(bloomMayContain(bits, k), `missed ${String(k)}`);
  let falsePositives = 0;
  for (let i = 0; i < 10000; i++) if (bloomMayContain(bits, `absent${i}`)) falsePositives++;
  assert(falsePositives < 300, `${falsePositives} false positives in 10000`);
});

Deno.test("bloomMayContain() answers for each filter when one key is probed against several", () => {
  const a = Array.from({ length: 500 }, (_, i) => i * 2);
  const b = Array.from({ length: 500 }, (_, i) => `k${i}`);
  const bitsA = buildBloom(a, a.length), bitsB = buildBloom(b, b.length);
  let wrong = 0;
  for (let i = 0; i < 500; i++) {
    // The same key against both filters, then the other set's key: a remembered hash must
    // belong to the key asked about.
    assert(bloomMayContain(bitsA, a[i]), `missed ${a[i]}`);
    if (bloomMayContain(bitsB, a[i])) wrong++;
    assert(bloomMayContain(bitsB, b[i]), `missed ${b[i]}`);
    if (bloomMayContain(bitsA, b[i])) wrong++;
  }
  assert(wrong < 50, `${wrong} false positives in 1000`);
});

Deno.test("BlockCache evicts the least recently used blocks, as a reference LRU does", () => {
  const seed = 20261201;
  let state = seed;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const cache = new BlockCache(10 * 16);
  const model = new Map<number, number>(); // block -> size, oldest first
  let bytes = 0;
  for (let step = 0; step < 20_000; step++) {
    const block = random(40), file = block % 3;
    if (random(4) === 0) {
      const size = 8 + random(5);
      cache.set(file, block, new Uint8Array(size));
      bytes += size - (model.get(block) ?? 0);
      model.delete(block);
      model.set(block, size);
      for (const [k, v] of model) {
        if (bytes <= 160) break;
        model.delete(k);
        bytes -= v;
      }
    } else {
      const hit = cache.get(file, block);
      const size = model.get(block);
      assertEquals(hit?.length, size, `seed ${seed} step ${step}: block ${block}`);
      if (size !== undefined) {
        model.delete(block);
        model.set(block, size);
      }
    }
    assertEquals(cache.bytes, bytes, `seed ${seed} step ${step}: bytes held`);
  }
});

Deno.test("SegmentReader answers its first point reads without the Bloom filter, then with it", async () => {
  await using dir = await tempDir();
  const seg = await writeSegment(`${dir.path}/000001.seg`);
  try {
    let reads = 0;
    const file = seg as unknown as { bloom(): Uint8Array };
    const bloom = file.bloom.bind(seg);
    file.bloom = () => {
      reads++;
      return bloom();
    };
    for (let i = 0; i < 100; i++) {
      assert(seg.get(2 * i) !== undefined, `missed ${2 * i}`);
      assertEquals(seg.get(2 * i + 1), undefined);
    }
    assert(reads > 0, "the filter was never consulted");
    assert(reads < 200, `the filter was consulted on all ${reads} reads`);
  } finally {
    seg.closeFile();
  }
});
