/**
 * The remote adapter against a Starwhale Server as its Java controllers answer (the fake in
 * `_java_fake.ts`, written from the Java source).
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { parse } from "yaml";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import {
  followJobProgress,
  Job,
  type JobProgress,
  JobStateError,
  NotFoundError,
} from "../../lib/sdk/mod.ts";
import { JAVA_TOKEN, JAVA_VERSION, startJavaFake } from "./_java_fake.ts";
import { cliHome } from "../cli/_helpers.ts";

const P = "mnist";
const STEP = "mnist.evaluator:MNISTInference.predict";

function connect(url: string): RemoteInstance {
  return new RemoteInstance({ url, token: JAVA_TOKEN, attempts: 1 });
}

Deno.test("Java: recoverJob goes through the trash, never POST .../recover (always a 500)", async (t) => {
  await using fake = startJavaFake();
  await using sw = connect(fake.url);
  const uuid = fake.jobs.get(5)!.uuid;
  await t.step("by numeric id", async () => {
    await sw.removeJob({ project: P, id: "5" });
    assertEquals(fake.jobs.get(5)!.deleted, true);
    await sw.recoverJob({ project: P, id: "5" });
    assertEquals(fake.jobs.get(5)!.deleted, false);
  });
  await t.step("by uuid and by a prefix of it", async () => {
    for (const id of [uuid, uuid.slice(0, 8)]) {
      await sw.removeJob({ project: P, id: uuid });
      await sw.recoverJob({ project: P, id });
      assertEquals(fake.jobs.get(5)!.deleted, false, id);
    }
  });
  await t.step("a live job is not in the trash: a JobStateError", async () => {
    const e = await assertRejects(() => sw.recoverJob({ project: P, id: "7" }), JobStateError);
    assertMatch(e.message, /not removed/);
  });
  await t.step(
    "a job that does not exist (the project filter's 404): a NotFoundError",
    async () => {
      await assertRejects(() => sw.recoverJob({ project: P, id: "999" }), NotFoundError);
      await assertRejects(() => sw.recoverJob({ project: P, id: "ffff0000" }), NotFoundError);
      await assertRejects(() => sw.getJob({ project: P, id: "999" }), NotFoundError);
      await assertRejects(() => sw.removeJob({ project: P, id: "ffff0000" }), NotFoundError);
      await assertRejects(() => sw.cancelJob({ project: P, id: "999" }), NotFoundError);
    },
  );
  assertEquals(fake.requests.filter((r) => r.path.endsWith("/recover")), []);
  const puts = fake.requests.filter((r) => r.method === "PUT");
  assert(puts.length === 3 && puts.every((r) => /\/project\/7\/trash\/\d+$/.test(r.path)));
});

Deno.test("Java: listJobs pages over the server's list, filtering by swmpId and client-side", async (t) => {
  await using fake = startJavaFake({ jobs: 25 });
  await using sw = connect(fake.url);
  const ids = (jobs: { id: string }[]) =>
    jobs.map((j) => Number(j.id.slice(0, 4))).map((n) => fake.jobs.get(n)!.id);
  await t.step("no filter: the server's own page", async () => {
    const [jobs, page] = await sw.listJobs(P, { pageIndex: 2, pageSize: 5 });
    assertEquals([ids(jobs), page.total, page.page.pages], [[20, 19, 18, 17, 16], 25, 5]);
  });
  await t.step("by status: full pages and the filtered total", async () => {
    const [first, p1] = await sw.listJobs(P, { pageIndex: 1, pageSize: 3, status: "FAIL" });
    assertEquals([ids(first), p1.total, p1.page.pages, p1.page.hasNextPage], [
      [24, 21, 18],
      8,
      3,
      true,
    ]);
    const [last, p3] = await sw.listJobs(P, { pageIndex: 3, pageSize: 3, status: "FAIL" });
    assertEquals([ids(last), p3.total, p3.page.hasNextPage], [[6, 3], 8, false]);
    const [none, p9] = await sw.listJobs(P, { pageIndex: 9, pageSize: 3, status: "FAIL" });
    assertEquals([none, p9.total], [[], 8]);
  });
  await t.step("by model version: through swmpId", async () => {
    fake.requests.length = 0;
    const [jobs, page] = await sw.listJobs(P, { pageSize: 4, model: "mnist/version/v1" });
    assertEquals([ids(jobs), page.total], [[25, 23, 21, 19], 13]);
    const asked = fake.requests.filter((r) => r.path === "/api/v1/project/7/job");
    assert(asked.length > 0 && asked.every((r) => r.query.swmpId === "101"), JSON.stringify(asked));
    assert(asked.every((r) => !("status" in r.query) && !("model" in r.query)));
  });
  await t.step("by model name, with a status", async () => {
    const [jobs, page] = await sw.listJobs(P, { pageSize: 2, model: "mnist", status: "FAIL" });
    assertEquals([ids(jobs), page.total], [[24, 21], 8]);
    const [other, none] = await sw.listJobs(P, { model: "nosuch" });
    assertEquals([other, none.total], [[], 0]);
  });
});

Deno.test("Java: getModel reads size and tags from versionInfo, getDataset the rows from versionMeta", async () => {
  await using fake = startJavaFake();
  await using sw = connect(fake.url);
  const latest = await sw.getModel({ project: P, name: "mnist" });
  assertEquals([latest.version, latest.size], ["m9f8e7d6c5b4", 123456]);
  assertEquals([...latest.tags].sort(), ["latest", "prod", "t1", "v2"]);
  assertEquals(latest.handlers, ["mnist.evaluator:MNISTInference.evaluate", STEP]);
  const v1 = await sw.getModel({ project: P, name: "mnist", version: "v1" });
  assertEquals([v1.version, v1.size, [...v1.tags].sort()], ["m1a2b3c4d5e6", 1000, ["first", "v1"]]);
  const ds = await sw.getDataset({ project: P, name: "mnist-ds" });
  assertEquals([ds.version, ds.rows, [...ds.tags].sort()], ["d1a2b3c4d5e6", 60, [
    "base",
    "latest",
    "v1",
  ]]);
  await assertRejects(() => sw.getModel({ project: P, name: "nosuch" }), NotFoundError);
});

Deno.test("Java: createJob names the versions by id (modelVersionId, runtimeVersionId, datasetVersionIds)", async () => {
  await using fake = startJavaFake();
  await using sw = connect(fake.url);
  const job = await sw.createJob(P, {
    model: "mnist",
    runHandler: STEP,
    datasets: ["mnist-ds/version/v1"],
    runtime: "pytorch",
  });
  assertEquals([job.status, job.model, job.modelVersion], ["CREATED", "mnist", "m9f8e7d6c5b4"]);
  const body = fake.requests.find((r) => r.method === "POST")!.body as Record<string, unknown>;
  assertEquals(
    [body.modelVersionId, body.runtimeVersionId, body.datasetVersionIds, body.handler],
    ["102", "301", ["201"], STEP],
  );
  for (const old of ["modelVersionUrl", "runtimeVersionUrl", "datasetVersionUrls"]) {
    assertEquals(old in body, false, old);
  }
  await sw.createJob(P, { model: "mnist/version/v1", runHandler: STEP });
  const second = fake.requests.filter((r) => r.method === "POST")[1].body as Record<
    string,
    unknown
  >;
  assertEquals([second.modelVersionId, second.datasetVersionIds, "runtimeVersionId" in second], [
    "101",
    [],
    false,
  ]);
});

Deno.test("Java: overwriteSpecs resources go as numbers, memory in bytes; a bad unit is refused before sending", async () => {
  await using fake = startJavaFake();
  await using sw = connect(fake.url);
  await sw.createJob(P, {
    model: "mnist",
    runHandler: STEP,
    overwriteSpecs: {
      [STEP]: {
        replicas: 2,
        resources: { memory: "1GiB", cpu: { request: 0.5, limit: 2 }, "nvidia.com/gpu": 1 },
      },
    },
  });
  const body = fake.requests.find((r) => r.method === "POST")!.body as Record<string, unknown>;
  const steps = parse(body.stepSpecOverWrites as string) as {
    replicas: number;
    resources: unknown[];
  }[];
  assertEquals(steps[0].replicas, 2);
  assertEquals(steps[0].resources, [
    { type: "memory", request: 1073741824, limit: 1073741824 },
    { type: "cpu", request: 0.5, limit: 2 },
    { type: "nvidia.com/gpu", request: 1, limit: 1 },
  ]);
  const posts = () => fake.requests.filter((r) => r.method === "POST").length;
  const before = posts();
  for (const resources of [{ memory: "1XB" }, { cpu: "lots" }, { disk: 1 }]) {
    const e = await assertRejects(
      () =>
        sw.createJob(P, {
          model: "mnist",
          runHandler: STEP,
          overwriteSpecs: { [STEP]: { resources } },
        }),
      TypeError,
    );
    assertMatch(e.message, /Invalid|expected/);
  }
  const memory = await assertRejects(
    () =>
      sw.createJob(P, {
        model: "mnist",
        runHandler: STEP,
        overwriteSpecs: { [STEP]: { resources: { memory: "1XB" } } },
      }),
    TypeError,
  );
  assertMatch(memory.message, /"1XB".*512Mi/);
  assertEquals(posts(), before, "nothing was sent");
});

Deno.test("Java: overwriteSpecs for one step of a job's graph send the job's steps, that one patched", async () => {
  await using fake = startJavaFake();
  await using sw = connect(fake.url);
  const evaluate = "mnist.evaluator:MNISTInference.evaluate";
  await sw.createJob(P, {
    model: "mnist",
    runHandler: evaluate,
    datasets: ["mnist-ds"],
    overwriteSpecs: { [STEP]: { replicas: 3 } },
  });
  const body = fake.requests.find((r) => r.method === "POST")!.body as Record<string, unknown>;
  assertEquals("handler" in body, false, "stepSpecOverWrites replaces handler");
  const steps = parse(body.stepSpecOverWrites as string) as Record<string, unknown>[];
  assertEquals(steps.map((s) => [s.job_name, s.name, s.replicas]), [
    [evaluate, STEP, 3],
    [evaluate, evaluate, 1],
  ]);
  await assertRejects(
    () =>
      sw.createJob(P, {
        model: "mnist",
        runHandler: STEP,
        overwriteSpecs: { [evaluate]: { replicas: 2 } },
      }),
    NotFoundError,
    `not a step of '${STEP}'`,
  );
});

Deno.test("Java: a failed job's reason comes from its events (JobVo has no errorMessage)", async () => {
  await using fake = startJavaFake({ jobs: 6 });
  await using sw = connect(fake.url);
  const failed = await sw.getJob({ project: P, id: "3" });
  assertEquals([failed.status, failed.errorMessage], [
    "FAIL",
    "OOMKilled: task 3 ran out of memory",
  ]);
  assertEquals((await sw.getJob({ project: P, id: "2" })).errorMessage, null);
  const [jobs] = await sw.listJobs(P, { status: "FAIL" });
  assertEquals(jobs.map((j) => j.errorMessage), [
    "OOMKilled: task 6 ran out of memory",
    "OOMKilled: task 3 ran out of memory",
  ]);
  const asked = fake.requests.filter((r) => r.path.endsWith("/event")).map((r) => r.path);
  assert(asked.includes("/api/v1/project/7/job/3/event"), asked.join());
});

Deno.test("Java: there is no project 'self'; naming it is a NotFoundError, and swcli asks for a project", async (t) => {
  await using fake = startJavaFake({ jobs: 2 });
  await using sw = connect(fake.url);
  await t.step("the adapter", async () => {
    const e = await assertRejects(() => sw.listJobs("self"), NotFoundError);
    assertMatch(e.message, /project 'self'|'self'/);
    assertEquals((await sw.listJobs("starwhale:mnist"))[1].total, 2);
    assertEquals((await sw.listJobs("7"))[1].total, 2);
  });
  await using home = await cliHome();
  await t.step(
    "swcli --instance <url> without a project uses the one login selected, never self",
    async () => {
      const login = await home.run([
        "instance",
        "login",
        fake.url,
        "--token",
        JAVA_TOKEN,
        "--alias",
        "java",
      ]);
      assertEquals(login.code, 0, login.stderr);
      // Login selected a project the server has (there is no 'self' to fall back on).
      const before = fake.requests.length;
      const r = await home.run(["--instance", fake.url, "job", "list"]);
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /0002ab12/);
      const paths = fake.requests.slice(before).map((q) => q.path);
      assertEquals(paths.some((p) => p.includes("/project/self")), false, paths.join());
      const named = await home.run(["--instance", fake.url, "job", "list", "-p", "mnist"]);
      assertEquals(named.code, 0, named.stderr);
    },
  );
  await t.step("the selected project is the default", async () => {
    const selects = [
      ["instance", "select", "java"],
      ["project", "select", "starwhale:mnist"],
      ["project", "select", "7"],
      ["project", "select", "mnist"],
    ];
    for (const args of selects) {
      const r = await home.run(args);
      assertEquals(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    const list = await home.run(["job", "list"]);
    assertEquals(list.code, 0, list.stderr);
    const viaUrl = await home.run(["--instance", fake.url, "job", "list"]);
    assertEquals(viaUrl.code, 0, viaUrl.stderr);
  });
  await t.step("swcli instance info prints the server's version", async () => {
    const info = await home.run(["instance", "info", "java"]);
    assertEquals(info.code, 0, info.stderr);
    assertMatch(
      info.stdout,
      new RegExp(`server_version:\\s+${JAVA_VERSION.replaceAll(".", "\\.")}\\n`),
    );
    assertEquals(info.stdout.includes("[object Object]"), false);
  });
});

Deno.test("Java: job logs and tasks come from the task list and LogController's routes", async (t) => {
  await using fake = startJavaFake({ jobs: 3 });
  await using sw = connect(fake.url);
  const job = Job.get(`${fake.url}/project/${P}/job/2`, { instance: sw });
  await t.step("tasks(): Java's TaskVo, no rows", async () => {
    const [task] = await job.tasks();
    assertEquals([task.id, task.step, task.index, task.status, task.rows, task.total], [
      "20",
      STEP,
      0,
      "SUCCESS",
      0,
      null,
    ]);
  });
  await t.step("logs(): each file of each task, as the server saved it", async () => {
    assertEquals(await Array.fromAsync(job.logs()), ["starting task 20", "handled 10 rows"]);
    const paths = fake.requests.map((r) => r.path).filter((p) => p.startsWith("/api/v1/log/"));
    assertEquals(paths.slice(0, 2), [
      "/api/v1/log/offline/20",
      "/api/v1/log/offline/20/20-worker.log",
    ]);
  });
  await t.step(
    "followJobProgress: a step's start and end from its task, rows unknown",
    async () => {
      const events: JobProgress[] = [];
      const done = await followJobProgress(sw, { project: P, id: "2" }, (p) => events.push(p));
      assertEquals(done.status, "SUCCESS");
      assertEquals(events.map((e) => [e.step, e.phase, e.rows, e.total, e.elapsedMs]), [
        [STEP, "start", 0, null, 500],
        [STEP, "end", 0, null, 500],
      ]);
    },
  );
});

Deno.test("Java: following a running task's log without a live socket reads its files again until it ends", async () => {
  await using fake = startJavaFake({ jobs: 2 });
  await using sw = connect(fake.url);
  const running = fake.jobs.get(2)!;
  running.status = "RUNNING";
  running.finished = -1;
  running.logs = { "20-worker.log": "starting task 20\n" };
  const job = Job.get(`${fake.url}/project/${P}/job/2`, { instance: sw });
  const lines = job.logs({ follow: true, pollMs: 5 })[Symbol.asyncIterator]();
  assertEquals((await lines.next()).value, "starting task 20");
  running.logs = { "20-worker.log": "starting task 20\nhandled 10 rows\n" };
  running.status = "SUCCESS";
  running.finished = running.created + 500;
  const rest = [];
  for (let r = await lines.next(); !r.done; r = await lines.next()) rest.push(r.value);
  assertEquals(rest, ["handled 10 rows"]);
  assert(fake.requests.some((r) => r.path === "/api/v1/log/online/20"), "it tried the socket");
});
