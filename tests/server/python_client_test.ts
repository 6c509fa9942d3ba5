/**
 * Jobs on this server driven the way Starwhale's Python client drives them: `Job.create` with
 * per-step overwrite specs (`CloudModel.run` picks a handler's steps out of the model's
 * `stepSpecs` by `job_name`, patches them and sends their YAML dump as `stepSpecOverWrites`), and
 * a dataset copied in by `swcli dataset copy` (`updateTable` of its rows, then the manifest)
 * read by this SDK and run in a TypeScript job.
 */
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { assert, assertEquals } from "../_assert.ts";
import { type ServedRoot, servedRoot, TOKEN } from "./_fixture.ts";
import { Dataset } from "../../lib/sdk/dataset.ts";
import { Job } from "../../lib/sdk/job.ts";
import { envelopeModel, violations } from "../wire/_upstream_models.ts";

const EVALUATE = "sum.pipeline:Sum.evaluate";
const PREDICT = "sum.pipeline:Sum.predict";
const FINAL = ["SUCCESS", "FAIL", "CANCELED"];

/** Builds the model `sum` (a pipeline: predict doubles `x`, evaluate sums) into the root. */
async function buildSumModel(s: ServedRoot): Promise<void> {
  const pkg = join(s.root, ".sum");
  await Deno.mkdir(join(pkg, "sum"), { recursive: true });
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    join(pkg, "sum", "pipeline.ts"),
    `import { PipelineHandler } from "${sdk}";
export class Sum extends PipelineHandler {
  predict(data) { return { double: data.x * 2, label: data.label ?? "" }; }
  async evaluate(results, ctx) {
    let count = 0, sum = 0;
    const labels = [];
    for await (const r of results) { count++; sum += r.output.double; labels.push(r.output.label); }
    ctx.logSummary({ count, sum, labels: labels.sort().join(",") });
  }
}
`,
  );
  await Deno.writeTextFile(join(pkg, "model.yaml"), "name: sum\nrun:\n  modules: [sum.pipeline]\n");
  await s.local.buildModel("self", { dir: pkg });
}

/** A GET of the app answering the envelope's `data`, checked to be a success. */
async function data<T>(s: ServedRoot, path: string): Promise<T> {
  const res = await s.call(path);
  assertEquals([res.status, res.json.code], [200, "success"], `${path}: ${JSON.stringify(res)}`);
  return res.json.data as T;
}

