import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../_assert.ts";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  AmbiguousError,
  Job,
  job,
  JobStateError,
  Model,
  NotFoundError,
  UnsupportedError,
} from "../../mod.ts";
import { jobDirs, runSteps, stepsRoot, tempPackage } from "./_helpers.ts";

Deno.test("Job.create() runs needs first, replicas concurrently, and merges the summary", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:report");
  assertEquals(await j.status, "SUCCESS");
  assertMatch(j.id, /^[a-z2-7]{40}$/);
  const rows = await Array.fromAsync(j.getTableRows("order"));
  const prepares = rows.filter((r) => String(r.id).startsWith("prepare-"));
  assertEquals(prepares.map((r) => r.id).sort(), ["prepare-0", "prepare-1", "prepare-2"]);
  assert(prepares.every((r) => r.together === true && r.total === 3), "replicas ran together");
  const report = rows.find((r) => r.id === "report")!;
  assert(prepares.every((r) => (r.seq as number) < (report.seq as number)), "needs ran first");
  assertEquals(await j.summary, { id: j.id, "prepared/count": 3, acc: 0.5 });
  assertEquals(await j.tables, ["order"]);
});

Deno.test("Job.create() returns a FAIL job with the handler's error and skips later steps", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:after");
  assertEquals(await j.status, "FAIL");
  const record = await j.record();
  assertMatch(record.errorMessage ?? "", /flow\.steps:boom.*boom!/);
  assert(record.finishedAt);
  assertEquals(await j.tables, [], "the step after the failure never ran");
  const manifest = parseYaml(
    await Deno.readTextFile(join(t.root, "self", "job", j.id.slice(0, 2), j.id, "_manifest.yaml")),
  ) as Record<string, unknown>;
  assertEquals(manifest.status, "fail");
  assertMatch(String(manifest.error_message), /boom!/);
  assertEquals(manifest.handler_name, "flow.steps:after");
  assertEquals(manifest.model, "steps");
  for (const key of ["created_at", "finished_at", "version", "project", "model_src_dir"]) {
    assert(typeof manifest[key] === "string" && manifest[key] !== "", `manifest has ${key}`);
  }
});

Deno.test("Job.create() pipeline: results keyed by dataset id, datasetHead, evaluate summary", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:Doubler.evaluate", { datasets: ["nums"] });
  assertEquals(await j.status, "SUCCESS");
  assertEquals(await j.summary, { id: j.id, n: 10, sum: 90 });
  const rows = await Array.fromAsync(j.getTableRows("results", { start: 2, end: 4 }));
  assertEquals(rows.map((r) => [r.id, r["output/y"], r["input/x"], r["input/label"]]), [
    [2, 4, 2, "l2"],
    [3, 6, 3, "l3"],
  ]);
  const inclusive = await Array.fromAsync(
    j.getTableRows("results", { start: 2, end: 4, endInclusive: true }),
  );
  assertEquals(inclusive.length, 3);
  const head = await runSteps(t.instance, "flow.steps:Doubler.evaluate", {
    datasets: ["nums"],
    datasetHead: 3,
  });
  assertEquals(await head.summary, { id: head.id, n: 3, sum: 6 });
});

Deno.test("Job.create() selects handlers by index into the sorted list and honours overwriteSpecs", async () => {
  await using t = await stepsRoot();
  const model = await Model.get("steps", { instance: t.instance });
  assertEquals(model.handlers, [
    "flow.steps:Doubler.evaluate",
    "flow.steps:Doubler.predict",
    "flow.steps:after",
    "flow.steps:boom",
    "flow.steps:prepare",
    "flow.steps:report",
  ]);
  const j = await runSteps(t.instance, "4", {
    overwriteSpecs: { "flow.steps:prepare": { replicas: 2 } },
  });
  assertEquals((await j.record()).handler, "flow.steps:prepare");
  const rows = await Array.fromAsync(j.getTableRows("order"));
  assertEquals(rows.map((r) => r.total), [2, 2]);
});

Deno.test("Job.create() rejects bad input with a clear error and writes nothing", async () => {
  await using t = await stepsRoot();
  const base = {
    project: "self",
    model: "steps",
    runHandler: "flow.steps:report",
    instance: t.instance,
  };
  const cases: [Record<string, unknown>, new (...a: never[]) => Error, RegExp][] = [
    [{ model: "nosuch" }, NotFoundError, /model 'nosuch'.*known models: steps/],
    [{ model: "steps/version/v9" }, NotFoundError, /steps\/version\/v9/],
    [
      { runHandler: "flow.steps:nope" },
      NotFoundError,
      /handler 'flow\.steps:nope'.*\[5\] flow\.steps:report/,
    ],
    [{ runHandler: "17" }, NotFoundError, /handler '17'/],
    [{ runHandler: "flow.steps:Doubler.evaluate" }, TypeError, /requires a dataset/],
    [{ datasets: ["missing"] }, NotFoundError, /dataset 'missing'/],
    [{ project: "bad/name/x" }, TypeError, /project/],
    [{ project: "-bad" }, TypeError, /Invalid project name "-bad"/],
    [{ datasetHead: -1 }, RangeError, /datasetHead -1/],
    [{ devMode: true }, UnsupportedError, /devMode/],
    [{ runtime: "pytorch" }, UnsupportedError, /runtime/],
    [{ overwriteSpecs: { "x:y": { replicas: 2 } } }, NotFoundError, /handler 'x:y'/],
    [{ overwriteSpecs: { "flow.steps:report": { replicas: 0 } } }, RangeError, /replicas 0/],
  ];
  for (const [patch, type, message] of cases) {
    const e = await assertRejects(
      () => Job.create({ ...base, ...patch } as Parameters<typeof Job.create>[0]),
      type,
    );
    assertMatch(e.message, message, JSON.stringify(patch));
  }
  assertEquals(await jobDirs(t.root), []);
  const [jobs, page] = await Job.list("self", { instance: t.instance });
  assertEquals(jobs.length + page.total, 0);
});

