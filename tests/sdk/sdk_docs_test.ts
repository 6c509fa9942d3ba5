// Every example of the Job SDK page of Starwhale's documentation, as TypeScript.
import { assertEquals } from "../_assert.ts";
import { join } from "node:path";
import { Config, Dataset, Job, job, Model } from "../../mod.ts";
import { createApp } from "../../lib/server/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { STEPS_PACKAGE, tempPackage, tempRoot } from "./_helpers.ts";

const SERVER_CONFIG = {
  version: "2.0",
  current_instance: "local",
  instances: {
    local: { uri: "local", type: "standalone", current_project: "self" },
    server: { uri: "https://server", type: "cloud", sw_token: "secret", current_project: "1" },
    "cloud-cn": { uri: "https://cloud.starwhale.cn", type: "cloud", sw_token: "t2" },
  },
};

Deno.test("Job SDK docs: the standalone examples run against the configured storage root", async (t) => {
  await using root = await tempRoot();
  await using pkg = await tempPackage(STEPS_PACKAGE);
  const configPath = join(root.root, "..", "config.yaml");
  await Deno.writeTextFile(configPath, JSON.stringify({ ...SERVER_CONFIG }));
  const saved = [Deno.env.get("SW_CLI_CONFIG"), Deno.env.get("SW_LOCAL_STORAGE")];
  Deno.env.set("SW_CLI_CONFIG", configPath);
  Deno.env.set("SW_LOCAL_STORAGE", root.root);
  try {
    await Model.build(pkg.dir, { name: "mnist" });
    await Dataset.build("mnist", Array.from({ length: 5 }, (_, x) => ({ x })));

    let created!: Job;
    await t.step(
      "Job.create(project='self', model='mnist', run_handler=..., datasets=['mnist'])",
      async () => {
        created = await Job.create({
          project: "self",
          model: "mnist",
          runHandler: "flow.steps:Doubler.evaluate",
          datasets: ["mnist"],
        });
        assertEquals(await created.status, "SUCCESS");
      },
    );
    const short = created.id.slice(0, 7);

    await t.step(
      "job('local/project/self/job/<id>'), job('<id>') and Job.get('<id>')",
      async () => {
        for (
          const j of [
            job(`local/project/self/job/${short}`),
            job(short),
            Job.get(short),
            Job.get(`local/project/self/job/${short}`),
          ]
        ) {
          assertEquals(await j.status, "SUCCESS");
          assertEquals(j.uri, `local/project/self/job/${created.id}`);
        }
      },
    );

    await t.step("Job.list() lists the selected project", async () => {
      const [jobs, page] = await Job.list();
      assertEquals(jobs.map((j) => j.id), [created.id]);
      assertEquals(page.total, 1);
    });

    await t.step("print(j1.summary), print(j1.tables)", async () => {
      const j1 = job(short);
      assertEquals(await j1.summary, { id: created.id, n: 5, sum: 20 });
      assertEquals(await j1.tables, ["results"]);
    });

    await t.step(
      "get_table_rows(table_name), (start=0, end=100), ('results', start=0, end=1)[0]",
      async () => {
        const j = job(`local/project/self/job/${short}`);
        const tableName = (await j.tables)[0];
        assertEquals((await Array.fromAsync(j.getTableRows(tableName))).length, 5);
        assertEquals(
          (await Array.fromAsync(j.getTableRows(tableName, { start: 0, end: 100 }))).length,
          5,
        );
        const [result] = await Array.fromAsync(j.getTableRows("results", { start: 0, end: 1 }));
        assertEquals(result.id, 0);
        assertEquals(result["output/y"], 0);
      },
    );
  } finally {
    for (
      const [name, value] of [["SW_CLI_CONFIG", saved[0]], ["SW_LOCAL_STORAGE", saved[1]]] as const
    ) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});

Deno.test("Job SDK docs: server job URIs resolve to the logged-in instance and project", () => {
  const config = Config.from(SERVER_CONFIG, { root: "/unused" });
  // job("https://server/job/1"): Starwhale's Python SDK cannot parse it; here the instance's selected project is used.
  const j1 = job("https://server/job/1", { config });
  assertEquals(j1.uri, "https://server/project/1/job/1");
  assertEquals(j1.instance.kind, "cloud");
  assertEquals(
    Job.get("https://server/project/1/job/1", { config }).uri,
    "https://server/project/1/job/1",
  );
  assertEquals(
    job("cloud://server/project/2/job/9", { config }).uri,
    "https://server/project/2/job/9",
  );
  assertEquals(
    job("https://cloud.starwhale.cn/projects/starwhale:public/jobs/123", { config }).uri,
    "https://cloud.starwhale.cn/project/starwhale:public/job/123",
  );
});

Deno.test("Job SDK docs: Job.list('https://server/project/<p>', page_index=2, page_size=10) pages a server", async () => {
  await using root = await tempRoot();
  await using pkg = await tempPackage(STEPS_PACKAGE);
  await Model.build(pkg.dir, { name: "mnist", instance: root.instance });
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    ids.push(
      (await Job.create({
        project: "self",
        model: "mnist",
        runHandler: "flow.steps:report",
        instance: root.instance,
      })).id,
    );
  }
  const app = createApp({
    instance: root.instance,
    token: "secret",
    store: await root.instance.open(),
  });
  try {
    await using remote = new RemoteInstance({
      url: "https://server",
      token: "secret",
      fetch: (r) => app.fetch(r),
    });
    const config = Config.from(SERVER_CONFIG, { root: "/unused" });
    const [jobs, page] = await Job.list("https://server/project/self", {
      pageIndex: 2,
      pageSize: 10,
      config,
      instance: remote,
    });
    assertEquals(page.total, 25);
    assertEquals(page.page.pageNum, 2);
    assertEquals(jobs.length, 10);
    assertEquals(await jobs[0].status, "SUCCESS");
  } finally {
    await app.close();
  }
});