/** Polls a job's `JobVo` until it ends; answers its final status. */
async function finalStatus(s: ServedRoot, id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const vo = await data<{ jobStatus: string }>(s, `/api/v1/project/self/job/${id}`);
    if (FINAL.includes(vo.jobStatus)) return vo.jobStatus;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${id} did not end within 60 s`);
}

interface StepVo {
  name: string;
  job_name?: string;
  show_name: string;
  replicas: number;
  needs?: string[];
  require_dataset?: boolean;
  expose?: number;
  concurrency?: number;
}

/**
 * The YAML PyYAML's `yaml.dump` writes for `[s.dict() for s in specs]`: every field of the
 * pydantic `StepSpec` by its field name, nulls included, keys sorted, floats with a `.0`.
 */
function pythonDump(
  steps: StepVo[],
  patch: Record<string, { replicas?: number; memory?: number }>,
) {
  return steps.map((s) => {
    const p = patch[s.name] ?? {};
    const resources = p.memory === undefined
      ? "  resources: []\n"
      : `  resources:\n  - limit: ${p.memory}.0\n    request: ${p.memory}.0\n    type: memory\n`;
    const needs = s.needs?.length ? `\n${s.needs.map((n) => `  - ${n}`).join("\n")}` : " []";
    return `- arguments: null
  backoff_limit: null
  concurrency: ${s.concurrency ?? "null"}
  container_spec: null
  env: null
  expose: ${s.expose ?? "null"}
  ext_cmd_args: null
  fine_tune: null
  job_name: ${s.job_name}
  name: ${s.name}
  needs:${needs}
  parameters_sig: null
  replicas: ${p.replicas ?? s.replicas}
  require_dataset: ${s.require_dataset ?? "null"}
${resources}  service_spec: null
  show_name: ${s.show_name}
  virtual: null
`;
  }).join("");
}

Deno.test("a job with per-step overwrite specs, created as Starwhale's Python client creates it, runs each step as asked", async (t) => {
  await using s = await servedRoot();
  await buildSumModel(s);
  await s.local.buildDataset("self", {
    name: "nums",
    rows: [1, 2, 3, 4, 5].map((x) => ({ x, label: `l${x}` })),
  });

  let steps: StepVo[] = [];
  let modelVersionId = "";
  await t.step("stepSpecs list every step of each handler's graph under its job_name", async () => {
    const res = await s.call("/api/v1/project/self/model/sum?versionUrl=latest");
    assertEquals(violations(res.json, envelopeModel("@ModelInfoVo")), []);
    const info = res.json.data as { versionId: string; versionInfo: { stepSpecs: StepVo[] } };
    modelVersionId = info.versionId;
    const all = info.versionInfo.stepSpecs;
    assertEquals(all.map((x) => `${x.job_name} ${x.name}`).sort(), [
      `${EVALUATE} ${EVALUATE}`,
      `${EVALUATE} ${PREDICT}`,
      `${PREDICT} ${PREDICT}`,
    ]);
    // `CloudModel.run`: the steps of the run handler, by job_name.
    steps = all.filter((x) => x.job_name === EVALUATE);
    const evaluate = steps.find((x) => x.name === EVALUATE)!;
    assertEquals(evaluate.needs, [PREDICT]);
    assertEquals(steps.find((x) => x.name === PREDICT)!.require_dataset, true);
    for (const step of all) assert(!("func_name" in step), "a server keeps StepSpec fields only");
    // The versions list and the version lookup answer the same steps.
    const versions = await data<{ list: { stepSpecs: StepVo[] }[] }>(
      s,
      "/api/v1/project/self/model/sum/version",
    );
    assertEquals(versions.list[0].stepSpecs, all);
  });

  await t.step("POST /job with stepSpecOverWrites and no handler", async () => {
    const dataset = await data<{ versionId: string }>(
      s,
      "/api/v1/project/self/dataset/nums?versionUrl=latest",
    );
    const body = {
      modelVersionUrl: modelVersionId,
      datasetVersionUrls: dataset.versionId,
      runtimeVersionUrl: "",
      resourcePool: "default",
      devMode: false,
      devPassword: "",
      stepSpecOverWrites: pythonDump(steps, { [PREDICT]: { replicas: 2, memory: 1073741824 } }),
    };
    const created = await s.call("/api/v1/project/self/job", { body });
    assertEquals([created.status, created.json.code], [200, "success"], JSON.stringify(created));
    const id = String(created.json.data);
    assertEquals(await finalStatus(s, id), "SUCCESS");
    const vo = await data<{ jobName: string; stepSpec: string }>(
      s,
      `/api/v1/project/self/job/${id}`,
    );
    assertEquals(vo.jobName, EVALUATE);
    // As a Starwhale Server answers it: the steps the job runs, each under the job's name.
    const specs = parse(vo.stepSpec) as StepVo[];
    assertEquals(specs.map((x) => [x.job_name, x.name, x.replicas]), [
      [EVALUATE, PREDICT, 2],
      [EVALUATE, EVALUATE, 1],
    ]);
    const tasks = await data<{ list: { stepName: string }[] }>(
      s,
      `/api/v1/project/self/job/${id}/task?pageSize=100`,
    );
    assertEquals(tasks.list.map((x) => x.stepName).sort(), [EVALUATE, PREDICT, PREDICT]);
    const [job] = await s.local.listJobs("self", { pageSize: 1 });
    const ref = { project: "self", id: job[0].id };
    const summary = await s.local.jobSummary(ref);
    assertEquals([summary.count, summary.sum], [5, 30]);
    // The job records the steps as patched: the server's `sys/step_spec`.
    const info = await s.local.jobInfo(ref) as { report: { summary: Record<string, unknown> } };
    const ran = parse(String(info.report.summary["sys/step_spec"])) as {
      name: string;
      replicas: number;
      resources: unknown[];
    }[];
    assertEquals(ran.map((x) => [x.name, x.replicas, x.resources]), [
      [PREDICT, 2, [{ type: "memory", request: 1073741824, limit: 1073741824 }]],
      [EVALUATE, 1, []],
    ]);
  });

  await t.step("a step not in the handler's graph is refused, and no job is made", async () => {
    const before = (await s.local.listJobs("self"))[1].total;
    const body = {
      modelVersionUrl: modelVersionId,
      resourcePool: "default",
      stepSpecOverWrites: pythonDump([{ ...steps[0], name: "sum.pipeline:nope" }], {}),
    };
    const refused = await s.call("/api/v1/project/self/job", { body });
    assertEquals(refused.status, 404, JSON.stringify(refused.json));
    assert(refused.json.message.includes("sum.pipeline:nope"), refused.json.message);
    assertEquals((await s.local.listJobs("self"))[1].total, before);
  });
});

/** The hex of a big-endian INT64 or FLOAT64, as the Python client encodes datastore values. */
function int64(n: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setBigInt64(0, BigInt(n));
  return Array.from(new Uint8Array(b.buffer), (x) => x.toString(16).padStart(2, "0")).join("");
}
function float64(n: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, n);
  return Array.from(new Uint8Array(b.buffer), (x) => x.toString(16).padStart(2, "0")).join("");
}

Deno.test("a dataset copied in as Starwhale's Python client copies it is scanned by this SDK and runs in a TypeScript job", async (t) => {
  await using s = await servedRoot();
  await buildSumModel(s);
  const version = "pycopied000000000000000000000000000000001";
  const rows = [{ x: 3, label: "a", score: 0.5 }, { x: 4, label: "b", score: 1.5 }, {
    x: 5,
    label: "c",
    score: 2.5,
  }];

  await t.step("rows through updateTable, then MANIFEST and END", async () => {
    // `TabularDataset.put` → `RemoteDataStore.update_table`: the table schema and each value
    // encoded by its type, the row key in `id`.
    const update = await s.call("/api/v1/datastore/updateTable", {
      body: {
        tableName: "project/self/dataset/pycopied/_current/meta",
        tableSchemaDesc: {
          keyColumn: "id",
          columnSchemaList: [
            { type: "INT64", name: "id" },
            { type: "INT64", name: "features/x" },
            { type: "STRING", name: "features/label" },
            { type: "FLOAT64", name: "features/score" },
          ],
        },
        records: rows.map((r, i) => ({
          values: [
            { key: "id", value: int64(i) },
            { key: "features/x", value: int64(r.x) },
            { key: "features/label", value: r.label },
            { key: "features/score", value: float64(r.score) },
          ],
        })),
      },
    });
    assertEquals([update.status, update.json.code], [200, "success"], JSON.stringify(update));
    const revision = String(update.json.data);
    const base = `/api/v1/project/self/dataset/pycopied/version/${version}/file`;
    const params = { swds: "pycopied:pycopied", project: "self", force: "1" };
    const form = new FormData();
    form.set(
      "file",
      new Blob([stringify({
        version,
        created_at: "2024-05-06 07:08:09 UTC",
        dataset_summary: { rows: rows.length },
        data_datastore_revision: revision,
        info_datastore_revision: "",
      })]),
      "_manifest.yaml",
    );
    const manifest = await s.app.fetch(
      new Request(
        `http://sw.test${base}?${new URLSearchParams({
          phase: "MANIFEST",
          desc: "MANIFEST",
          ...params,
        })}`,
        { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: form },
      ),
    );
    const uploadId = String((await manifest.json()).data.uploadId);
    const end = await s.app.fetch(
      new Request(`http://sw.test${base}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: new URLSearchParams({ phase: "END", uploadId, ...params }),
      }),
    );
    assertEquals(end.status, 200);
    await end.body?.cancel();
  });

  await t.step("Dataset.scan reads every row and feature, here and remotely", async () => {
    for (const instance of [s.local, s.remote]) {
      const d = await Dataset.get("pycopied", { instance });
      assertEquals([d.version, d.rows], [version, 3]);
      const scanned = await Array.fromAsync(d.scan());
      assertEquals(scanned.map((r) => r.id), [0, 1, 2]);
      assertEquals(scanned.map((r) => r.features), rows);
    }
  });

  await t.step("a TypeScript job over it succeeds, created through the SDK remotely", async () => {
    const job = await Job.create({
      project: "self",
      model: "sum",
      runHandler: EVALUATE,
      datasets: ["pycopied"],
      instance: s.remote,
    });
    assertEquals(await job.wait({ timeoutMs: 60_000 }), "SUCCESS");
    const summary = await job.summary;
    assertEquals([summary.count, summary.sum, summary.labels], [3, 24, "a,b,c"]);
  });

  await t.step("and so does a job the Python client creates by handler", async () => {
    const model = await data<{ versionId: string }>(
      s,
      "/api/v1/project/self/model/sum?versionUrl=latest",
    );
    const dataset = await data<{ versionId: string }>(
      s,
      `/api/v1/project/self/dataset/pycopied?versionUrl=${version}`,
    );
    const body = {
      modelVersionUrl: model.versionId,
      datasetVersionUrls: dataset.versionId,
      runtimeVersionUrl: "",
      resourcePool: "default",
      devMode: false,
      devPassword: "",
      timeToLiveInSec: 600,
      handler: EVALUATE,
    };
    const created = await s.call("/api/v1/project/self/job", { body });
    assertEquals([created.status, created.json.code], [200, "success"], JSON.stringify(created));
    const id = String(created.json.data);
    assertEquals(await finalStatus(s, id), "SUCCESS");
    const vo = await data<{ uuid: string; datasetList: { name: string }[] }>(
      s,
      `/api/v1/project/self/job/${id}`,
    );
    assertEquals(vo.datasetList.map((d) => d.name), ["pycopied"]);
    const summary = await s.local.jobSummary({ project: "self", id: vo.uuid });
    assertEquals([summary.count, summary.sum], [3, 24]);
  });

  await t.step("job list names each job's datasets at the version it ran on", async () => {
    const body = {
      modelVersionId: "sum",
      datasetVersionIds: ["pycopied"],
      resourcePool: "default",
      handler: EVALUATE,
    };
    const created = await s.call("/api/v1/project/self/job", { body });
    const id = String(created.json.data);
    assertEquals(await finalStatus(s, id), "SUCCESS");
    await s.local.buildDataset("self", { name: "pycopied", rows: [{ x: 9 }] });
    const page = await data<
      {
        list: {
          id: string;
          modelName: string;
          datasetList: { name: string; version: { name: string } }[];
        }[];
      }
    >(
      s,
      "/api/v1/project/self/job?pageNum=1&pageSize=20",
    );
    const listed = page.list.find((j) => j.id === id)!;
    assertEquals(listed.datasetList.map((d) => `${d.name}:${d.version.name}`), [
      `pycopied:${version}`,
    ]);
    for (const job of page.list.filter((j) => j.modelName === "sum")) {
      assertEquals(job.datasetList.map((d) => d.version.name), [version], `job ${job.id}`);
    }
  });
});

