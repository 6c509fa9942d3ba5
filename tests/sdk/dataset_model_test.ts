import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { join, resolve } from "node:path";
import { AmbiguousError, Dataset, HandlerError, Model, NotFoundError } from "../../mod.ts";
import { STEPS_PACKAGE, tempDir, tempPackage, tempRoot } from "./_helpers.ts";

Deno.test("Dataset.build() from arrays, async iterables, JSONL and CSV, with versions and tags", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  const a = await Dataset.build("d", [{ x: 1 }, { x: 2 }, { x: 3 }], { instance });
  assertEquals(a.tags, ["latest", "v0"]);
  async function* gen() {
    for (let i = 0; i < 2500; i++) yield { id: `k${String(i).padStart(4, "0")}`, v: i };
  }
  const seen: number[] = [];
  const b = await Dataset.build("d", gen(), { instance, onProgress: (n) => seen.push(n) });
  assertEquals(b.tags, ["latest", "v1"]);
  assertEquals(seen, [1000, 2000, 2500]);
  assertEquals(b.rows, 2500);
  assertEquals((await b.head(2)).map((r) => [r.id, r.features.v]), [["k0000", 0], [
    "k0001",
    1,
  ]]);
  assertEquals((await Dataset.get("d/version/v0", { instance })).version, a.version);
  assertEquals((await Dataset.get("d", { instance })).version, b.version);
  assertEquals((await Dataset.list("self", { instance })).map((d) => d.version), [
    b.version,
    a.version,
  ]);
  await using tmp = await tempDir();
  const dir = tmp.dir;
  await Deno.writeTextFile(join(dir, "rows.jsonl"), '{"text":"hi","n":1}\n{"text":"yo","n":2}\n');
  await Deno.writeTextFile(join(dir, "rows.csv"), 'label,score\n"a, quoted",0.5\nb,1\n');
  const j = await Dataset.build("j", { jsonl: join(dir, "rows.jsonl") }, { instance });
  assertEquals((await j.head(5)).map((r) => r.features), [{ text: "hi", n: 1 }, {
    text: "yo",
    n: 2,
  }]);
  const c = await Dataset.build("c", { csv: join(dir, "rows.csv") }, { instance });
  assertEquals((await c.head(5)).map((r) => r.features), [
    { label: "a, quoted", score: 0.5 },
    { label: "b", score: 1 },
  ]);
  await Deno.writeTextFile(join(dir, "bad.jsonl"), '{"a":1}\nnot json\n');
  await assertRejects(
    () => Dataset.build("j", { jsonl: join(dir, "bad.jsonl") }, { instance }),
    Error,
    "line 2 is not JSON",
  );
  assertEquals(
    (await Dataset.get("j", { instance })).version,
    j.version,
    "the failed build left no version",
  );
});

Deno.test("Dataset.build() rejects bad rows and names, leaving nothing behind", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  async function* rows() {
    for (let i = 0; i < 1500; i++) yield { x: i };
    yield { x: () => 1 } as unknown as { x: number };
  }
  await assertRejects(
    () => Dataset.build("d", rows(), { instance }),
    Error,
    "row 1500 feature 'x' is function",
  );
  await assertRejects(() => Dataset.get("d", { instance }), NotFoundError);
  const tables = await instance.listTables("project/self/dataset/d/");
  for (const table of tables) {
    assertEquals(await Array.fromAsync(instance.scanTable(table)), []);
  }
  await assertRejects(
    () => Dataset.build("bad name", [], { instance }),
    Error,
    'Invalid dataset name "bad name"',
  );
  await assertRejects(() => Dataset.build("d", [{ id: 1.5 }], { instance }), Error, 'id "1.5"');
  await assertRejects(
    () => Dataset.build("d", 42 as never, { instance }),
    Error,
    "must be an iterable",
  );
});

