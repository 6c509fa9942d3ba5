/**
 * Every view object the server answers with validates against the pydantic models of Starwhale's
 * Python client (required fields, types, enum values), checked through the routes a client calls.
 */
import { assert, assertEquals } from "../_assert.ts";
import { jobVo, taskVo } from "../../lib/wire/mod.ts";
import type { JobRecord } from "../../lib/sdk/mod.ts";
import { envelopeModel, type Model, pageModel, violations } from "../wire/_upstream_models.ts";
import { servedRoot } from "./_fixture.ts";
import { createProject } from "../../lib/standalone/projects.ts";
import manifest from "../../deno.json" with { type: "json" };

function assertValid(value: unknown, field: string | Model, what: string): void {
  const broken = violations(value, field);
  assertEquals(broken, [], `${what} breaks the upstream model:\n${broken.join("\n")}`);
}

Deno.test("the upstream-model checker reports missing fields, wrong types and enum values", () => {
  assertEquals(violations({ id: "1", name: "a", createdTime: 0, isEnabled: true }, "@UserVo"), []);
  assertEquals(violations({ id: 1, name: "a", isEnabled: "yes" }, "@UserVo"), [
    "$.id: expected a string, got 1",
    "$.createdTime: required int, got undefined",
    '$.isEnabled: expected a boolean, got "yes"',
  ]);
  assert(violations({ taskStatus: "DONE" }, "@TaskVo").some((v) => v.includes("one of")));
});

Deno.test("UserVo: /api/v1/user/current", async () => {
  await using s = await servedRoot();
  const res = await s.call("/api/v1/user/current");
  assertValid(res.json, envelopeModel("@UserVo"), "ResponseMessage<UserVo>");
});

Deno.test("ProjectVo: /api/v1/project and /api/v1/project/{p}, with statistics", async () => {
  await using s = await servedRoot();
  const list = await s.call("/api/v1/project");
  assertValid(list.json, envelopeModel(pageModel("@ProjectVo")), "PageInfo<ProjectVo>");
  const one = await s.call("/api/v1/project/self");
  assertValid(one.json, envelopeModel("@ProjectVo"), "ProjectVo");
  const stats = (one.json.data as { statistics: Record<string, number> }).statistics;
  assertEquals([stats.modelCounts, stats.datasetCounts, stats.evaluationCounts], [1, 1, 1]);
});

Deno.test("JobVo: job list and job info, finished and running", async (t) => {
  await using s = await servedRoot();
  await t.step("/api/v1/project/self/job", async () => {
    const res = await s.call("/api/v1/project/self/job");
    assertValid(res.json, envelopeModel(pageModel("@JobVo")), "PageInfo<JobVo>");
  });
  await t.step("/api/v1/project/self/job/1", async () => {
    const res = await s.call("/api/v1/project/self/job/1");
    assertValid(res.json, envelopeModel("@JobVo"), "JobVo");
    const runtime = (res.json.data as { runtime: { version: Record<string, unknown> } }).runtime;
    assertEquals(typeof runtime.version.runtimeId, "string");
  });
  await t.step("a job that is still running, without model or handler", () => {
    for (const status of ["CREATED", "RUNNING", "PAUSED", "CANCELLING"] as const) {
      const job: JobRecord = {
        id: "xm5wnup",
        project: "self",
        status,
        model: null,
        modelVersion: null,
        datasets: [],
        handler: null,
        createdAt: new Date(0).toISOString(),
        finishedAt: null,
        errorMessage: null,
      };
      assertValid(jobVo(job, 3), "@JobVo", `JobVo of a ${status} job`);
      assertValid(taskVo(job, 3), "@TaskVo", `TaskVo of a ${status} job`);
    }
  });
});

Deno.test("TaskVo: /api/v1/project/self/job/1/task", async () => {
  await using s = await servedRoot();
  const res = await s.call(`/api/v1/project/self/job/${s.job.id}/task`);
  assertValid(res.json, envelopeModel(pageModel("@TaskVo")), "PageInfo<TaskVo>");
});