Deno.test("a model's packaged runtime, uploaded as Starwhale's Python client does in swcli model copy, is stored once and served back", async () => {
  await using s = await servedRoot();
  const base = "/api/v1/project/self/runtime/starwhale-built-in/version/rtv1abcdefg";
  const send = (method: string, path: string, body?: BodyInit) =>
    s.app.fetch(
      new Request(`http://sw.test${path}`, { method, headers: { authorization: TOKEN }, body }),
    );
  const upload = (bytes: string, force: string) => {
    // `do_multipart_upload_file`: the fields, then the file as the part `file`.
    const form = new FormData();
    form.set("runtime", "starwhale-built-in:rtv1abcdefg");
    form.set("project", "self");
    form.set("force", force);
    form.set("file", new Blob([bytes], { type: "text/plain" }), "packaged.swrt");
    return send("POST", `${base}/file`, form);
  };
  const head = async () => {
    const res = await send("HEAD", base);
    await res.body?.cancel();
    return res.status;
  };
  const pulled = async () => await (await send("GET", `${base}/file`)).text();

  assertEquals(await head(), 404, "a runtime never uploaded");
  const first = await upload("runtime tar v1", "0");
  assertEquals([first.status, (await first.json()).code], [200, "success"]);
  assertEquals(await head(), 200);
  assertEquals(await pulled(), "runtime tar v1");

  const again = await upload("runtime tar v2", "0");
  const refused = await again.json();
  assertEquals(again.status, 409, JSON.stringify(refused));
  assert(refused.message.includes("rtv1abcdefg"), refused.message);
  assertEquals(await pulled(), "runtime tar v1", "a refused upload changes nothing");
  const forced = await upload("runtime tar v2", "1");
  assertEquals(forced.status, 200);
  await forced.body?.cancel();
  assertEquals(await pulled(), "runtime tar v2");

  const missing = await send(
    "GET",
    "/api/v1/project/self/runtime/starwhale-built-in/version/nope/file",
  );
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
  const badName = await send("HEAD", "/api/v1/project/self/runtime/..%2Fx/version/rtv1abcdefg");
  assert(badName.status === 400 || badName.status === 404, String(badName.status));
  await badName.body?.cancel();
});
