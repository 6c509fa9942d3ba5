import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import {
  Dataset,
  HandlerError,
  Job,
  type JobProgress,
  Model,
  UnsupportedError,
} from "../../mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { createApp, serve } from "../../lib/server/mod.ts";
import {
  assertBoomStack,
  BOOM_PACKAGE,
  runTalk,
  talkRoot,
  tempPackage,
  tempRoot,
} from "../sdk/_helpers.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;
const TOKEN = "t0k";

/** A root with the `talk` model and the `six` dataset, served by the app over `fetch`. */
async function served(options: { noLogRoutes?: boolean } = {}) {
  const t = await talkRoot();
  const app = createApp({ instance: t.instance, token: TOKEN });
  const fetch = (request: Request) =>
    options.noLogRoutes && new URL(request.url).pathname.startsWith("/api/v1/log/")
      ? Promise.resolve(new Response("Not Found", { status: 404 }))
      : app.fetch(request);
  const remote = new RemoteInstance({ url: "http://sw.test", token: TOKEN, fetch });
  const get = (path: string) =>
    app.fetch(
      new Request(`http://sw.test/api/v1${path}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
  return {
    t,
    app,
    remote,
    get,
    async [Symbol.asyncDispose]() {
      await remote.close();
      await app.close();
      await t[Symbol.asyncDispose]();
    },
  };
}

Deno.test("a server job: onProgress follows its task list, logs() and tasks() read the server's task routes", async (t) => {
  await using s = await served();
  const events: JobProgress[] = [];
  const job = await runTalk(s.remote, {
    onProgress: (p: JobProgress) => events.push(p),
    throwOnFailure: true,
  });
  await t.step("Job.create({ onProgress }) follows the job to its end, step by step", async () => {
    assertEquals(await job.status, "SUCCESS");
    for (const step of ["talk:Talk.predict", "talk:Talk.evaluate"]) {
      const mine = events.filter((e) => e.step === step);
      assertEquals(mine[0].phase, "start", step);
      assertEquals(mine.at(-1)!.phase, "end", step);
      assertEquals(mine.filter((e) => e.phase === "end").length, 1, step);
      assert(mine.every((e) => e.elapsedMs >= 0 && e.jobId === job.id));
    }
    const predictEnd = events.findLast((e) => e.step === "talk:Talk.predict")!;
    assertEquals([predictEnd.rows, predictEnd.total], [6, 6]);
    const rows = events.filter((e) => e.step === "talk:Talk.predict").map((e) => e.rows);
    assertEquals(rows, [...rows].sort((a, b) => a - b), "rows never go back");
  });
  await t.step("tasks(): one per step and replica, with status and rows", async () => {
    const tasks = await job.tasks();
    assertEquals(tasks.map((x) => [x.step, x.index, x.status, x.rows, x.total]), [
      ["talk:Talk.predict", 0, "SUCCESS", 6, 6],
      ["talk:Talk.evaluate", 0, "SUCCESS", 0, null],
    ]);
    assert(tasks.every((x) => /^\d+$/.test(x.id) && x.startedAt && x.finishedAt));
  });
  await t.step("logs() on the server are the lines the standalone instance kept", async () => {
    const remoteLines = await Array.fromAsync(job.logs());
    const local = Job.get(`local/project/self/job/${job.id}`, { instance: s.t.instance });
    const localLines = await Array.fromAsync(local.logs());
    assertEquals(remoteLines.length, 9);
    assertEquals([...remoteLines].sort(), [...localLines].sort());
    assertEquals(remoteLines, localLines, "oldest first, in the order they were written");
    assertMatch(remoteLines.at(-1)!, /Z talk:Talk\.evaluate#0 stdout: \{ evaluated: 6 \}$/);
    const followed = await Array.fromAsync(job.logs({ follow: true }));
    assertEquals(followed, remoteLines, "an ended job: follow reads everything once");
  });
  await t.step(
    "the upstream routes: /log/offline/{taskId} and /log/offline/{taskId}/{file}",
    async () => {
      const [first] = await job.tasks();
      const files = await (await s.get(`/log/offline/${first.id}`)).json();
      assertEquals(files, { code: "success", message: "Success", data: ["task.log"] });
      const res = await s.get(`/log/offline/${first.id}/task.log`);
      assertEquals(res.status, 200);
      assertMatch(res.headers.get("content-type")!, /^text\/plain/);
      const text = await res.text();
      assertEquals(text.split("\n").filter(Boolean).length, 8);
      assert(text.split("\n").filter(Boolean).every((l) => l.includes(" talk:Talk.predict#0 ")));
      const vo = await (await s.get(`/project/self/job/${job.id}/task/${first.id}`)).json();
      assertEquals([vo.data.id, vo.data.stepName, vo.data.taskStatus], [
        first.id,
        "talk:Talk.predict",
        "SUCCESS",
      ]);
      for (const path of [`/log/offline/99999`, `/log/offline/${first.id}/other.log`]) {
        const missing = await s.get(path);
        assertEquals(missing.status, 404, path);
        assertMatch((await missing.json()).message, /Cannot find/);
      }
    },
  );
});

Deno.test("against a server without the log routes, logs() is one clear error", async () => {
  await using s = await served({ noLogRoutes: true });
  const job = await runTalk(s.remote);
  const local = Job.get(`local/project/self/job/${job.id}`, { instance: s.t.instance });
  for (let i = 0; i < 200 && !["SUCCESS", "FAIL"].includes(await local.status); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await assertRejects(
    () => Array.fromAsync(job.logs()),
    UnsupportedError,
    "Reading a job's logs is not supported on the server http://sw.test: it answered 404 to " +
      "GET /api/v1/log/offline/",
  );
});

Deno.test("/api/v1/log/online/{taskId} streams a running task's lines over a WebSocket until it ends", async () => {
  const t = await tempRoot();
  try {
    {
      await using pkg = await tempPackage({
        "model.yaml": "name: slow\nrun:\n  modules: [slow]\n",
        "slow.ts": `import { PipelineHandler } from "${SDK}";
export class Slow extends PipelineHandler {
  override async predict(data: Record<string, unknown>) {
    await new Promise((r) => setTimeout(r, 40));
    console.log("row", data.x);
    return { y: 1 };
  }
  override async evaluate(results: AsyncIterable<unknown>) {
    for await (const _ of results) { /* read them all */ }
  }
}
`,
      });
      await Model.build(pkg.dir, { instance: t.instance });
    }
    await Dataset.build("twenty", Array.from({ length: 20 }, (_, x) => ({ x })), {
      instance: t.instance,
    });
    await t.instance.close();
    const server = await serve({ root: t.root, token: TOKEN, port: 0, durability: "none" });
    const remote = new RemoteInstance({ url: server.url, token: TOKEN });
    try {
      const job = await Job.create({
        project: "self",
        model: "slow",
        runHandler: "slow:Slow.evaluate",
        datasets: ["twenty"],
        instance: remote,
      });
      let tasks = await job.tasks();
      for (let i = 0; i < 100 && tasks[0].status === "CREATED"; i++) {
        await new Promise((r) => setTimeout(r, 20));
        tasks = await job.tasks();
      }
      // job.logs({ follow }) on a server: the running task through the same WebSocket.
      const followed = Array.fromAsync(job.logs({ follow: true, pollMs: 20 }));
      const ws = new WebSocket(
        `${server.url.replace("http", "ws")}/api/v1/log/online/${tasks[0].id}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      const got: string[] = [];
      ws.onmessage = (e) => got.push(String(e.data));
      const closed = await new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
      assertEquals(closed.code, 1000);
      assertEquals(
        got.map((l) => l.replace(/^\S+ /, "")),
        Array.from(
          { length: 20 },
          (_, x) => `slow:Slow.predict#0 stdout: row ${x}`,
        ),
      );
      assertEquals(got, (await Array.fromAsync(job.logs())).slice(0, 20));
      assertEquals(await followed, await Array.fromAsync(job.logs()));
      const denied = await fetch(`${server.url}/api/v1/log/online/${tasks[0].id}`);
      assertEquals(denied.status, 401, "the token is required");
      await denied.body?.cancel();
    } finally {
      await remote.close();
      await server.shutdown();
    }
  } finally {
    await t[Symbol.asyncDispose]();
  }
});

Deno.test("a server job's failing handler: its stack is in the task log, naming the user's own file", async () => {
  await using s = await served();
  await using pkg = await tempPackage(BOOM_PACKAGE);
  await Model.build(pkg.dir, { name: "boom", instance: s.t.instance });
  const job = await Job.create({
    project: "self",
    model: "boom",
    runHandler: "boom:run",
    instance: s.remote,
    onProgress: () => {},
  });
  await assertRejects(() => job.ok(), HandlerError, "kaboom");
  const lines = await Array.fromAsync(job.logs());
  assertBoomStack(lines, pkg.dir);
  const [task] = await job.tasks();
  assertEquals([task.status, task.error?.includes("kaboom")], ["FAIL", true]);
});
