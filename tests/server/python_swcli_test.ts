/**
 * The read commands of Starwhale's Python `swcli` and SDK against this server, one test per
 * command: each sends the requests the Python client sends (routes, query parameters as
 * `requests` encodes them, datastore bodies), checks every answer against the pydantic model the
 * client parses it with, and reads the fields the command then uses.
 */
import { join } from "node:path";
import { parse } from "yaml";
import { assert, assertEquals } from "../_assert.ts";
import { type ServedRoot, servedRoot } from "./_fixture.ts";
import { envelopeModel, pageModel, violations } from "../wire/_upstream_models.ts";

type Json = Record<string, unknown>;

/** A GET as `requests.get(url, params=...)` sends it: `None` values left out, `False` as text. */
async function get(
  s: ServedRoot,
  path: string,
  params: Record<string, string | number | boolean | null> = {},
): Promise<Json> {
  const query: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === null) continue;
    query.push(`${k}=${encodeURIComponent(v === true ? "True" : v === false ? "False" : v)}`);
  }
  const res = await s.call(query.length ? `${path}?${query.join("&")}` : path);
  assertEquals([res.status, res.json.code], [200, "success"], `${path}: ${JSON.stringify(res)}`);
  return res.json as unknown as Json;
}

/** `raise_on_error().response()`: the body must parse as the client's pydantic model. */
function parsed(body: Json, model: string, what: string): Json {
  const broken = violations(
    body,
    envelopeModel(model.startsWith("Page:") ? pageModel(model.slice(5)) : model),
  );
  assertEquals(broken, [], `${what}:\n${broken.join("\n")}`);
  return body.data as Json;
}

/** `CloudRequestMixed.parse_pager`: the keys it indexes without a default. */
function pager(data: Json): void {
  for (const k of ["total", "size", "pageNum", "pageSize", "pages", "prePage", "nextPage"]) {
    assertEquals(typeof data[k], "number", `pager field ${k}`);
  }
  for (const k of ["hasPreviousPage", "hasNextPage"]) assertEquals(typeof data[k], "boolean");
}

/** `Project(name)` on a server: `get_remote_project_id`, then the id names the project. */
async function projectId(s: ServedRoot): Promise<string> {
  const data = (await get(s, "/api/v1/project/self")).data as Json;
  assert(typeof data.id === "string" && data.id !== "", JSON.stringify(data));
  return data.id as string;
}

/** `Resource(uri, refine=True)` of a model or dataset: `?versionUrl=` then `versionName`. */
async function refine(s: ServedRoot, p: string, typ: string, name: string): Promise<string> {
  const data = (await get(s, `/api/v1/project/${p}/${typ}/${name}`, { versionUrl: "latest" }))
    .data as Json;
  assertEquals(data.name, name);
  assert(typeof data.versionName === "string" && data.versionName, JSON.stringify(data));
  return data.versionName as string;
}

/** `RemoteDataStore.scan_tables`: one table, typed values, pages of 1000 by `lastKey`. */
async function scanTables(
  s: ServedRoot,
  table: { tableName: string; revision?: string },
  range: { start?: Json } = {},
): Promise<Json[]> {
  const res = await s.call("/api/v1/datastore/scanTable", {
    body: { tables: [table], encodeWithType: true, ...range, limit: 1000 },
  });
  assertEquals([res.status, res.json.code], [200, "success"], JSON.stringify(res.json));
  const records = ((res.json.data as Json).records ?? []) as Json[];
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      assert(typeof (v as Json).type === "string", `column ${k} has no type: ${JSON.stringify(v)}`);
    }
  }
  return records;
}

Deno.test("swcli project list: GET /project?pageNum&pageSize as PageInfo<ProjectVo>", async () => {
  await using s = await servedRoot();
  const data = parsed(
    await get(s, "/api/v1/project", { projectName: null, pageNum: 1, pageSize: 20 }),
    "Page:@ProjectVo",
    "project list",
  );
  pager(data);
  const [p] = data.list as { id: string; name: string; owner: { name: string } }[];
  assertEquals([p.name, typeof p.owner.name], ["self", "string"]);
});

Deno.test("swcli project info: the project by name, then its ProjectVo with statistics", async () => {
  await using s = await servedRoot();
  await projectId(s);
  const data = parsed(await get(s, "/api/v1/project/self"), "@ProjectVo", "project info");
  const stats = data.statistics as Json;
  assertEquals([stats.modelCounts, stats.datasetCounts, stats.evaluationCounts], [1, 1, 1]);
});