Deno.test("job() resolves unique prefixes and reports unknown ids", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:report");
  const short = job(j.id.slice(0, 7), { instance: t.instance, config: t.config });
  assertEquals(await short.status, "SUCCESS");
  assertEquals(short.id, j.id);
  assertEquals(short.uri, `local/project/self/job/${j.id}`);
  await assertRejects(
    () => job("zzzzzzz", { instance: t.instance, config: t.config }).status,
    NotFoundError,
    "job 'zzzzzzz' in project 'self'",
  );
  assertThrows(() => job("bad id!", { instance: t.instance, config: t.config }), TypeError);
});

Deno.test("Job.remove() and Job.recover() round-trip; removed jobs leave the list", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:report");
  await j.remove();
  assertEquals((await Job.list("self", { instance: t.instance }))[1].total, 0);
  await assertRejects(() => j.status, Error, "removed");
  assert(
    await Deno.stat(
      join(t.root, "self", "job", ".recover", j.id.slice(0, 2), j.id, "_manifest.yaml"),
    ),
  );
  await assertRejects(() => j.remove(), NotFoundError);
  await j.recover();
  assertEquals(await j.status, "SUCCESS");
  assertEquals(await j.summary, { id: j.id, "prepared/count": 3, acc: 0.5 });
  await assertRejects(() => j.recover(), NotFoundError);
  await j.remove({ force: true });
  await assertRejects(() => j.recover(), NotFoundError);
  assertEquals(await jobDirs(t.root), []);
  for (
    const table of await t.instance.listTables(`project/self/eval/${j.id.slice(0, 2)}/${j.id}/`)
  ) {
    assertEquals(await Array.fromAsync(t.instance.scanTable(table)), [], `${table} is emptied`);
  }
  assertEquals(await Array.fromAsync(t.instance.scanTable("project/self/eval/summary")), []);
});

Deno.test("Job.cancel(), pause() and resume() act on running jobs only", async () => {
  await using t = await stepsRoot();
  await using pkg = await tempPackage({
    "slow.ts": `
import { handler } from "@starwhale/sdk";
export const wait = handler(async (ctx) => {
  ctx.log("t", { id: 0, started: true });
  await ctx.flush();
  await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
});
`,
  });
  await Model.build(pkg.dir, { name: "slow", instance: t.instance });
  const controller = new AbortController();
  const running = Job.create({
    project: "self",
    model: "slow",
    runHandler: "slow:wait",
    instance: t.instance,
    signal: controller.signal,
  });
  let id = "";
  while (!id) {
    await new Promise((r) => setTimeout(r, 1));
    const [jobs] = await Job.list("self", { status: "RUNNING", instance: t.instance });
    id = jobs[0]?.id ?? "";
  }
  const live = job(id, { instance: t.instance, config: t.config });
  await live.pause();
  assertEquals(await live.status, "PAUSED");
  await assertRejects(() => live.pause(), JobStateError);
  await live.resume();
  assertEquals(await live.status, "RUNNING");
  await assertRejects(() => live.remove(), JobStateError);
  await live.cancel();
  const done = await running;
  assertEquals(await done.status, "CANCELED");
  await assertRejects(() => done.cancel(), JobStateError, "CANCELED");
  controller.abort();
});

Deno.test("Job.list() reports an ambiguous prefix with every match", async () => {
  await using t = await stepsRoot();
  const ids: string[] = [];
  // 33 ids over a 32-letter alphabet: two must share their first letter.
  for (let i = 0; i < 33; i++) {
    ids.push(
      (await runSteps(t.instance, "flow.steps:boom")).id,
    );
  }
  const first = ids.map((id) => id[0]).find((c, i, all) => all.indexOf(c) !== i)!;
  const matching = ids.filter((id) => id.startsWith(first)).sort();
  const e = await assertRejects(
    () => job(first, { instance: t.instance, config: t.config }).status,
    AmbiguousError,
  ) as AmbiguousError;
  assertEquals([...e.matches].sort(), matching);
  assertMatch(e.message, new RegExp(`prefix matches ${matching.length} jobs`));
});
