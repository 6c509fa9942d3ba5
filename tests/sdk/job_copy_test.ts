import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { join } from "node:path";
import { type ServedRoot, servedRoot } from "../server/_fixture.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";
import type { ColumnSchema } from "../../datastore/mod.ts";
import type { JobRecord, JobTask } from "../../lib/sdk/instance.ts";
import { Job } from "../../lib/sdk/job.ts";
import { copyJob } from "../../lib/sdk/job_copy.ts";
import { JobStateError, NotFoundError, UnsupportedError } from "../../lib/sdk/errors.ts";

const P = "self";

Deno.test("Job.copy() refuses a server without the job-copy extension, before writing anything", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  // A server that answers the extension's path as one without it does: 404, no such route.
  const legacy = new RemoteInstance({
    url: "http://legacy.test",
    token: "fixture",
    fetch: (req) =>
      new URL(req.url).pathname.endsWith("/copy")
        ? Promise.resolve(
          Response.json({ code: "NOT FOUND: 001", message: "Resource is not found", data: null }, {
            status: 404,
          }),
        )
        : b.app.fetch(new Request(req.url.replace("legacy.test", "sw.test"), req)),
  });
  const id = a.job.id;
  const e = await assertRejects(
    () =>
      Job.copy(`local/project/${P}/job/${id}`, "http://legacy.test/project/self", {
        from: a.local,
        to: legacy,
      }),
    UnsupportedError,
  );
  assertMatch(e.message, /^Copying jobs to this server is not supported on http:\/\/legacy\.test/);
  assertEquals(await b.local.listTables(`project/${P}/eval/${id.slice(0, 2)}/${id}/`), []);
  assertEquals(await b.local.jobSummary({ project: P, id: b.job.id }).then((s) => s.ok), 1);
  assertEquals(
    await Array.fromAsync(
      b.local.scanTable(`project/${P}/eval/summary`, { start: id, end: id, endInclusive: true }),
    ),
    [],
  );
  await legacy.close();
});

Deno.test("Job.copy() resolves a prefix, keeps the id, and names a missing destination project", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  const copy = await Job.copy(a.job.id.slice(0, 8), "http://sw.test/project/self", {
    from: a.local,
    to: b.remote,
  });
  assertEquals(copy.id, a.job.id);
  assertEquals(await copy.summary, { id: a.job.id, ok: 1 });
  const { report } = await b.local.jobInfo({ project: P, id: a.job.id }) as {
    report: { summary: Record<string, unknown> };
  };
  assert(Number(report.summary["sys/id"]) >= 1, "the server gave the copy no numeric id");
  // The server keeps its sys/* columns for the copy as for a job it ran itself.
  assertEquals(
    [
      report.summary["sys/job_status"],
      report.summary["sys/model_name"],
      report.summary["sys/dev_mode"],
    ],
    ["SUCCESS", "noop", 0],
  );
  assertEquals(
    report.summary["sys/duration_ms"],
    Date.parse(a.job.finishedAt!) - Date.parse(a.job.createdAt),
  );
  await b.remote.removeJob({ project: P, id: a.job.id });
  const ref = { project: P, id: a.job.id };
  const again = await copyJob({ instance: a.local, ref }, { instance: b.remote, project: P });
  assertEquals([again.copied, again.removed], [false, true], "a removed copy was copied again");
  await assertRejects(
    () => Job.copy(a.job.id, "local/project/nosuch", { from: a.local, to: b.local }),
    NotFoundError,
    "nosuch",
  );
});

