/**
 * `copyJob` of one job with a `results` table of N rows, three ways: standalone to standalone,
 * standalone to a server (a real socket on 127.0.0.1), and back from the server to a fresh
 * standalone root; each against the plain HTTP `scanTable` of the same rows (the least a copy
 * over HTTP must do). Rows: `{ id, output/label, output/score, input/text }`. Every store runs
 * with durability `none`, so the numbers are the copy's own cost, not the disk's.
 *
 * Run: `deno run -A bench/job_copy_bench.ts [rows]` (default 100,000).
 *
 * @module
 */
import { serve } from "../lib/server/mod.ts";
import { RemoteInstance } from "../lib/remote/mod.ts";
import { StandaloneInstance } from "../lib/standalone/mod.ts";
import { copyJob, type Instance, type JobRef } from "../lib/sdk/mod.ts";

const N = Number(Deno.args[0] ?? 100_000);
const ID = "bench".padEnd(40, "0");
const ref: JobRef = { project: "self", id: ID };
const dirs = await Promise.all(
  [0, 1, 2, 3].map(() => Deno.makeTempDir({ prefix: "sw-bench-copy-" })),
);
const [srcRoot, localRoot, serverRoot, backRoot] = dirs;
const server = await serve({ port: 0, root: serverRoot, token: "bench", durability: "none" });
try {
  await using src = new StandaloneInstance(srcRoot, { durability: "none" });
  const { prefix, summary } = await src.jobTableLocation(ref);
  for (let i = 0; i < N; i += 10_000) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 10_000); j++) {
      rows.push({
        id: j,
        "output/label": j % 10,
        "output/score": (j % 997) / 997,
        "input/text": `row ${j} of the benchmark`,
      });
    }
    await src.updateTable(`${prefix}results`, rows);
  }
  await src.updateTable(summary, [{ id: ID, accuracy: 0.9 }]);
  const now = new Date().toISOString();
  await src.importJob("self", {
    record: {
      id: ID,
      project: "self",
      status: "SUCCESS",
      model: "bench",
      modelVersion: null,
      datasets: [],
      handler: "bench:run",
      createdAt: now,
      finishedAt: now,
      errorMessage: null,
    },
    manifest: {},
  });
  await using local = new StandaloneInstance(localRoot, { durability: "none" });
  await using remote = new RemoteInstance({ url: server.url, token: "bench" });
  await using back = new StandaloneInstance(backRoot, { durability: "none" });
  const time = async (from: Instance, to: Instance) => {
    const t = performance.now();
    const r = await copyJob({ instance: from, ref }, { instance: to, project: "self" });
    if (r.rows !== N + 1) throw new Error(`copied ${r.rows} rows, expected ${N + 1}`);
    return performance.now() - t;
  };
  const toLocal = await time(src, local);
  const toServer = await time(src, remote);
  const fromServer = await time(remote, back);
  const t = performance.now();
  let m = 0;
  for await (const _ of remote.scanTable(`${prefix}results`)) m++;
  const scan = performance.now() - t;
  if (m !== N) throw new Error(`scanned ${m} rows, expected ${N}`);
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString("en");
  console.log(`rows: ${N}`);
  console.log("| what | ms | rows/s | vs HTTP scan |");
  console.log("| --- | ---: | ---: | ---: |");
  for (
    const [what, ms] of [
      ["HTTP scanTable of the rows (baseline)", scan],
      ["copy standalone -> standalone", toLocal],
      ["copy standalone -> server", toServer],
      ["copy server -> standalone", fromServer],
    ] as const
  ) {
    console.log(`| ${what} | ${ms.toFixed(0)} | ${rate(ms)} | ${(ms / scan).toFixed(2)}x |`);
  }
} finally {
  await server.shutdown();
  for (const d of dirs) await Deno.remove(d, { recursive: true });
}
