import {
  Datastore,
  DatastoreClosedError,
  DatastoreLockedError,
  type Row,
  SwObject,
  tuple,
} from "../../datastore/mod.ts";
import { assert, assertEquals, assertRejects, assertThrows, collect, tempDir } from "./_helpers.ts";

Deno.test("Datastore.update() merges columns into the existing row", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: 1, a: 1, b: "x" }, { id: 2, a: 2 }]);
  await ds.update("t", [{ id: 1, b: "y", c: true }]);
  assertEquals(await ds.get("t", 1), { id: 1, a: 1, b: "y", c: true });
  assertEquals(await collect(ds.scan("t")), [{ id: 1, a: 1, b: "y", c: true }, { id: 2, a: 2 }]);
  await ds.flush();
  await ds.update("t", [{ id: 1, a: 10 }]);
  assertEquals(await ds.get("t", 1), { id: 1, a: 10, b: "y", c: true }, "merges across a flush");
});

Deno.test("Datastore stores null columns and hides them unless keepNone", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: 1, a: 1, b: 2 }]);
  await ds.update("t", [{ id: 1, b: null }]);
  assertEquals(await ds.get("t", 1), { id: 1, a: 1 });
  assertEquals(await ds.get("t", 1, { keepNone: true }), { id: 1, a: 1, b: null });
  assertEquals(await collect(ds.scan("t")), [{ id: 1, a: 1 }]);
  assertEquals(await collect(ds.scan("t", { keepNone: true })), [{ id: 1, a: 1, b: null }]);
});

Deno.test("Datastore.delete() then update starts a fresh row", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: "k", a: 1, b: 2 }]);
  await ds.delete("t", ["k"]);
  assertEquals(await ds.get("t", "k"), undefined);
  assertEquals(await collect(ds.scan("t")), []);
  await ds.update("t", [{ id: "k", c: 3 }]);
  assertEquals(await ds.get("t", "k"), { id: "k", c: 3 });
  await ds.compact();
  assertEquals(await ds.get("t", "k"), { id: "k", c: 3 }, "compaction keeps only the new row");
});

Deno.test("Datastore keeps every value type exactly across flush and reopen", async () => {
  await using dir = await tempDir();
  const row: Row = {
    id: 1,
    b: true,
    i: -(2 ** 52 + 3),
    big: 2n ** 62n,
    f: -0,
    nan: NaN,
    inf: -Infinity,
    s: "héllo",
    bytes: new Uint8Array([1, 2, 3]),
    list: [1, [2, "x"], null],
    tup: tuple(1, 2) as unknown as Row[string],
    map: new Map([[1, "a"], [2, "b"]]),
    obj: { nested: { deep: [true] } },
    link: new SwObject("LINK", { uri: "s3://x" }),
    i8: -5,
    f16: 0.5,
  };
  const schema = [{ name: "i8", type: "INT8" as const }, { name: "f16", type: "FLOAT16" as const }];
  {
    await using ds = await Datastore.open(dir.path);
    await ds.update("t", [row], { schema });
    assertEquals(await ds.get("t", 1), row);
    await ds.flush();
    assertEquals(await ds.get("t", 1), row);
  }
  await using ds = await Datastore.open(dir.path);
  assertEquals(await ds.get("t", 1), row);
  const types = Object.fromEntries((await ds.schema("t"))!.columns.map((c) => [c.name, c.type]));
  assertEquals([types.i8, types.f16, types.tup, types.map, types.link], [
    "INT8",
    "FLOAT16",
    "TUPLE",
    "MAP",
    "OBJECT",
  ]);
});

