import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { assertEquals, assertNotEquals } from "../_assert.ts";
import { buildPackage, tempInstance } from "./_helpers.ts";
import { JobStore, type StoredJob } from "../../lib/standalone/job_store.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;

Deno.test("a standalone job's manifest is written at each status change, in the Python SDK's layout", async () => {
  await using t = await tempInstance();
  await buildPackage(t.instance, {
    name: "gate",
    files: {
      "gate.ts": `import { handler } from "${SDK}";
export const wait = handler(async (ctx) => {
  await (globalThis as unknown as { swTestGate: Promise<void> }).swTestGate;
  ctx.log("seen", { id: 1, ok: true });
});
`,
    },
  });
  let open!: () => void;
  const gate = globalThis as unknown as { swTestGate?: Promise<void> };
  gate.swTestGate = new Promise((r) => open = r);
  try {
    const running = t.instance.createJob("self", { model: "gate", runHandler: "gate:wait" });
    const manifest = async () => {
      const [job] = (await t.instance.listJobs("self"))[0];
      if (!job) return undefined;
      const path = join(t.root, "self", "job", job.id.slice(0, 2), job.id, "_manifest.yaml");
      const text = await Deno.readTextFile(path).catch(() => undefined);
      return text === undefined ? undefined : parseYaml(text) as Record<string, unknown>;
    };
    let during: Record<string, unknown> | undefined;
    for (let i = 0; i < 5000 && during?.status !== "running"; i++) {
      during = await manifest();
      if (during?.status !== "running") await new Promise((r) => setTimeout(r, 2));
    }
    assertEquals([during?.status, during?.finished_at], ["running", ""]);
    open();
    const job = await running;
    const after = (await manifest())!;
    assertEquals([after.status, after.version, after.handler_name], [
      "success",
      job.id,
      "gate:wait",
    ]);
    assertNotEquals(after.finished_at, "");
  } finally {
    open();
    delete gate.swTestGate;
  }
});

Deno.test("JobStore.list() sees every write to the index between two lists (in memory, after a flush, from another store object)", async () => {
  await using t = await tempInstance();
  const ds = await t.instance.open();
  await Deno.mkdir(join(t.root, "self"), { recursive: true });
  const store = new JobStore(t.root, { project: "self", ds });
  const job = (i: number, status: "SUCCESS" | "FAIL" = "SUCCESS"): StoredJob => ({
    id: `job${String(i).padStart(4, "0")}`,
    project: "self",
    status,
    model: "m",
    modelVersion: "v",
    datasets: [],
    handler: "h:h",
    createdAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    finishedAt: null,
    errorMessage: null,
    removed: false,
    modelSrcDir: "",
  });
  for (let i = 0; i < 5; i++) await store.save(job(i));
  const ids = async (options: { status?: "FAIL" } = {}) =>
    (await store.list(options))[0].map((j) => j.id);
  assertEquals(await ids(), ["job0004", "job0003", "job0002", "job0001", "job0000"]);
  await store.save(job(2, "FAIL"));
  assertEquals(await ids({ status: "FAIL" }), ["job0002"]);
  await ds.flush();
  assertEquals(await ids({ status: "FAIL" }), ["job0002"]);
  await new JobStore(t.root, { project: "self", ds }).save(job(7));
  await store.remove(job(3));
  assertEquals(await ids(), ["job0007", "job0004", "job0002", "job0001", "job0000"]);
  await ds.compact();
  assertEquals((await store.list({ pageSize: 2, pageIndex: 2 }))[1].total, 5);
});