Deno.test("swcli model list: GET /project/{id}/model with the client's ListFilter params", async () => {
  await using s = await servedRoot();
  const p = await projectId(s);
  const base = { pageNum: 1, pageSize: 20, name: null, version: null, owner: null };
  const all = parsed(
    await get(s, `/api/v1/project/${p}/model`, { ...base, latest: false }),
    "Page:@ModelVo",
    "model list",
  );
  pager(all);
  const [m] = all.list as { name: string; version: Json; owner: Json }[];
  // ModelTermViewRich.list reads these.
  assertEquals(m.name, "noop");
  assert(typeof m.version.name === "string" && typeof m.version.alias === "string");
  assert(Array.isArray(m.version.tags) && typeof m.version.size === "number");
  const named = parsed(
    await get(s, `/api/v1/project/${p}/model`, { ...base, name: "noop", latest: true }),
    "Page:@ModelVo",
    "model list --filter name=noop --filter latest",
  );
  assertEquals((named.list as Json[]).length, 1);
  // A Starwhale Server matches the name filter anywhere in the name (SQL `like %name%`).
  for (const [name, found] of [["oo", ["noop"]], ["nope", []]] as const) {
    const page = parsed(
      await get(s, `/api/v1/project/${p}/model`, { ...base, name, latest: false }),
      "Page:@ModelVo",
      `model list --filter name=${name}`,
    );
    assertEquals((page.list as { name: string }[]).map((m) => m.name), found);
  }
});

Deno.test("swcli model info: refine by ?versionUrl=latest, then ModelApi.info by ?versionName=", async () => {
  await using s = await servedRoot();
  const p = await projectId(s);
  const version = await refine(s, p, "model", "noop");
  const info = parsed(
    await get(s, `/api/v1/project/${p}/model/noop`, { versionName: version }),
    "@ModelInfoVo",
    "model info",
  );
  assertEquals(info.versionName, version);
  const steps = (info.versionInfo as { stepSpecs: Json[] }).stepSpecs;
  assertEquals(steps.map((x) => [x.job_name, x.name]), [["noop:noop", "noop:noop"]]);
});

Deno.test("swcli dataset list: GET /project/{name}/dataset as PageInfo<DatasetVo>", async () => {
  await using s = await servedRoot();
  const data = parsed(
    await get(s, "/api/v1/project/self/dataset", {
      pageNum: 1,
      pageSize: 20,
      name: null,
      version: null,
      owner: null,
      latest: false,
    }),
    "Page:@DatasetVo",
    "dataset list",
  );
  pager(data);
  assertEquals((data.list as { name: string }[]).map((d) => d.name), ["d"]);
  const byName = async () =>
    parsed(
      await get(s, "/api/v1/project/self/dataset", {
        pageNum: 1,
        pageSize: 20,
        name: "d",
        latest: false,
      }),
      "Page:@DatasetVo",
      "dataset list --filter name=d",
    );
  const filtered = await byName();
  assertEquals((filtered.list as { name: string }[]).map((d) => d.name), ["d"]);
  await s.local.buildDataset("self", { name: "odd", rows: [{ x: 1 }] });
  const both = await byName();
  assertEquals((both.list as { name: string }[]).map((d) => d.name).sort(), ["d", "odd"]);
});

Deno.test("swcli dataset info: refine, then DatasetApi.info by ?versionName=, with its summary", async () => {
  await using s = await servedRoot();
  const p = await projectId(s);
  const version = await refine(s, p, "dataset", "d");
  const info = parsed(
    await get(s, `/api/v1/project/${p}/dataset/d`, { versionName: version }),
    "@DatasetInfoVo",
    "dataset info",
  );
  // CloudDataset.summary(): DatasetSummary(**versionMeta.dataset_summary).
  const meta = parse(info.versionMeta as string) as { dataset_summary: { rows: number } };
  assertEquals(meta.dataset_summary.rows, 1);
});