Deno.test("Datastore.scan({ revision }) reads a table as of a revision", async (t) => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  const r1 = await ds.update("t", [{ id: 1, v: "a" }]);
  const r2 = await ds.update("t", [{ id: 1, v: "b" }, { id: 2, v: "c" }]);
  await ds.flush();
  const r3 = await ds.delete("t", [1]);
  assert(r1 < r2 && r2 < r3, "revisions increase");
  await t.step("each revision", async () => {
    assertEquals(await collect(ds.scan("t", { revision: r1 })), [{ id: 1, v: "a" }]);
    assertEquals(await collect(ds.scan("t", { revision: r2 })), [
      { id: 1, v: "b" },
      { id: 2, v: "c" },
    ]);
    assertEquals(await collect(ds.scan("t", { revision: r3 })), [{ id: 2, v: "c" }]);
    assertEquals(await collect(ds.scan("t", { revision: 0 })), []);
    assertEquals(await ds.get("t", 1, { revision: r1 }), { id: 1, v: "a" });
  });
  await t.step("compaction folds history up to its horizon", async () => {
    await ds.update("t", [{ id: 3, v: "d" }]);
    await ds.compact("t");
    const horizon = ds.stats("t")[0].horizon;
    assert(horizon >= r3, `horizon ${horizon} covers the compacted revisions`);
    await assertRejects(() => ds.scan("t", { revision: r1 }).next(), RangeError, `revision ${r1}`);
    await assertRejects(() => ds.get("t", 1, { revision: r2 }), RangeError, "compaction");
    assertEquals(await collect(ds.scan("t", { revision: horizon })), [
      { id: 2, v: "c" },
      { id: 3, v: "d" },
    ]);
  });
});

Deno.test("Datastore.scan() honours start, end, inclusive flags, limit, columns and reverse", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", Array.from({ length: 10 }, (_, i) => ({ id: i, sq: i * i, s: `${i}` })));
  const ids = async (o: Parameters<typeof ds.scan>[1]) =>
    (await collect(ds.scan("t", o))).map((r) => r.id);
  assertEquals(await ids({ start: 3, end: 6 }), [3, 4, 5]);
  assertEquals(await ids({ start: 3, end: 6, startInclusive: false, endInclusive: true }), [
    4,
    5,
    6,
  ]);
  assertEquals(await ids({ start: 8 }), [8, 9]);
  assertEquals(await ids({ end: 2 }), [0, 1]);
  assertEquals(await ids({ limit: 3 }), [0, 1, 2]);
  assertEquals(await ids({ reverse: true, limit: 3 }), [9, 8, 7]);
  assertEquals(await ids({ reverse: true, start: 3, end: 6 }), [5, 4, 3]);
  assertEquals(await ids({ reverse: true, start: 3, end: 6, endInclusive: true }), [6, 5, 4, 3]);
  assertEquals(await ids({ start: 6, end: 3 }), []);
  assertEquals(await collect(ds.scan("t", { columns: ["sq"], start: 2, limit: 2 })), [
    { sq: 4 },
    { sq: 9 },
  ]);
  assertEquals(await collect(ds.scan("t", { columns: ["id", "s", "nope"], end: 1 })), [
    { id: 0, s: "0" },
  ]);
});

Deno.test("RowIterator.nextBatch() takes rows a batch at a time, mixing with next()", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", Array.from({ length: 5 }, (_, i) => ({ id: i })));
  const ids = (rows: Row[]) => rows.map((r) => r.id);
  const it = ds.scan("t", { start: 1 });
  assertEquals(ids(await it.nextBatch(2)), [1, 2]);
  assertEquals((await it.next()).value?.id, 3);
  assertEquals(ids(await it.nextBatch(10)), [4]);
  assertEquals(await it.nextBatch(10), []);
  assertEquals((await it.next()).done, true);
  for (const bad of [0, -1, 1.5, NaN]) {
    await assertRejects(() => ds.scan("t").nextBatch(bad), TypeError, `batch size ${bad}`);
  }
  const open = ds.scan("t");
  await ds.close();
  await assertRejects(() => open.nextBatch(1), DatastoreClosedError);
});

