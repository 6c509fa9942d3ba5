/**
 * Job SDK benchmarks on a standalone instance:
 * - `Job.list` over 10,000 jobs: the first page, the first page after a job was saved in this
 *   process, the first page after the index changed elsewhere (the listing is read again, as in
 *   a fresh process), and a status filter;
 * - `getTableRows` over a 1,000,000-row results table (rows/s; memory stays flat).
 *
 *   deno bench -A bench/job_bench.ts
 */

import { join } from "node:path";
import { Job, Model, StandaloneInstance } from "../mod.ts";
import { JobStore } from "../lib/standalone/job_store.ts";
import { newUniqueId } from "../lib/standalone/unique_id.ts";

const JOBS = 10_000;
const ROWS = 1_000_000;

const dir = await Deno.makeTempDir({ prefix: "sw-bench-" });
const root = join(dir, "root");
const instance = new StandaloneInstance(root, { durability: "none" });
const ds = await instance.open();

// 10,000 jobs written through the job store (manifest + index row each), a quarter FAIL.
const pkg = join(dir, "pkg");
await Deno.mkdir(pkg);
await Deno.writeTextFile(
  join(pkg, "steps.ts"),
  "import { handler } from '@starwhale/sdk';\nexport const fill = handler(() => {});\n",
);
const model = await Model.build(pkg, { name: "bench", instance });
const store = new JobStore(instance.root, { project: "self", ds });
let setup = performance.now();
const start = Date.now() - JOBS * 1000;
for (let i = 0; i < JOBS; i++) {
  await store.save({
    id: newUniqueId(),
    project: "self",
    status: i % 4 === 0 ? "FAIL" : "SUCCESS",
    model: "bench",
    modelVersion: model.version,
    datasets: [],
    handler: "steps:fill",
    createdAt: new Date(start + i * 1000).toISOString(),
    finishedAt: new Date(start + i * 1000 + 500).toISOString(),
    errorMessage: i % 4 === 0 ? "boom" : null,
    removed: false,
    modelSrcDir: "",
  });
}
console.log(`setup: ${JOBS} jobs in ${((performance.now() - setup) / 1000).toFixed(1)}s`);

// One job with a 1,000,000-row results table.
const big = await Job.create({
  project: "self",
  model: "bench",
  runHandler: "steps:fill",
  instance,
});
setup = performance.now();
const table = `project/self/eval/${big.id.slice(0, 2)}/${big.id}/results`;
for (let i = 0; i < ROWS; i += 10_000) {
  const rows = Array.from({ length: 10_000 }, (_, k) => ({
    id: i + k,
    "output/label": (i + k) % 10,
    "output/confidence": 0.5 + ((i + k) % 50) / 100,
    "input/label": (i + k) % 10,
    duration_seconds: 0.001,
  }));
  await ds.update(table, rows);
}
await ds.flush();
console.log(`setup: ${ROWS} result rows in ${((performance.now() - setup) / 1000).toFixed(1)}s`);

Deno.bench("Job.list() first page of 20 over 10,000 jobs", async () => {
  const [jobs, page] = await Job.list("self", { instance });
  if (jobs.length !== 20 || page.total !== JOBS + 1) throw new Error("wrong page");
});

// A job saved between lists (its status, say) through this process: the listing is patched.
let flip = 0;
Deno.bench("Job.list() first page over 10,000 jobs, after a job was saved here", async (b) => {
  const [[first]] = await Job.list("self", { pageSize: 1, instance });
  await store.save({ ...(await store.get(first.id)), errorMessage: `changed ${flip++}` });
  b.start();
  const [jobs] = await Job.list("self", { instance });
  b.end();
  if (jobs.length !== 20) throw new Error("wrong page");
});

// The index written by someone else (another process, a job Worker): the listing is read again,
// as the first list of a fresh process reads it.
Deno.bench(
  "Job.list() first page over 10,000 jobs, after the index changed elsewhere",
  async (b) => {
    const [[first]] = await Job.list("self", { pageSize: 1, instance });
    await ds.update(`sdk/jobs/self`, [{ id: first.id, error: `changed ${flip++}` }]);
    b.start();
    const [jobs] = await Job.list("self", { instance });
    b.end();
    if (jobs.length !== 20) throw new Error("wrong page");
  },
);

Deno.bench("Job.list() status FAIL page 3 over 10,000 jobs", async () => {
  const [jobs, page] = await Job.list("self", { status: "FAIL", pageIndex: 3, instance });
  if (jobs.length !== 20 || page.total !== JOBS / 4) throw new Error("wrong page");
});

Deno.bench("job(prefix).status over 10,000 jobs", async () => {
  if (await Job.get(big.id.slice(0, 8), { instance }).status !== "SUCCESS") {
    throw new Error("wrong job");
  }
});

Deno.bench("getTableRows('results') over 1,000,000 rows", { n: 3, warmup: 1 }, async () => {
  const before = Deno.memoryUsage().rss;
  let peak = before;
  let n = 0;
  const t0 = performance.now();
  for await (const _ of big.getTableRows("results")) {
    if (++n % 100_000 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (n !== ROWS) throw new Error(`read ${n} rows`);
  console.log(
    `  ${(n / seconds / 1e6).toFixed(2)}M rows/s, rss growth during scan ${
      ((peak - before) / 2 ** 20).toFixed(0)
    } MiB`,
  );
});

globalThis.addEventListener("unload", () => {
  instance.close().finally(() => Deno.removeSync(dir, { recursive: true }));
});
