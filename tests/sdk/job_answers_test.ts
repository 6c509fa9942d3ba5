import { assertEquals, assertRejects } from "../_assert.ts";
import {
  HandlerError,
  Job,
  job,
  JobStateError,
  NotFoundError,
  UnsupportedError,
} from "../../mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { runSteps, stepsRoot } from "./_helpers.ts";

Deno.test("a table or project that does not exist is a NotFoundError naming what exists", async () => {
  await using t = await stepsRoot();
  const j = await runSteps(t.instance, "flow.steps:report");
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
  await using t = await stepsRoot();
  const options = { instance: t.instance, config: t.config };
  await assertRejects(
    () => job("latest", options).status,
    NotFoundError,
    "Cannot find job 'latest' in project 'self': it has no jobs",
  );
  await runSteps(t.instance, "flow.steps:boom");
  const newest = await runSteps(t.instance, "flow.steps:report");
  const latest = job("latest", options);
  assertEquals(await latest.status, "SUCCESS");
  assertEquals(latest.id, newest.id);
});

Deno.test("job.ok() and throwOnFailure turn a FAIL job into a HandlerError with its recorded error", async () => {
  await using t = await stepsRoot();
  const failed = await runSteps(t.instance, "flow.steps:boom");
  assertEquals(await failed.status, "FAIL");
  const e = await assertRejects(() => failed.ok(), HandlerError, "Handler 'flow.steps:boom'");
  assertEquals(e.message, "Handler 'flow.steps:boom' failed: boom!");
  await assertRejects(
    () => runSteps(t.instance, "flow.steps:boom", { throwOnFailure: true }),
    HandlerError,
    "failed: boom!",
  );
  const good = await runSteps(t.instance, "flow.steps:report", { throwOnFailure: true });
  assertEquals(await good.ok(), good);
  const controller = new AbortController();
  controller.abort();
  const canceled = await runSteps(t.instance, "flow.steps:report", { signal: controller.signal });
  assertEquals(await canceled.status, "CANCELED");
  await assertRejects(() => canceled.ok(), JobStateError, "it was canceled");
  const remote = new RemoteInstance({
    url: "http://sw.test",
    token: "t",
    fetch: () => Promise.reject(new Error("no request should be made")),
  });
  await assertRejects(
    () => runSteps(remote, "flow.steps:report", { throwOnFailure: true }),
    UnsupportedError,
    "'throwOnFailure' is not supported on the server http://sw.test",
  );
  await remote.close();
});
