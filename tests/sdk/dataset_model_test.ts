import assert from "node:assert/strict";
import { join } from "node:path";
import { AmbiguousError, Dataset, HandlerError, Model, NotFoundError } from "../../mod.ts";
import { STEPS_PACKAGE, tempPackage, tempRoot } from "./_helpers.ts";

Deno.test("Dataset.build() from arrays, async iterables, JSONL and CSV, with versions and tags", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  const a = await Dataset.build("d", [{ x: 1 }, { x: 2 }, { x: 3 }], { instance });
  assert.deepEqual(a.tags, ["latest", "v0"]);
  async function* gen() {
    for (let i = 0; i < 2500; i++) yield { id: `k${String(i).padStart(4, "0")}`, v: i };
  }
  const seen: number[] = [];
  const b = await Dataset.build("d", gen(), { instance, onProgress: (n) => seen.push(n) });
  assert.deepEqual(b.tags, ["latest", "v1"]);
  assert.deepEqual(seen, [1000, 2000, 2500]);
  assert.equal(b.rows, 2500);
  assert.deepEqual((await b.head(2)).map((r) => [r.id, r.features.v]), [["k0000", 0], [
    "k0001",
    1,
  ]]);
  assert.equal((await Dataset.get("d/version/v0", { instance })).version, a.version);
  assert.equal((await Dataset.get("d", { instance })).version, b.version);
  assert.deepEqual((await Dataset.list("self", { instance })).map((d) => d.version), [
    b.version,
    a.version,
  ]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "rows.jsonl"), '{"text":"hi","n":1}\n{"text":"yo","n":2}\n');
    await Deno.writeTextFile(join(dir, "rows.csv"), 'label,score\n"a, quoted",0.5\nb,1\n');
    const j = await Dataset.build("j", { jsonl: join(dir, "rows.jsonl") }, { instance });
    assert.deepEqual((await j.head(5)).map((r) => r.features), [{ text: "hi", n: 1 }, {
      text: "yo",
      n: 2,
    }]);
    const c = await Dataset.build("c", { csv: join(dir, "rows.csv") }, { instance });
    assert.deepEqual((await c.head(5)).map((r) => r.features), [
      { label: "a, quoted", score: 0.5 },
      { label: "b", score: 1 },
    ]);
    await Deno.writeTextFile(join(dir, "bad.jsonl"), '{"a":1}\nnot json\n');
    await assert.rejects(
      () => Dataset.build("j", { jsonl: join(dir, "bad.jsonl") }, { instance }),
      /line 2 is not JSON/,
    );
    assert.equal(
      (await Dataset.get("j", { instance })).version,
      j.version,
      "the failed build left no version",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Dataset.build() rejects bad rows and names, leaving nothing behind", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  async function* rows() {
    for (let i = 0; i < 1500; i++) yield { x: i };
    yield { x: () => 1 } as unknown as { x: number };
  }
  await assert.rejects(
    () => Dataset.build("d", rows(), { instance }),
    /row 1500 feature 'x' is function/,
  );
  await assert.rejects(() => Dataset.get("d", { instance }), NotFoundError);
  const tables = await instance.listTables("project/self/dataset/d/");
  for (const table of tables) {
    assert.deepEqual(await Array.fromAsync(instance.scanTable(table)), []);
  }
  await assert.rejects(
    () => Dataset.build("bad name", [], { instance }),
    /Invalid dataset name "bad name"/,
  );
  await assert.rejects(() => Dataset.build("d", [{ id: 1.5 }], { instance }), /id "1.5"/);
  await assert.rejects(() => Dataset.build("d", 42 as never, { instance }), /must be an iterable/);
});

Deno.test("Model.build() stores versions with handlers; bad packages leave nothing", async () => {
  await using t = await tempRoot();
  const instance = t.instance;
  await using pkg = await tempPackage(STEPS_PACKAGE);
  const m0 = await Model.build(pkg.dir, { instance });
  const m1 = await Model.build(pkg.dir, { instance });
  assert.equal(m0.name, "steps");
  assert.deepEqual(m0.tags, ["latest", "v0"]);
  assert.deepEqual(m1.tags, ["latest", "v1"]);
  assert.deepEqual(
    (await Model.get("steps/version/v0", { instance })).tags,
    ["v0"],
    "latest moved on",
  );
  assert.ok(m1.handlers.includes("flow.steps:Doubler.predict"));
  assert.equal(
    (await Model.get(`steps/version/${m0.version.slice(0, 6)}`, { instance })).version,
    m0.version,
  );
  assert.equal(
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
  assert.match(jobsYaml, /flow\.steps:report:\n\s+- cls_name: ""/);
  assert.match(jobsYaml, /request: 1073741824/);
  await m1.remove();
  const latest = await Model.get("steps", { instance });
  assert.equal(latest.version, m0.version);
  assert.deepEqual(latest.tags, ["latest", "v0"]);

  const cases: [Record<string, string>, RegExp][] = [
    [{ "a.ts": "export const x = 1;" }, /declares no handlers/],
    [{ "a.ts": "throw new Error('import time');" }, /import time/],
    [{
      "model.yaml": "run: {modules: [a]}",
      "a.ts":
        "import { handler } from '@starwhale/sdk';\nexport const a = handler(() => {}, { needs: ['zzz'] });",
    }, /needs 'zzz'/],
    [{ "model.yaml": "run: {modules: [missing.mod]}", "a.ts": "" }, /module 'missing.mod'/],
  ];
  for (const [files, message] of cases) {
    await using bad = await tempPackage(files);
    await assert.rejects(() => Model.build(bad.dir, { name: "bad", instance }), message);
  }
  await assert.rejects(() => Model.get("bad", { instance }), NotFoundError);
  assert.deepEqual([...Deno.readDirSync(join(t.root, ".tmp"))], []);
  await assert.rejects(() => Model.build(join(t.root, "nope"), { instance }), NotFoundError);
  await assert.rejects(() => Model.build(pkg.dir, { name: "1bad", instance }), TypeError);
  await assert.rejects(
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
  await assert.rejects(
    () => Model.get(`steps/version/${first}`, { instance: t.instance }),
    AmbiguousError,
  );
});
