import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { join } from "node:path";
import { cliHome } from "./_helpers.ts";

const lines = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l));

Deno.test("swcli table: put, list, scan, get, delete, compact, stats", async (t) => {
  await using home = await cliHome();
  await t.step("put from a file and from stdin", async () => {
    const file = join(home.dir, "rows.jsonl");
    await Deno.writeTextFile(
      file,
      Array.from({ length: 25 }, (_, i) => JSON.stringify({ id: i, v: `r${i}` })).join("\n"),
    );
    const r = await home.json<{ rows: number }>(["table", "put", "demo/t", file]);
    assertEquals(r.rows, 25);
    const s = await home.run(["table", "put", "demo/s", "-"], { stdin: '{"id":"a","n":1}\n' });
    assertEquals(s.code, 0, s.stderr);
    assertMatch(s.stdout, /wrote 1 rows to demo\/s/);
  });
  await t.step("list with a prefix", async () => {
    assertEquals(await home.json(["table", "list", "demo/"]), ["demo/s", "demo/t"]);
  });
  await t.step("scan ranges as JSON lines", async () => {
    const r = await home.run([
      "-o",
      "json",
      "table",
      "scan",
      "demo/t",
      "--start",
      "5",
      "--end",
      "8",
    ]);
    assertEquals(lines(r.stdout).map((x) => x.id), [5, 6, 7]);
    const c = await home.run([
      "-o",
      "json",
      "table",
      "scan",
      "demo/t",
      "--columns",
      "v",
      "--limit",
      "1",
    ]);
    assertEquals(lines(c.stdout), [{ v: "r0" }]);
  });
  await t.step("get finds a row by key, string or int", async () => {
    assertEquals(await home.json(["table", "get", "demo/t", "7"]), { id: 7, v: "r7" });
    assertEquals(await home.json(["table", "get", "demo/s", "a"]), { id: "a", n: 1 });
    const missing = await home.run(["table", "get", "demo/t", "99"]);
    assertEquals(missing.code, 1);
    assertMatch(missing.stderr, /Cannot find key "99"/);
  });
  await t.step("delete keys", async () => {
    const r = await home.json<{ deleted: number }>(["table", "delete", "demo/t", "0", "1", "2"]);
    assertEquals(r.deleted, 3);
    assertEquals((await home.run(["table", "get", "demo/t", "1"])).code, 1);
  });
  await t.step("compact and stats", async () => {
    assertEquals((await home.run(["table", "compact", "demo/t"])).code, 0);
    const stats = await home.json<{ table: string; rows: number; segments: number }[]>([
      "table",
      "stats",
      "demo/",
    ]);
    const t1 = stats.find((s) => s.table === "demo/t")!;
    assertEquals(t1.rows, 22);
    assert(t1.segments >= 1);
    const human = await home.run(["table", "stats"]);
    assertMatch(human.stdout, /^Table\s+Rows\s+Segments/);
  });
  await t.step("bad JSON lines are refused", async () => {
    const r = await home.run(["table", "put", "demo/t", "-"], { stdin: "[1,2]\n" });
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /line 1 is not a JSON object/);
  });
});

Deno.test("swcli table: a missing table or an invalid name is an error, not an empty answer", async (t) => {
  await using home = await cliHome();
  assertEquals((await home.run(["table", "put", "demo/t", "-"], { stdin: '{"id":1}\n' })).code, 0);
  await t.step("compact of a missing table exits 1 naming it", async () => {
    const r = await home.run(["table", "compact", "nonexistent"]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /Cannot find table 'nonexistent'/);
    assert(!r.stdout.includes("compacted"), r.stdout);
  });
  await t.step("scan of an invalid name says so", async () => {
    const r = await home.run(["table", "scan", "../x"]);
    assertEquals(r.code, 2);
    assertMatch(r.stderr, /Invalid table name "\.\.\/x"/);
    assert(!r.stdout.includes("(no rows)"), r.stdout);
  });
  await t.step("scan and get of a missing table exit 1 naming it and what exists", async () => {
    const r = await home.run(["table", "scan", "demo/x"]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /Cannot find table 'demo\/x'.*demo\/t/);
    assertEquals((await home.run(["table", "get", "demo/x", "1"])).code, 1);
  });
  await t.step("an existing empty range still prints (no rows)", async () => {
    const r = await home.run(["table", "scan", "demo/t", "--start", "5"]);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /\(no rows\)/);
  });
});

Deno.test("swcli table repair rebuilds a lost MANIFEST and reports what it kept", async (t) => {
  await using home = await cliHome();
  const dir = join(home.root, ".sdk-datastore");
  await t.step("rows flushed to segments, then the MANIFEST is lost", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, v: `r${i}` }));
    const r = await home.run(["table", "put", "demo/t", "-"], { stdin: rows.join("\n") });
    assertEquals(r.code, 0, r.stderr);
    assertEquals((await home.run(["table", "compact", "demo/t"])).code, 0);
    await Deno.remove(join(dir, "MANIFEST"));
    const refused = await home.run(["table", "scan", "demo/t"]);
    assertEquals(refused.code, 1);
    assertMatch(refused.stderr, /MANIFEST/);
  });
  await t.step("repair brings every row back and says what it kept", async () => {
    const r = await home.run(["table", "repair"]);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /demo\/t/);
    const report = await home.json<{ tables: { name: string }[]; dropped: unknown[] }>([
      "table",
      "repair",
    ]);
    assertEquals(report.tables.map((x) => x.name), ["demo/t"]);
    assertEquals(report.dropped, []);
    const scanned = await home.run(["-o", "json", "table", "scan", "demo/t"]);
    assertEquals(lines(scanned.stdout).length, 40);
  });
  await t.step("repair --help says what it rebuilds", async () => {
    const r = await home.run(["table", "repair", "--help"]);
    assertEquals(r.code, 0);
    assertMatch(r.stdout, /MANIFEST/);
  });
});