Deno.test("Datastore.scan() over several tables merges them by key, later tables winning", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("a", [{ id: 1, x: "a1", y: "a1" }, { id: 2, x: "a2" }, { id: 3, x: "a3" }]);
  await ds.update("b", [{ id: 1, x: "b1" }, { id: 3, z: null }, { id: 4, x: "b4" }]);
  await ds.update("b", [{ id: 2, x: "b2" }]);
  await ds.delete("b", [2]);
  assertEquals(await collect(ds.scan(["a", "b"])), [
    { id: 1, x: "b1", y: "a1" },
    { id: 3, x: "a3" },
    { id: 4, x: "b4" },
  ]);
  await ds.update("b", [{ id: 1, y: null }]);
  assertEquals((await collect(ds.scan(["a", "b"])))[0], { id: 1, x: "b1", y: "a1" });
  // A table's keepNone lets its nulls override; the scan's keepNone shows them.
  const keep = ["a", { tableName: "b", keepNone: true }];
  assertEquals((await collect(ds.scan(keep)))[0], { id: 1, x: "b1" });
  assertEquals((await collect(ds.scan(keep, { keepNone: true }))).slice(0, 2), [
    { id: 1, x: "b1", y: null },
    { id: 3, x: "a3", z: null },
  ]);
  assertEquals(
    await collect(ds.scan([
      { tableName: "a", columns: { id: "key", x: "ax" } },
      { tableName: "b", columns: { x: "bx" } },
    ], { reverse: true, limit: 3 })),
    [{ bx: "b4" }, { key: 3, ax: "a3" }, { key: 1, ax: "a1", bx: "b1" }],
  );
  await ds.update("s", [{ id: "one" }]);
  await assertRejects(() => ds.scan(["a", "s"]).next(), TypeError, "different types");
  assertEquals(await collect(ds.scan(["a", "missing"], { end: 2 })), [
    { id: 1, x: "a1", y: "a1" },
  ]);
});

Deno.test("Datastore.scan() releases segments on break, and close leaves nothing open", async () => {
  await using dir = await tempDir();
  const ds = await Datastore.open(dir.path, { compactionTrigger: 2 });
  await ds.update("t", Array.from({ length: 2000 }, (_, i) => ({ id: i, v: "x".repeat(50) })));
  await ds.flush();
  await ds.update("t", [{ id: 5, v: "new" }]);
  await ds.flush();
  let n = 0;
  for await (const row of ds.scan("t")) {
    if (++n === 3) {
      assertEquals(row.id, 2);
      break;
    }
  }
  const it = ds.scan("t", { reverse: true });
  assertEquals((await it.next()).value?.id, 1999);
  await it.return();
  await ds.compact();
  assertEquals((await ds.get("t", 5))?.v, "new");
  await ds.close();
  // Deno's resource sanitizer fails this test if a segment file is still open.
});

