import { BlockCache } from "../../datastore/_block_cache.ts";
import { decodeManifest, MANIFEST_VERSION } from "../../datastore/_manifest.ts";
import { foldRow } from "../../datastore/_row.ts";
import { SegmentReader } from "../../datastore/_segment_reader.ts";
import { SEGMENT_VERSION } from "../../datastore/_segment_format.ts";
import { denoStorage, type Key } from "../../datastore/mod.ts";
import { readWal } from "../../datastore/_wal_reader.ts";
import { OP_DELETE, OP_UPDATE, parseRecord } from "../../datastore/_wal_record.ts";
import { GOLDEN_FILES, goldenWorkload } from "../testdata/make_golden.ts";
import { assertEquals, tempDir } from "./_helpers.ts";

const DATA = new URL("../testdata/", import.meta.url).pathname;
const COLUMNS = ["s", "f", "b", "n", "l", "i8", "m"];

Deno.test("golden files are read back exactly by the current code", async (t) => {
  await t.step("WAL", async () => {
    const wal = readWal(await Deno.readFile(`${DATA}golden.wal`), "golden.wal");
    assertEquals(wal.torn, false);
    const recs = wal.records.map(parseRecord);
    assertEquals(recs.map((r) => [r.op, r.rev, r.table, r.keyColumn, r.kind, r.keys]), [
      [OP_UPDATE, 1, "t", "id", "int", [1, 2]],
      [OP_UPDATE, 2, "t", "id", "int", [1, 3]],
      [OP_DELETE, 3, "t", "id", "int", [2]],
    ]);
    assertEquals(recs[0].added, [[0, "s"], [1, "f"], [2, "b"], [3, "n"], [4, "l"]]);
    assertEquals(recs[1].added, [[5, "i8"], [6, "m"]]);
    const rows = recs.slice(0, 2).flatMap((r, i) =>
      r.keys.map((k, j) =>
        foldRow(
          [{
            rev: r.rev,
            buf: wal.records[i],
            off: r.offsets[j],
            len: r.lengths[j],
            prev: undefined,
          }],
          k,
          { keyColumn: "id", names: COLUMNS, keepNone: true },
        )
      )
    );
    assertEquals(rows, [
      { id: 1, s: "a", f: 0.5, b: new Uint8Array([0xca, 0xfe]) },
      { id: 2, s: "bc", n: null, l: [1, 2] },
      { id: 1, s: "z", i8: -3 },
      { id: 3, m: new Map([[7, true]]) },
    ]);
  });
  for (const v of ["", "-v2", "-v1"]) {
    await t.step(`segment${v}`, () => {
      const manifest = decodeManifest(Deno.readFileSync(`${DATA}golden${v}.MANIFEST`), "MANIFEST");
      const info = manifest.tables[0].segments[0];
      const seg = new SegmentReader(
        denoStorage,
        `${DATA}golden${v}.seg`,
        info,
        new BlockCache(1 << 16),
      );
      try {
        const seen: [Key, number[], boolean[]][] = [];
        for (const c = seg.cursor(); c.key !== undefined; c.next()) {
          const revs: number[] = [], deleted: boolean[] = [];
          for (let v = c.head; v !== undefined; v = v.prev) {
            revs.push(v.rev);
            deleted.push(v.buf === null);
          }
          seen.push([c.key, revs, deleted]);
        }
        assertEquals(seen, [[1, [2, 1], [false, false]], [2, [3, 1], [true, false]], [3, [2], [
          false,
        ]]]);
        const one = seg.get(1)!;
        assertEquals(
          foldRow([one.prev!, one], 1, { keyColumn: "id", names: COLUMNS, keepNone: true }),
          {
            id: 1,
            s: "z",
            f: 0.5,
            b: new Uint8Array([0xca, 0xfe]),
            i8: -3,
          },
        );
        assertEquals(seg.get(4), undefined);
      } finally {
        seg.closeFile();
      }
    });
  }
  await t.step("manifest", () => {
    const m = decodeManifest(Deno.readFileSync(`${DATA}golden-v1.MANIFEST`), "MANIFEST");
    assertEquals(m, {
      version: MANIFEST_VERSION,
      nextFile: 3,
      lastRevision: 3,
      wal: 2,
      tables: [{
        name: "t",
        keyColumn: "id",
        keyKind: "int",
        columns: COLUMNS,
        schema: [
          { name: "s", type: "STRING" },
          { name: "f", type: "FLOAT64" },
          { name: "b", type: "BYTES" },
          { name: "l", type: "LIST" },
          { name: "i8", type: "INT8" },
          { name: "m", type: "MAP" },
        ],
        horizon: 0,
        segments: [{ file: "000002.seg", keys: 3, versions: 5, minRev: 1, maxRev: 3, bytes: 200 }],
      }],
    });
  });
  for (const v of ["", "-v2", "-v1"]) {
    await t.step(`a datastore over the golden${v} files`, async () => {
      await using dir = await tempDir();
      await Deno.copyFile(`${DATA}golden${v}.seg`, `${dir.path}/000002.seg`);
      await Deno.copyFile(`${DATA}golden${v}.MANIFEST`, `${dir.path}/MANIFEST`);
      const { Datastore } = await import("../../datastore/mod.ts");
      await using ds = await Datastore.open(dir.path);
      const rows = [];
      for await (const r of ds.scan("t", { keepNone: true })) rows.push(r);
      assertEquals(rows, [
        { id: 1, s: "z", f: 0.5, b: new Uint8Array([0xca, 0xfe]), i8: -3 },
        { id: 3, m: new Map([[7, true]]) },
      ]);
    });
  }
});

Deno.test("the current code writes the golden files byte for byte", async () => {
  // A failure here means the format changed: bump SEGMENT_VERSION or MANIFEST_VERSION (and
  // FORMAT.md), then regenerate with tests/testdata/make_golden.ts.
  assertEquals([SEGMENT_VERSION, MANIFEST_VERSION], [3, 1], "the golden files are for segment 3");
  await using dir = await tempDir();
  let wal = new Uint8Array();
  await goldenWorkload(dir.path, async (path) => {
    wal = await Deno.readFile(path);
  });
  assertEquals(wal, await Deno.readFile(`${DATA}golden.wal`), "WAL bytes");
  for (const [golden, name] of Object.entries(GOLDEN_FILES)) {
    if (golden === "golden.wal") continue;
    assertEquals(
      await Deno.readFile(`${dir.path}/${name}`),
      await Deno.readFile(`${DATA}${golden}`),
      `${golden} bytes`,
    );
  }
});
