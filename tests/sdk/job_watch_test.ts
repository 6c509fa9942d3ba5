import { resolve } from "node:path";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { Dataset, Job, type JobProgress, Model, UnsupportedError } from "../../mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { tempPackage, tempRoot } from "./_helpers.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;
const PACKAGE = {
  "model.yaml": "name: talk\nrun:\n  modules: [talk]\n",
  "talk.ts": `import { PipelineHandler } from "${SDK}";
export class Talk extends PipelineHandler {
  override predict(data: Record<string, unknown>, ctx: { index: number }) {
    console.log("row", data.x, "on", ctx.index);
    if (data.x === 3) console.error("three is odd\\nand spans two lines");
    return { y: (data.x as number) * 2 };
  }
  override async evaluate(results: AsyncIterable<unknown>, ctx: { logSummary(m: object): void }) {
    let n = 0;
    for await (const _ of results) n++;
    console.info({ evaluated: n });
    ctx.logSummary({ n });
  }
}
`,
};

async function setup() {
  const t = await tempRoot();
  await using pkg = await tempPackage(PACKAGE);
  await Model.build(pkg.dir, { instance: t.instance });
  await Dataset.build("six", Array.from({ length: 6 }, (_, x) => ({ x })), {
    instance: t.instance,
  });
  return t;
}

const create = (
  instance: RemoteInstance | Awaited<ReturnType<typeof setup>>["instance"],
  extra = {},
) =>
  Job.create({
    project: "self",
    model: "talk",
    runHandler: "talk:Talk.evaluate",
    datasets: ["six"],
    instance,
    ...extra,
  });

Deno.test("Job.create({ onProgress }) reports each step's start, every row with its total, and its end", async () => {
  await using t = await setup();
  const events: JobProgress[] = [];
  const done = await create(t.instance, {
    datasetHead: 5,
    overwriteSpecs: { "talk:Talk.predict": { replicas: 2 } },
    onProgress: (p: JobProgress) => events.push(p),
  });
  assertEquals(await done.status, "SUCCESS");
  const predict = events.filter((e) => e.step === "talk:Talk.predict");
  assertEquals(predict.map((e) => [e.phase, e.rows, e.total]), [
    ["start", 0, 5],
    ["row", 1, 5],
    ["row", 2, 5],
    ["row", 3, 5],
    ["row", 4, 5],
    ["row", 5, 5],
    ["end", 5, 5],
  ]);
  const evaluate = events.filter((e) => e.step === "talk:Talk.evaluate");
  assertEquals(evaluate.map((e) => [e.phase, e.rows, e.total]), [["start", 0, null], [
    "end",
    0,
    null,
  ]]);
  assert(events.every((e) => e.jobId === done.id && e.elapsedMs >= 0));
  assert(events.indexOf(predict.at(-1)!) < events.indexOf(evaluate[0]), "evaluate began first");
});

Deno.test("an onProgress that throws fails the job with its message", async () => {
  await using t = await setup();
  const done = await create(t.instance, {
    onProgress: (p: JobProgress) => {
      if (p.rows === 2) throw new Error("listener broke");
    },
  });
  assertEquals(await done.status, "FAIL");
  assertEquals((await done.record()).errorMessage, "onProgress threw: listener broke");
});

Deno.test("job.logs() yields what each task printed, stamped and named, and nothing else", async () => {
  await using t = await setup();
  console.log("printed by the script, not by a handler");
  const done = await create(t.instance, {
    overwriteSpecs: { "talk:Talk.predict": { replicas: 2 } },
  });
  const lines = await Array.fromAsync(done.logs());
  const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
  assert(lines.every((l) => stamp.test(l)), lines.join("\n"));
  const body = lines.map((l) => l.replace(stamp, ""));
  assertEquals(body.filter((l) => l.includes("stdout: row")).sort(), [
    "talk:Talk.predict#0 stdout: row 0 on 0",
    "talk:Talk.predict#0 stdout: row 2 on 0",
    "talk:Talk.predict#0 stdout: row 4 on 0",
    "talk:Talk.predict#1 stdout: row 1 on 1",
    "talk:Talk.predict#1 stdout: row 3 on 1",
    "talk:Talk.predict#1 stdout: row 5 on 1",
  ]);
  assertEquals(body.filter((l) => l.includes("stderr")), [
    "talk:Talk.predict#1 stderr: three is odd",
    "talk:Talk.predict#1 stderr: and spans two lines",
  ]);
  assertMatch(body.at(-1), /^talk:Talk\.evaluate#0 stdout: \{ evaluated: 6 \}$/);
  assert(!lines.some((l) => l.includes("printed by the script")));
  assertEquals(lines.length, 9);
});

Deno.test("on a server, throwOnFailure without onProgress is refused before any request", async () => {
  const remote = new RemoteInstance({
    url: "http://sw.test",
    token: "t",
    fetch: () => Promise.reject(new Error("no request should be made")),
  });
  await assertRejects(
    () => create(remote, { throwOnFailure: true }),
    UnsupportedError,
    "'throwOnFailure' is not supported on the server http://sw.test without onProgress",
  );
  await remote.close();
});

Deno.test("a failing handler's stack is kept in the job's log, naming the user's own source file", async () => {
  await using t = await tempRoot();
  await using pkg = await tempPackage({
    "boom.ts": `import { handler } from "${SDK}";
export const run = handler(() => {
  throw new Error("kaboom");
});
`,
  });
  await Model.build(pkg.dir, { name: "boom", instance: t.instance });
  const failed = await Job.create({
    project: "self",
    model: "boom",
    runHandler: "boom:run",
    instance: t.instance,
  });
  assertEquals(await failed.status, "FAIL");
  const lines = await Array.fromAsync(failed.logs());
  const stderr = lines.filter((l) => l.includes(" boom:run#0 stderr: "));
  assert(stderr.some((l) => l.endsWith("Caused by Error: kaboom")), lines.join("\n"));
  const source = `${resolve(pkg.dir)}/boom.ts:3:`;
  assert(stderr.some((l) => l.includes(source)), `no frame in ${source}:\n${lines.join("\n")}`);
  assert(!lines.some((l) => l.includes(".swmp")), lines.join("\n"));
});
