import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { Job, type JobProgress, Model, UnsupportedError } from "../../mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import {
  assertBoomStack,
  BOOM_PACKAGE,
  runTalk,
  talkRoot,
  tempPackage,
  tempRoot,
} from "./_helpers.ts";

Deno.test("Job.create({ onProgress }) reports each step's start, every row with its total, and its end", async () => {
  await using t = await talkRoot();
  const events: JobProgress[] = [];
  const done = await runTalk(t.instance, {
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
  await using t = await talkRoot();
  const done = await runTalk(t.instance, {
    onProgress: (p: JobProgress) => {
      if (p.rows === 2) throw new Error("listener broke");
    },
  });
  assertEquals(await done.status, "FAIL");
  assertEquals((await done.record()).errorMessage, "onProgress threw: listener broke");
});

Deno.test("job.logs() yields what each task printed, stamped and named, and nothing else", async () => {
  await using t = await talkRoot();
  console.log("printed by the script, not by a handler");
  const done = await runTalk(t.instance, {
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
    () => runTalk(remote, { throwOnFailure: true }),
    UnsupportedError,
    "'throwOnFailure' is not supported on the server http://sw.test without onProgress",
  );
  await remote.close();
});

Deno.test("a failing handler's stack is kept in the job's log, naming the user's own source file", async () => {
  await using t = await tempRoot();
  await using pkg = await tempPackage(BOOM_PACKAGE);
  await Model.build(pkg.dir, { name: "boom", instance: t.instance });
  const failed = await Job.create({
    project: "self",
    model: "boom",
    runHandler: "boom:run",
    instance: t.instance,
  });
  assertEquals(await failed.status, "FAIL");
  const lines = await Array.fromAsync(failed.logs());
  assertBoomStack(lines, pkg.dir);
  assert(!lines.some((l) => l.includes(".swmp")), lines.join("\n"));
});
