import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { servedRoot } from "../server/_fixture.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";
import type { ColumnSchema } from "../../datastore/mod.ts";
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
    const byName = (s: ColumnSchema[]) =>
      [...s].sort((x, y) => x.name! < y.name! ? -1 : 1).filter((s) => s.name !== "id");
    const want = byName(await a.local.tableSchema(at.prefix + "typed"));
    assertEquals(want.length, schema.length);

    await Job.copy(a.job.id, "http://sw.test/project/self", { from: a.local, to: b.remote });
    const there = await b.local.jobTableLocation(ref);
    assertEquals(byName(await b.local.tableSchema(there.prefix + "typed")), want);
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