Deno.test("swcli dataset head: HEAD of the version, its revisions from versionMeta, then scanTable", async () => {
  await using s = await servedRoot();
  const p = await projectId(s);
  const version = await refine(s, p, "dataset", "d");
  const head = await s.app.fetch(
    new Request(`http://sw.test/api/v1/project/${p}/dataset/d/version/${version}`, {
      method: "HEAD",
      headers: { authorization: "fixture" },
    }),
  );
  assertEquals(head.status, 200, "no support to set a non-existed dataset to the readonly mode");
  await head.body?.cancel();
  const info = (await get(s, `/api/v1/project/${p}/dataset/d`, { versionUrl: version })).data as {
    versionMeta: string;
  };
  const meta = parse(info.versionMeta) as Json;
  const data = String(meta.data_datastore_revision ?? "");
  const infoRevision = String(meta.info_datastore_revision ?? "");
  const rows = await scanTables(s, {
    tableName: `project/${p}/dataset/d/_current/meta`,
    revision: data,
  });
  assertEquals(rows.length, 1);
  assertEquals(Object.keys(rows[0]).sort(), ["features/x", "id"]);
  // The dataset's info table: a revision of "" and no such table read as no rows.
  assertEquals(
    await scanTables(s, {
      tableName: `project/${p}/dataset/d/_current/info`,
      revision: infoRevision,
    }),
    [],
  );
});

Deno.test("swcli job list and SDK Job.list: GET /project/{id}/job?pageNum&pageSize", async () => {
  await using s = await servedRoot();
  const p = await projectId(s);
  const data = parsed(
    await get(s, `/api/v1/project/${p}/job`, { pageNum: 1, pageSize: 20 }),
    "Page:@JobVo",
    "job list",
  );
  pager(data);
  const [j] = data.list as { uuid: string; id: string }[];
  // Job.list makes each job's URI from its uuid; the job reads by it.
  assertEquals(j.uuid, s.job.id);
  parsed(await get(s, `/api/v1/project/${p}/job/${j.uuid}`), "@JobVo", "job by uuid");
  parsed(await get(s, `/api/v1/project/${p}/job/${j.id}`), "@JobVo", "job by id");
});

Deno.test("swcli job info and job(uri) reads: JobVo, tasks, summary, tables and rows", async () => {
  await using s = await servedRoot();
  const pkg = join(s.root, ".notes");
  await Deno.mkdir(pkg);
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    join(pkg, "notes.ts"),
    `import { handler } from "${sdk}";
export const notes = handler(async (ctx) => {
  for (let i = 0; i < 3; i++) ctx.log("notes", { id: i, text: "n" + i });
  ctx.logSummary({ ok: 1 });
});
`,
  );
  await s.local.buildModel("self", { dir: pkg, name: "notes" });
  const uuid = (await s.local.createJob("self", { model: "notes", runHandler: "notes:notes" })).id;
  const p = await projectId(s);
  const vo = parsed(await get(s, `/api/v1/project/${p}/job/${uuid}`), "@JobVo", "job info");
  assertEquals([vo.uuid, vo.jobStatus], [uuid, "SUCCESS"]);
  const tasks = parsed(
    await get(s, `/api/v1/project/${p}/job/${uuid}/task`, { pageNum: 1, pageSize: 100000 }),
    "Page:@TaskVo",
    "job tasks",
  );
  assertEquals((tasks.list as Json[]).length, 1);
  // Evaluation(id=uuid).get_summary(): scan the summary table from the id, take its row.
  const summary = await scanTables(s, { tableName: `project/${p}/eval/summary` }, {
    start: uuid as unknown as Json,
  });
  const row = summary.find((r) => (r.id as Json).value === uuid);
  assert(row, `no summary row for ${uuid}: ${JSON.stringify(summary)}`);
  assertEquals(row.ok, { type: "INT64", value: "0000000000000001" });
  // job.tables: listTables with the job's prefix, the names after it.
  const prefix = `project/${p}/eval/${uuid.slice(0, 2)}/${uuid}`;
  const listed = await s.call("/api/v1/datastore/listTables", { body: { prefixes: [prefix] } });
  assertEquals(listed.json.code, "success");
  const tables = (listed.json.data as { tables: string[] }).tables;
  assertEquals(tables, [`${prefix}/notes`]);
  // job.get_table_rows("notes", start=1): the same scan over the job's table.
  const rows = await scanTables(s, { tableName: `${prefix}/notes` }, {
    start: "0000000000000001" as unknown as Json,
  });
  assertEquals(rows.map((r) => (r.text as Json).value), ["n1", "n2"]);
});