Deno.test("Datastore.update() rejects bad input and writes nothing of the batch", async (t) => {
  await using dir = await tempDir();
  const fn = function badValue() {};
  const cases: [string, () => Promise<unknown>, ErrorConstructor, string][] = [];
  {
    await using ds = await Datastore.open(dir.path);
    await ds.update("ok", [{ id: 1, a: 1 }]);
    const bad: [string, Parameters<typeof ds.update>, ErrorConstructor, string][] = [
      ["invalid table name", ["bad!name", [{ id: 1 }]], TypeError, "bad!name"],
      ["empty table name", ["", [{ id: 1 }]], TypeError, "table name"],
      ["invalid column name", ["t", [{ id: 1 }, { id: 2, "a.b": 1 }]], TypeError, "a.b"],
      ["the reserved - column", ["t", [{ id: 1, a: 1 }, { id: 2, "-": true }]], TypeError, "'-'"],
      ["missing key", ["t", [{ id: 1 }, { a: 1 }]], TypeError, "'id' is missing"],
      ["float key", ["t", [{ id: 1 }, { id: 1.5 }]], TypeError, "1.5"],
      ["mixed key types", ["t", [{ id: 1 }, { id: "2" }]], TypeError, '"2"'],
      ["a function", ["t", [{ id: 1, a: 1 }, { id: 2, f: fn as never }]], TypeError, "badValue"],
      ["a symbol", ["t", [{ id: 1 }, { id: 2, s: Symbol("q") as never }]], TypeError, "Symbol(q)"],
      ["undefined in a list", ["t", [{ id: 1, l: [1, undefined as never] }]], TypeError, "index 1"],
      ["a class instance", ["t", [{ id: 1, d: new Date() as never }]], TypeError, "Date"],
      [
        "out of range",
        ["t", [{ id: 1, a: 300 }], { schema: [{ name: "a", type: "INT8" }] }],
        RangeError,
        "300",
      ],
      [
        "wrong key type for the table",
        ["ok", [{ id: 2, a: 2 }, { id: "x" }]],
        TypeError,
        "integers",
      ],
      [
        "a bad value in an existing table",
        ["ok", [{ id: 2, a: 2 }, { id: 3, a: fn as never }]],
        TypeError,
        "function",
      ],
      ["the wrong key column", ["ok", [{ k: 2 }], { keyColumn: "k" }], TypeError, "keyed by 'id'"],
    ];
    for (const [what, args, type, msg] of bad) {
      await t.step(what, async () => {
        const before = ds.revision;
        await assertRejects(() => ds.update(...args), type, msg);
        assertEquals(ds.revision, before, "no revision consumed");
        assertEquals(ds.tables(), ["ok"]);
        assertEquals(await collect(ds.scan("ok")), [{ id: 1, a: 1 }]);
      });
      cases.push([what, () => ds.update(...args), type, msg]);
    }
    await t.step("bad deletes", async () => {
      await assertRejects(() => ds.delete("ok", ["x"]), TypeError, '"x"');
      await assertRejects(() => ds.delete("ok", [1, 2.5]), TypeError, "2.5");
      assertEquals(await collect(ds.scan("ok")), [{ id: 1, a: 1 }]);
    });
  }
  await t.step("a reopen shows nothing of the rejected batches", async () => {
    await using ds = await Datastore.open(dir.path);
    assertEquals(ds.tables(), ["ok"]);
    assertEquals(await collect(ds.scan("ok")), [{ id: 1, a: 1 }]);
  });
});