Deno.test("Model.build() stores versions with handlers; bad packages leave nothing", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  await using pkg = await tempPackage(STEPS_PACKAGE);
  const m0 = await Model.build(pkg.dir, { instance });
  const m1 = await Model.build(pkg.dir, { instance });
  assertEquals(m0.name, "steps");
  assertEquals(m0.tags, ["latest", "v0"]);
  assertEquals(m1.tags, ["latest", "v1"]);
  assertEquals(
    (await Model.get("steps/version/v0", { instance })).tags,
    ["v0"],
    "latest moved on",
  );
  assert(m1.handlers.includes("flow.steps:Doubler.predict"));
  assertEquals(
    (await Model.get(`steps/version/${m0.version.slice(0, 6)}`, { instance })).version,
    m0.version,
  );
  assertEquals(
    (await Model.get("local/project/self/model/steps/version/v0", { instance })).version,
    m0.version,
  );
  const jobsYaml = await Deno.readTextFile(
    join(
      t.root,
      "self",
      "model",
      "steps",
      m1.version.slice(0, 2),
      `${m1.version}.swmp`,
      "src",
      ".starwhale",
      "jobs.yaml",
    ),
  );
  assertMatch(jobsYaml, /flow\.steps:report:\n\s+- cls_name: ""/);
  assertMatch(jobsYaml, /request: 1073741824/);
  await m1.remove();
  const latest = await Model.get("steps", { instance });
  assertEquals(latest.version, m0.version);
  assertEquals(latest.tags, ["latest", "v0"]);

  const cases: [Record<string, string>, RegExp][] = [
    [
      { "a.ts": "export const x = 1;" },
      /^Cannot build model 'bad': the package declares no handlers in 'a' \(export handler/,
    ],
    [{ "a.ts": "throw new Error('import time');" }, /import time/],
    [{
      "model.yaml": "run: {modules: [a]}",
      "a.ts":
        "import { handler } from '@starwhale/sdk';\nexport const a = handler(() => {}, { needs: ['zzz'] });",
    }, /^Cannot build model 'bad': handler 'a:a': it needs 'zzz', which is not a handler/],
    [{ "model.yaml": "run: {modules: [missing.mod]}", "a.ts": "" }, /module 'missing.mod'/],
  ];
  for (const [files, message] of cases) {
    await using bad = await tempPackage(files);
    const e = await assertRejects(() => Model.build(bad.dir, { name: "bad", instance }), Error);
    assertMatch(e.message, message);
  }
  await assertRejects(() => Model.get("bad", { instance }), NotFoundError);
  assertEquals([...Deno.readDirSync(join(t.root, ".tmp"))], []);
  await assertRejects(() => Model.build(join(t.root, "nope"), { instance }), NotFoundError);
  await assertRejects(() => Model.build(pkg.dir, { name: "1bad", instance }), TypeError);
  await assertRejects(
    () => Model.build(pkg.dir, { name: "x", instance, modules: [] }),
    HandlerError,
  );
});

Deno.test("Model.get() reports ambiguous version prefixes", async () => {
  await using t = await tempRoot();
  await using pkg = await tempPackage(STEPS_PACKAGE);
  const versions: string[] = [];
  for (let i = 0; i < 33; i++) {
    versions.push((await Model.build(pkg.dir, { instance: t.instance })).version);
  }
  const first = versions.map((v) => v[0]).find((c, i, all) => all.indexOf(c) !== i)!;
  await assertRejects(
    () => Model.get(`steps/version/${first}`, { instance: t.instance }),
    AmbiguousError,
  );
});

Deno.test("Model.build() of a module with a missing import names the user's file, not the staged copy", async () => {
  await using t = await tempRoot();
  await using bad = await tempPackage({ "a.ts": 'import "./missing.ts";\nexport const x = 1;\n' });
  const e = await assertRejects(
    () => Model.build(bad.dir, { name: "bad", instance: t.instance }),
    HandlerError,
    "Cannot build model 'bad'",
  );
  assert(e.message.includes(`${resolve(bad.dir)}/missing.ts`), e.message);
  assert(!e.message.includes(".tmp"), e.message);
});
