import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { JobStateError, NotFoundError } from "../../lib/sdk/mod.ts";
import { datasetInfoVo, datasetRecord } from "../../lib/wire/mod.ts";
import { servedRoot } from "../server/_fixture.ts";

Deno.test("RemoteInstance looks up models and datasets by name, version and URI", async (t) => {
  await using s = await servedRoot();
  const model = await s.local.getModel({ project: "self", name: "noop" });
  const dataset = await s.local.getDataset({ project: "self", name: "d" });
  await t.step("getModel by name, tag and version", async () => {
    for (const version of [undefined, "latest", "v0", model.version]) {
      const got = await s.remote.getModel({ project: "self", name: "noop", version });
      assertEquals([got.name, got.version, got.handlers], ["noop", model.version, ["noop:noop"]]);
    }
  });
  await t.step("getDataset by name and tag", async () => {
    for (const version of [undefined, "latest", "v0"]) {
      const got = await s.remote.getDataset({ project: "self", name: "d", version });
      assertEquals([got.name, got.version, got.rows], ["d", dataset.version, 1]);
    }
  });
  await t.step("createJob names the model and datasets by URI", async () => {
    for (
      const uri of [
        "noop",
        "noop/version/v0",
        `noop/version/${model.version}`,
        "project/self/model/noop/version/latest",
      ]
    ) {
      const job = await s.remote.createJob("self", {
        model: uri,
        runHandler: "noop:noop",
        datasets: ["d/version/v0"],
      });
      assertEquals([job.model, job.modelVersion], ["noop", model.version], uri);
      assertEquals(job.datasets, [`d/version/${dataset.version}`], uri);
    }
  });
});

Deno.test("datasetRecord() reads the rows from versionMeta when the server sends no 'rows'", () => {
  const ref = { project: "self", name: "d" };
  const info = datasetInfoVo({
    project: "self",
    name: "d",
    version: "abc",
    tags: ["latest", "v0"],
    createdAt: new Date(0).toISOString(),
    rows: 7,
  });
  assertEquals(datasetRecord(info, ref).rows, 7);
  delete info.rows;
  assertEquals(datasetRecord(info, ref).rows, 7);
  assertEquals(datasetRecord({ ...info, versionMeta: ": not yaml [" }, ref).rows, 0);
});

Deno.test("RemoteInstance removes and recovers a job on this package's server through its trash", async (t) => {
  await using s = await servedRoot();
  const numeric =
    (await s.call(`/api/v1/project/self/job/${s.job.id}`).then((r) => r.json.data) as {
      id: string;
    }).id;
  for (const id of [numeric, s.job.id, s.job.id.slice(0, 6)]) {
    await t.step(id, async () => {
      await s.remote.removeJob({ project: "self", id: s.job.id });
      await assertRejects(() => s.local.getJob({ project: "self", id: s.job.id }), NotFoundError);
      await s.remote.recoverJob({ project: "self", id });
      assertEquals((await s.local.getJob({ project: "self", id: s.job.id })).id, s.job.id);
    });
  }
  await t.step("a live job", async () => {
    await assertRejects(() => s.remote.recoverJob({ project: "self", id: numeric }), JobStateError);
  });
});

Deno.test("RemoteInstance lists jobs by model version on this package's server (swmpId)", async () => {
  await using s = await servedRoot();
  const model = await s.local.getModel({ project: "self", name: "noop" });
  const [byVersion, page] = await s.remote.listJobs("self", {
    model: `noop/version/${model.version}`,
  });
  assertEquals([byVersion.map((j) => j.id), page.total], [[s.job.id], 1]);
  await s.local.buildModel("self", { dir: `${s.root}/.pkg`, name: "noop" });
  const newest = await s.local.getModel({ project: "self", name: "noop" });
  assert(newest.version !== model.version);
  const [none, empty] = await s.remote.listJobs("self", { model: "noop/version/latest" });
  assertEquals([none, empty.total], [[], 0]);
  const [byName] = await s.remote.listJobs("self", { model: "noop", status: "SUCCESS" });
  assertEquals(byName.map((j) => j.id), [s.job.id]);
});