Deno.test("the job-copy route publishes only a whole, ended record", async () => {
  await using b = await servedRoot();
  const id = "c".repeat(40);
  const path = `/api/v1/project/${P}/job/${id}/copy`;
  assertEquals((await b.call(path)).json.data, { job: null });
  const record = {
    id,
    project: P,
    status: "SUCCESS",
    model: "noop",
    modelVersion: null,
    datasets: [],
    handler: "noop:noop",
    createdAt: "2026-01-02T03:04:05.000Z",
    finishedAt: "2026-01-02T03:04:06.000Z",
    errorMessage: null,
  };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...record, id: "d".repeat(40) }, /record\.id/],
    [{ ...record, status: "RUNNING" }, /record\.status "RUNNING": expected a final status/],
    [{ ...record, createdAt: "yesterday" }, /record\.createdAt "yesterday"/],
    [{ ...record, datasets: "mnist" }, /record\.datasets/],
    [{ ...record, model: 7 }, /record\.model 7/],
  ];
  for (const [r, message] of bad) {
    const res = await b.call(path, { method: "PUT", body: { record: r, manifest: {} } });
    assertEquals(res.status, 400, JSON.stringify(r));
    assertMatch(res.json.message, message);
  }
  assertEquals((await b.call(`/api/v1/project/${P}/job/a.b/copy`)).status, 400);
  assertEquals((await b.call(path)).json.data, { job: null }, "a refused record was published");
  const put = await b.call(path, { method: "PUT", body: { record, manifest: {} } });
  assertEquals(put.status, 200, put.json.message);
  const listed = (await b.local.listJobs(P))[0].find((j) => j.id === id);
  assertEquals(listed?.createdAt, record.createdAt);
  const again = await b.call(path, {
    method: "PUT",
    body: { record: { ...record, handler: "x" }, manifest: {} },
  });
  assertEquals(again.status, 200);
  assertEquals(
    (await b.local.getJob({ project: P, id })).handler,
    "noop:noop",
    "a repeated copy rewrote the job",
  );
  await assertRejects(
    () =>
      b.local.importJob(P, {
        record: { ...record, id: "e".repeat(40), status: "RUNNING" },
        manifest: {},
      }),
    JobStateError,
    "only a job that has ended can be copied",
  );
});

Deno.test("Job.copy() keeps every column's type, to a server and back", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  const root = await Deno.makeTempDir({ prefix: "sw-copy-back-" });
  const c = new StandaloneInstance(root, { durability: "none" });
  try {
    const ref = { project: P, id: a.job.id };
    const at = await a.local.jobTableLocation(ref);
    const schema: ColumnSchema[] = [
      { name: "i8", type: "INT8" },
      { name: "i32", type: "INT32" },
      { name: "f32", type: "FLOAT32" },
      { name: "raw", type: "BYTES" },
      { name: "probs", type: "LIST", elementType: { type: "FLOAT32" } },
      { name: "counts", type: "MAP", keyType: { type: "STRING" }, valueType: { type: "INT16" } },
    ];
    const rows = [0, 1, 2].map((i) => ({
      id: i,
      i8: i - 1,
      i32: 1000 * i,
      f32: i + 0.5,
      raw: new Uint8Array([i, 255]),
      probs: [0.25, i],
      counts: { a: i },
    }));
    await a.local.updateTable(at.prefix + "typed", rows, { schema });
    const byName = (s: ColumnSchema[]) => [...s].sort((x, y) => x.name! < y.name! ? -1 : 1);
    const want = byName(await a.local.tableSchema(at.prefix + "typed"));
    assertEquals(want.length, schema.length);

    await Job.copy(a.job.id, "http://sw.test/project/self", { from: a.local, to: b.remote });
    const there = await b.local.jobTableLocation(ref);
    // A table written through the REST API also lists its key column, as the request declares it.
    const onServer = await b.local.tableSchema(there.prefix + "typed");
    assertEquals(byName(onServer.filter((s) => s.name !== "id")), want);
    assertEquals(await Array.fromAsync(b.local.scanTable(there.prefix + "typed")), rows);

    await Job.copy(`http://sw.test/project/self/job/${a.job.id}`, "local/project/self", {
      from: b.remote,
      to: c,
    });
    const back = await c.jobTableLocation(ref);
    assertEquals(byName(await c.tableSchema(back.prefix + "typed")), want);
    assertEquals(await Array.fromAsync(c.scanTable(back.prefix + "typed")), rows);
  } finally {
    await c.close();
    await Deno.remove(root, { recursive: true });
  }
});

