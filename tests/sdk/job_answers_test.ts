import { assertEquals, assertRejects } from "../_assert.ts";
import {
  Dataset,
  HandlerError,
  Job,
  job,
  JobStateError,
  Model,
  NotFoundError,
  UnsupportedError,
} from "../../mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { STEPS_PACKAGE, tempPackage, tempRoot } from "./_helpers.ts";

async function setup() {
  const t = await tempRoot();
  await using pkg = await tempPackage(STEPS_PACKAGE);
  await Model.build(pkg.dir, { instance: t.instance });
  await Dataset.build("nums", [{ x: 1 }, { x: 2 }], { instance: t.instance });
  return t;
}

const run = (instance: unknown, runHandler: string, extra = {}) =>
  Job.create({
    project: "self",
    model: "steps",
    runHandler,
    instance: instance as never,
    ...extra,
  });

Deno.test("a table or project that does not exist is a NotFoundError naming what exists", async () => {
  await using t = await setup();
  const j = await run(t.instance, "flow.steps:report");
  await assertRejects(
    () => Array.fromAsync(j.getTableRows("reslts")),
    NotFoundError,
    `Cannot find table 'reslts' in project 'self': job ${j.id} has the tables order`,
  );
  await assertRejects(
    () => Job.list("nosuchproject", { instance: t.instance, config: t.config }),
    NotFoundError,
    "Cannot find project 'nosuchproject': the projects are self",
  );
});

Deno.test("job('latest') is the project's newest job, and a NotFoundError when there is none", async () => {
  await using t = await setup();
  const options = { instance: t.instance, config: t.config };
  await assertRejects(
    () => job("latest", options).status,
    NotFoundError,
    "Cannot find job 'latest' in project 'self': it has no jobs",
  );
  await run(t.instance, "flow.steps:boom");
  const newest = await run(t.instance, "flow.steps:report");
  const latest = job("latest", options);
  assertEquals(await latest.status, "SUCCESS");
  assertEquals(latest.id, newest.id);
});

Deno.test("job.ok() and throwOnFailure turn a FAIL job into a HandlerError with its recorded error", async () => {
  await using t = await setup();
  const failed = await run(t.instance, "flow.steps:boom");
  assertEquals(await failed.status, "FAIL");
  const e = await assertRejects(() => failed.ok(), HandlerError, "Handler 'flow.steps:boom'");
  assertEquals(e.message, "Handler 'flow.steps:boom' failed: boom!");
  await assertRejects(
    () => run(t.instance, "flow.steps:boom", { throwOnFailure: true }),
    HandlerError,
    "failed: boom!",
  );
  const good = await run(t.instance, "flow.steps:report", { throwOnFailure: true });
  assertEquals(await good.ok(), good);
  const controller = new AbortController();
  controller.abort();
  const canceled = await run(t.instance, "flow.steps:report", { signal: controller.signal });
  assertEquals(await canceled.status, "CANCELED");
  await assertRejects(() => canceled.ok(), JobStateError, "it was canceled");
  const remote = new RemoteInstance({
    url: "http://sw.test",
    token: "t",
    fetch: () => Promise.reject(new Error("no request should be made")),
  });
  await assertRejects(
    () => run(remote, "flow.steps:report", { throwOnFailure: true }),
    UnsupportedError,
    "'throwOnFailure' is not supported on the server http://sw.test",
  );
  await remote.close();
});