Deno.test("ModelInfoVo: /api/v1/project/self/model/{name}", async () => {
  await using s = await servedRoot();
  const res = await s.call("/api/v1/project/self/model/noop?versionUrl=latest");
  assertValid(res.json, envelopeModel("@ModelInfoVo"), "ModelInfoVo");
});

Deno.test("DatasetInfoVo: /api/v1/project/self/dataset/{name}", async () => {
  await using s = await servedRoot();
  const res = await s.call("/api/v1/project/self/dataset/d");
  assertValid(res.json, envelopeModel("@DatasetInfoVo"), "DatasetInfoVo");
  const meta = (res.json.data as { versionMeta: string }).versionMeta;
  assert(/dataset_summary:\s*\n\s+rows: 1\b/.test(meta), meta);
});

Deno.test("SystemVersionVo: /api/v1/system/version answers {id, version}", async () => {
  await using s = await servedRoot();
  const res = await s.call("/api/v1/system/version");
  assertValid(res.json, envelopeModel("@SystemVersionVo"), "SystemVersionVo");
  const data = res.json.data as { id: string; version: string };
  assertEquals(data, { id: "", version: manifest.version });
});

Deno.test("PageInfo<ProjectVo>: pageSize is the page size asked, pages counts the pages", async () => {
  await using s = await servedRoot();
  await createProject(s.root, "other");
  const all = await s.call("/api/v1/project?pageNum=1&pageSize=10");
  assertValid(all.json, envelopeModel(pageModel("@ProjectVo")), "PageInfo<ProjectVo>");
  const page = all.json.data as { pageSize: number; pages: number; total: number; size: number };
  assertEquals([page.pageSize, page.pages, page.total, page.size], [10, 1, 2, 2]);
  const second = await s.call("/api/v1/project?pageNum=2&pageSize=1");
  const two = second.json.data as { list: { name: string }[]; pageSize: number; pages: number };
  assertEquals([two.list.length, two.pageSize, two.pages], [1, 1, 2]);
  const dflt = await s.call("/api/v1/project");
  assertEquals((dflt.json.data as { pageSize: number }).pageSize, 10);
});

Deno.test("TrashVo: a removed job is in /trash and PUT /trash/{id} brings it back", async () => {
  await using s = await servedRoot();
  const id = (await s.call(`/api/v1/project/self/job/${s.job.id}`).then((r) => r.json.data) as {
    id: string;
  }).id;
  const empty = await s.call("/api/v1/project/self/trash");
  assertValid(empty.json, envelopeModel(pageModel("@TrashVo")), "PageInfo<TrashVo>");
  assertEquals((empty.json.data as { total: number }).total, 0);
  assertEquals((await s.call(`/api/v1/project/self/job/${id}`, { method: "DELETE" })).status, 200);
  const trash = await s.call("/api/v1/project/self/trash?name=" + s.job.id.slice(0, 6));
  assertValid(trash.json, envelopeModel(pageModel("@TrashVo")), "PageInfo<TrashVo>");
  const list = (trash.json.data as { list: { id: string; name: string; type: string }[] }).list;
  assertEquals(list.map((t) => [t.name, t.type]), [[s.job.id, "EVALUATION"]]);
  const none = await s.call("/api/v1/project/self/trash?type=MODEL");
  assertEquals((none.json.data as { total: number }).total, 0);
  const put = await s.call(`/api/v1/project/self/trash/${list[0].id}`, { method: "PUT" });
  assertEquals([put.status, put.json.data], [200, "success"]);
  assertEquals((await s.local.getJob({ project: "self", id: s.job.id })).id, s.job.id);
  const again = await s.call(`/api/v1/project/self/trash/${list[0].id}`, { method: "PUT" });
  assertEquals([again.status, again.json.code], [400, "INVALID REQUEST: TRASH"]);
  const bad = await s.call("/api/v1/project/self/trash/x1", { method: "PUT" });
  assertEquals(bad.status, 400);
});