/** A job on `a` whose handler prints to stdout and stderr. */
async function talkingJob(a: ServedRoot): Promise<JobRecord> {
  const pkg = await Deno.makeTempDir({ prefix: "sw-talk-" });
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    join(pkg, "talk.ts"),
    `import { handler } from "${sdk}";\n` +
      `export const talk = handler((ctx) => {\n` +
      `  console.log("hello from the handler");\n` +
      `  console.error("a warning", 42);\n` +
      `  ctx.logSummary({ ok: 1 });\n` +
      `});\n`,
  );
  await a.local.buildModel(P, { dir: pkg, name: "talk" });
  await Deno.remove(pkg, { recursive: true });
  return await a.local.createJob(P, { model: "talk", runHandler: "talk:talk" });
}

/** A task as every instance tells it: the id is each instance's own. */
const sameTask = ({ id: _, ...task }: JobTask) => task;

Deno.test("Job.copy() carries the job's tasks and logs, to a server and back", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  const root = await Deno.makeTempDir({ prefix: "sw-copy-back-" });
  const c = new StandaloneInstance(root, { durability: "none" });
  try {
    const talk = await talkingJob(a);
    const ref = { project: P, id: talk.id };
    const tasks = await a.local.jobTasks(ref);
    const lines = await Array.fromAsync(a.local.jobLogs(ref));
    assertEquals(tasks.length, 1);
    assertEquals(lines.length, 2);

    const there = await Job.copy(talk.id, "http://sw.test/project/self", {
      from: a.local,
      to: b.remote,
    });
    assertEquals((await b.local.jobTasks(ref)).map(sameTask), tasks.map(sameTask));
    assertEquals(await Array.fromAsync(b.local.jobLogs(ref)), lines);
    assertEquals((await there.tasks()).map(sameTask), tasks.map(sameTask));
    assertEquals(await Array.fromAsync(there.logs()), lines);

    await Job.copy(`http://sw.test/project/self/job/${talk.id}`, "local/project/self", {
      from: b.remote,
      to: c,
    });
    assertEquals(await c.jobTasks(ref), tasks);
    assertEquals(await Array.fromAsync(c.jobLogs(ref)), lines);
  } finally {
    await c.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Job.copy() to a server without the task-copy route copies the rest, with a note", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  const older = new RemoteInstance({
    url: "http://older.test",
    token: "fixture",
    fetch: (req) =>
      new URL(req.url).pathname.endsWith("/copy/tasks")
        ? Promise.resolve(
          Response.json({ code: "NOT FOUND: 001", message: "Resource is not found", data: null }, {
            status: 404,
          }),
        )
        : b.app.fetch(new Request(req.url.replace("older.test", "sw.test"), req)),
  });
  try {
    const talk = await talkingJob(a);
    const ref = { project: P, id: talk.id };
    const result = await copyJob({ instance: a.local, ref }, { instance: older, project: P });
    assertEquals(result.copied, true);
    assertEquals(result.notes.length, 1);
    assertMatch(result.notes[0], /^The job's tasks and logs were not copied: .*older\.test/);
    assertEquals(await b.local.jobSummary(ref), { id: talk.id, ok: 1 });
    assertEquals(await b.local.jobTasks(ref), []);
  } finally {
    await older.close();
  }
});

