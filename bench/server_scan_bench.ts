/**
 * scanTable through the remote adapter (a real socket on 127.0.0.1) against a direct local scan
 * of the same table, interleaved. Rows: `{ id, label, score, text }`.
 *
 * - `inline`: the server runs in the bench's own process (client and server share one thread);
 * - `process`: the server runs in a child process (`deno run lib/server/serve.ts`), as a remote
 *   server does.
 *
 * Run: `deno run -A bench/server_scan_bench.ts [rows] [reps] [inline|process|both]`
 * (default 1,000,000 rows, 3 reps, both). To compare with an older checkout, copy this file and
 * `_child_server.ts` into its `bench/` and run both, alternating.
 *
 * @module
 */
import { serve } from "../lib/server/mod.ts";
import { RemoteInstance } from "../lib/remote/mod.ts";
import { leaseDatastore } from "../lib/standalone/datastore_pool.ts";
import { childServer, median } from "./_child_server.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const REPS = Number(Deno.args[1] ?? 3);
const MODES = (Deno.args[2] ?? "both") === "both" ? ["inline", "process"] : [Deno.args[2]];
const TABLE = "project/self/eval/be/bench/results";
const root = await Deno.makeTempDir({ prefix: "sw-bench-scan-" });

async function load(): Promise<void> {
  const lease = await leaseDatastore(root);
  for (let i = 0; i < N; i += 10_000) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 10_000); j++) {
      rows.push({
        id: j,
        label: j % 10,
        score: (j % 997) / 997,
        text: `row ${j} of the benchmark`,
      });
    }
    await lease.ds.update(TABLE, rows);
  }
  await lease.ds.flush();
  await lease.release();
}

async function localScan(): Promise<number> {
  const lease = await leaseDatastore(root);
  try {
    const t = performance.now();
    let n = 0;
    for await (const _ of lease.ds.scan(TABLE)) n++;
    if (n !== N) throw new Error(`local scan read ${n} rows, expected ${N}`);
    return performance.now() - t;
  } finally {
    await lease.release();
  }
}

async function remoteScan(url: string): Promise<number> {
  await using remote = new RemoteInstance({ url, token: "bench" });
  const t = performance.now();
  let n = 0;
  for await (const _ of remote.scanTable(TABLE)) n++;
  if (n !== N) throw new Error(`remote scan read ${n} rows, expected ${N}`);
  return performance.now() - t;
}

await load();
const results: Record<string, { local: number[]; remote: number[] }> = {};
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of MODES) {
      const r = results[mode] ??= { local: [], remote: [] };
      r.local.push(await localScan());
      if (mode === "inline") {
        const server = await serve({ port: 0, root, token: "bench" });
        try {
          r.remote.push(await remoteScan(server.url));
        } finally {
          await server.shutdown();
        }
      } else {
        const server = await childServer(root);
        try {
          r.remote.push(await remoteScan(server.url));
        } finally {
          await server.stop();
        }
      }
    }
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString("en");
console.log(`rows: ${N.toLocaleString("en")}, reps: ${REPS} (medians; every rep in brackets)\n`);
console.log("| server | local scan ms | remote scanTable ms | remote rows/s | remote / local |");
console.log("|---|---|---|---|---|");
for (const [mode, r] of Object.entries(results)) {
  const ratios = r.remote.map((x, i) => x / r.local[i]);
  console.log(
    `| ${mode} | ${median(r.local).toFixed(0)} [${r.local.map((x) => x.toFixed(0))}] | ` +
      `${median(r.remote).toFixed(0)} [${r.remote.map((x) => x.toFixed(0))}] | ` +
      `${rate(median(r.remote))} | ${median(ratios).toFixed(2)}x [${
        ratios.map((x) => x.toFixed(2))
      }] |`,
  );
}