Deno.test("EventVo: /job/{j}/event lists the job's events, a failure as an ERROR event", async () => {
  await using s = await servedRoot();
  const res = await s.call(`/api/v1/project/self/job/${s.job.id}/event`);
  assertValid(res.json, envelopeModel("list:@EventVo"), "List<EventVo>");
  const events = res.json.data as { eventType: string; message: string }[];
  assertEquals(events[0].message, "Job created");
  assertEquals(events.filter((e) => e.eventType === "ERROR"), []);
  const pkg = `${s.root}/.boom`;
  await Deno.mkdir(pkg);
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    `${pkg}/boom.ts`,
    `import { handler } from "${sdk}";\nexport const boom = handler(() => { throw new Error("no GPU here"); });\n`,
  );
  await s.local.buildModel("self", { dir: pkg, name: "boom" });
  const failed = await s.local.createJob("self", { model: "boom", runHandler: "boom:boom" });
  assertEquals(failed.status, "FAIL");
  const fres = await s.call(`/api/v1/project/self/job/${failed.id}/event`);
  assertValid(fres.json, envelopeModel("list:@EventVo"), "List<EventVo>");
  const errors = (fres.json.data as { eventType: string; message: string }[])
    .filter((e) => e.eventType === "ERROR");
  assertEquals(errors.length, 1);
  assert(errors[0].message.includes("no GPU here"), errors[0].message);
  const missing = await s.call("/api/v1/project/self/job/nosuchjob/event");
  assertEquals(missing.status, 404);
});

Deno.test("PageInfo<ModelVo> and PageInfo<DatasetVo>: the lists, a name's versions, paging", async (t) => {
  await using s = await servedRoot();
  await s.local.buildModel("self", { dir: `${s.root}/.pkg`, name: "two" });
  await s.local.buildDataset("self", { name: "d", rows: [{ x: 1 }, { x: 2 }] });
  await t.step("/model lists each model once, newest first, and pages", async () => {
    const all = await s.call("/api/v1/project/self/model");
    assertValid(all.json, envelopeModel(pageModel("@ModelVo")), "PageInfo<ModelVo>");
    const data = all.json.data as { list: { name: string }[]; total: number };
    assertEquals([data.list.map((m) => m.name), data.total], [["two", "noop"], 2]);
    const second = await s.call("/api/v1/project/self/model?pageNum=2&pageSize=1");
    assertEquals((second.json.data as { list: { name: string }[] }).list.map((m) => m.name), [
      "noop",
    ]);
    const named = await s.call("/api/v1/project/self/model?name=noop");
    assertEquals((named.json.data as { total: number }).total, 1);
  });
  await t.step("/dataset/{name}/version lists the versions, newest first", async () => {
    const res = await s.call("/api/v1/project/self/dataset/d/version");
    assertValid(
      res.json,
      envelopeModel(pageModel("@DatasetVersionVo")),
      "PageInfo<DatasetVersionVo>",
    );
    const list = (res.json.data as { list: { alias: string; latest: boolean }[] }).list;
    assertEquals(list.map((v) => [v.alias, v.latest]), [["v1", true], ["v0", false]]);
    const datasets = await s.call("/api/v1/project/self/dataset");
    assertValid(datasets.json, envelopeModel(pageModel("@DatasetVo")), "PageInfo<DatasetVo>");
    const models = await s.call("/api/v1/project/self/model/noop/version");
    assertValid(
      models.json,
      envelopeModel(pageModel("@ModelVersionVo")),
      "PageInfo<ModelVersionVo>",
    );
  });
  await t.step("a lookup takes ?versionName= as the Python client sends it", async () => {
    const v0 = await s.call("/api/v1/project/self/dataset/d?versionName=v0");
    assertValid(v0.json, envelopeModel("@DatasetInfoVo"), "DatasetInfoVo");
    assertEquals((v0.json.data as { versionAlias: string }).versionAlias, "v0");
    const bad = await s.call("/api/v1/project/self/model?pageSize=0");
    assertEquals(bad.status, 400);
  });
});