Deno.test("the task-copy route keeps only whole tasks and lines", async () => {
  await using b = await servedRoot();
  const id = "f".repeat(40);
  const path = `/api/v1/project/${P}/job/${id}/copy/tasks`;
  const task = {
    id: "7",
    step: "m:run",
    index: 0,
    status: "SUCCESS",
    startedAt: "2026-01-02T03:04:05.000Z",
    finishedAt: "2026-01-02T03:04:06.000Z",
    rows: 0,
    total: null,
    error: null,
  };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ tasks: "all", log: [] }, /'tasks' must be an array/],
    [{ tasks: [{ ...task, status: "DONE" }], log: [] }, /tasks\[0\]\.status "DONE"/],
    [{ tasks: [{ ...task, rows: -1 }], log: [] }, /tasks\[0\]\.rows -1/],
    [{ tasks: [{ ...task, startedAt: "soon" }], log: [] }, /tasks\[0\]\.startedAt "soon"/],
    [{ tasks: [task], log: ["a\nb"] }, /log\[0\]/],
  ];
  for (const [body, message] of bad) {
    const res = await b.call(path, { method: "PUT", body });
    assertEquals(res.status, 400, JSON.stringify(body));
    assertMatch(res.json.message, message);
  }
  const put = await b.call(path, { method: "PUT", body: { tasks: [task], log: ["x"] } });
  assertEquals(put.json.data, { tasks: 1, lines: 1 });
  const published = await b.call(`/api/v1/project/${P}/job/${b.job.id}/copy/tasks`, {
    method: "PUT",
    body: { tasks: [task], log: ["x"] },
  });
  assertEquals(published.status, 200);
  assertEquals(
    (await b.local.jobTasks({ project: P, id: b.job.id })).map((t) => t.step),
    ["noop:noop"],
    "a published job's tasks were replaced",
  );
});

Deno.test("a long log travels to a server in parts and reads back whole", async () => {
  await using b = await servedRoot();
  const parts: boolean[] = [];
  const counting = new RemoteInstance({
    url: "http://sw.test",
    token: "fixture",
    fetch: async (req) => {
      if (new URL(req.url).pathname.endsWith("/copy/tasks")) {
        parts.push((await req.clone().json()).append);
      }
      return b.app.fetch(req);
    },
  });
  try {
    const ref = { project: P, id: "9".repeat(40) };
    const line = (i: number) => `2026-01-02T03:04:05.000Z m:run#0 stdout: ${i} ${"x".repeat(1000)}`;
    const log = Array.from({ length: 9000 }, (_, i) => line(i));
    const task: JobTask = {
      id: "0",
      step: "m:run",
      index: 0,
      status: "SUCCESS",
      startedAt: null,
      finishedAt: null,
      rows: 0,
      total: null,
      error: null,
    };
    await counting.importJobTasks(ref, { tasks: [task], log });
    assertEquals(parts, [false, true, true], "a 9 MB log goes in three parts");
    const jobDir = `${b.root}/${P}/job/99/${ref.id}`;
    const text = await Deno.readTextFile(`${jobDir}/logs/job.log`);
    assertEquals(text, log.map((l) => `${l}\n`).join(""));
  } finally {
    await counting.close();
  }
});

Deno.test("Job.copy() copies a column whose type changed over time, values intact", async () => {
  await using a = await servedRoot();
  await using b = await servedRoot();
  const ref = { project: P, id: a.job.id };
  const table = (await a.local.jobTableLocation(ref)).prefix + "mixed";
  await a.local.updateTable(table, [{ id: 0, v: 1 }, { id: 1, v: 2 }], {
    schema: [{ name: "v", type: "INT32" }],
  });
  await a.local.updateTable(table, [{ id: 2, v: "three" }]);
  const rows = await Array.fromAsync(a.local.scanTable(table));
  await Job.copy(a.job.id, "http://sw.test/project/self", { from: a.local, to: b.remote });
  const there = (await b.local.jobTableLocation(ref)).prefix + "mixed";
  assertEquals(await Array.fromAsync(b.local.scanTable(there)), rows);
  const types = (s: { name?: string; type: string }[]) => s.find((c) => c.name === "v")?.type;
  assertEquals(types(await b.local.tableSchema(there)), types(await a.local.tableSchema(table)));
});