Deno.test("Datastore.open() refuses a directory open in this process, shares it with another", async (t) => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: 1 }]);
  await t.step("in the same process", async () => {
    await assertRejects(() => Datastore.open(dir.path), DatastoreLockedError, dir.path);
    await assertRejects(() => Datastore.open(`${dir.path}/.`), DatastoreLockedError);
  });
  await t.step("from another process", async () => {
    const code = `
      import { Datastore, DatastoreLockedError } from ${
      JSON.stringify(new URL("../../datastore/mod.ts", import.meta.url).href)
    };
      try { const ds = await Datastore.open(Deno.args[0]); console.log(JSON.stringify(await ds.get("t", 1))); }
      catch (e) { console.log(e instanceof DatastoreLockedError ? "locked" : String(e)); }
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code, dir.path],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout).trim(), '{"id":1}');
  });
});

Deno.test("Datastore methods throw DatastoreClosedError after close", async () => {
  await using dir = await tempDir();
  const ds = await Datastore.open(dir.path);
  await ds.update("t", [{ id: 1 }]);
  const it = ds.scan("t");
  await ds.close();
  await ds.close();
  await assertRejects(() => ds.update("t", [{ id: 2 }]), DatastoreClosedError, "closed");
  await assertRejects(() => ds.delete("t", [1]), DatastoreClosedError);
  await assertRejects(() => ds.get("t", 1), DatastoreClosedError);
  await assertRejects(() => ds.flush(), DatastoreClosedError);
  await assertRejects(() => ds.compact(), DatastoreClosedError);
  await assertRejects(() => ds.schema("t"), DatastoreClosedError);
  assertThrows(() => ds.tables(), DatastoreClosedError);
  await assertRejects(() => it.next(), DatastoreClosedError);
  await assertRejects(() => ds.scan("t").next(), DatastoreClosedError);
  await using again = await Datastore.open(dir.path);
  assertEquals(await again.get("t", 1), { id: 1 });
});

for (const durability of ["fsync", "flush", "none"] as const) {
  Deno.test(`Datastore in durability ${durability} reopens with every write after close`, async () => {
    await using dir = await tempDir();
    {
      await using ds = await Datastore.open(dir.path, { durability, memtableBytes: 64 << 10 });
      for (let i = 0; i < 40; i++) {
        await ds.update("t", Array.from({ length: 25 }, (_, j) => ({ id: i * 25 + j, v: i })));
      }
      await ds.delete("t", [0, 999]);
    }
    await using ds = await Datastore.open(dir.path, { durability });
    const rows = await collect(ds.scan("t"));
    assertEquals(rows.length, 998);
    assertEquals(rows[0], { id: 1, v: 0 });
    assertEquals(rows.at(-1), { id: 998, v: 39 });
  });
}

Deno.test("Datastore.flush() keeps a write that was in flight when it began", async () => {
  await using dir = await tempDir();
  {
    await using ds = await Datastore.open(dir.path);
    await ds.update("other", [{ id: 1 }]);
    const pending = [ds.update("t", [{ id: 1, a: 1 }]), ds.update("other", [{ id: 2 }])];
    await ds.flush();
    await Promise.all(pending);
    assertEquals(await ds.get("t", 1), { id: 1, a: 1 });
  }
  await using ds = await Datastore.open(dir.path);
  assertEquals(await ds.get("t", 1), { id: 1, a: 1 });
  assertEquals(await collect(ds.scan("other")), [{ id: 1 }, { id: 2 }]);
});

Deno.test("Datastore.tables() and schema() describe what was written", async () => {
  await using dir = await tempDir();
  await using ds = await Datastore.open(dir.path);
  await ds.update("proj/a", [{ k: "x", n: 1 }], { keyColumn: "k" });
  await ds.update("proj/b", [{ id: 1, f: 0.5 }]);
  await ds.update("other", [{ id: 1 }]);
  assertEquals(ds.tables(), ["other", "proj/a", "proj/b"]);
  assertEquals(ds.tables("proj/"), ["proj/a", "proj/b"]);
  assertEquals(await ds.schema("proj/a"), {
    keyColumn: "k",
    keyType: "STRING",
    columns: [{ name: "n", type: "INT64" }],
  });
  assertEquals((await ds.schema("proj/b"))?.columns, [{ name: "f", type: "FLOAT64" }]);
  assertEquals(await ds.schema("nope"), undefined);
  assertEquals(await ds.get("nope", 1), undefined);
  assertEquals(await collect(ds.scan("nope")), []);
});

Deno.test("Datastore.get() merges a row's versions from several segments larger than the cache", async () => {
  await using dir = await tempDir();
  const text = (i: number, pass: number) => `row ${i} pass ${pass} `.repeat(4);
  {
    await using ds = await Datastore.open(dir.path, { durability: "none" });
    for (let pass = 0; pass < 4; pass++) {
      // Each pass writes its own column of every row, and one more, to its own segment.
      const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, [`c${pass}`]: text(i, pass) }));
      await ds.update("t", rows);
      await ds.flush();
    }
  }
  await using ds = await Datastore.open(dir.path, { blockCacheBytes: 16 << 10 });
  assertEquals(ds.stats()[0].segments.length, 4);
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 2000; i += 7) {
      assertEquals(await ds.get("t", i), {
        id: i,
        c0: text(i, 0),
        c1: text(i, 1),
        c2: text(i, 2),
        c3: text(i, 3),
      });
    }
  }
  assertEquals(await ds.get("t", 2000), undefined);
});
