/**
 * Every view object the server answers with validates against the pydantic models of Starwhale's
 * Python client (required fields, types, enum values), checked through the routes a client calls.
 */
import { assert, assertEquals } from "../_assert.ts";
import { jobVo, taskVo } from "../../lib/wire/mod.ts";
import type { JobRecord } from "../../lib/sdk/mod.ts";
import { envelopeModel, type Model, pageModel, violations } from "../wire/_upstream_models.ts";
import { servedRoot } from "./_fixture.ts";

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
  const [task] = (res.json.data as { list: { id: string; stepName: string }[] }).list;
  assertEquals(task.stepName, "noop:noop");
  const one = await s.call(`/api/v1/project/self/job/${s.job.id}/task/${task.id}`);
  assertValid(one.json, envelopeModel("@TaskVo"), "TaskVo");
  const files = await s.call(`/api/v1/log/offline/${task.id}`);
  assertEquals(files.json, { code: "success", message: "Success", data: ["task.log"] });
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

Deno.test("the version is a ResponseMessage<str>", async () => {
  await using s = await servedRoot();
  assertValid((await s.call("/api/v1/system/version")).json, envelopeModel("str"), "version");
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
