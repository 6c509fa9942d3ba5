/**
 * scanTable over HTTP (a real socket on 127.0.0.1, 1000-record pages, typed encoding) against a
 * direct local scan of the same table. Rows: `{ id, label, score, text }`.
 *
 * Run: `deno run -A bench/server_scan_bench.ts [rows]` (default 1,000,000).
 *
 * @module
 */
import { serve } from "../lib/server/mod.ts";
import { RemoteInstance } from "../lib/remote/mod.ts";
import { leaseDatastore } from "../lib/standalone/datastore_pool.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const TABLE = "project/self/eval/be/bench/results";
const root = await Deno.makeTempDir({ prefix: "sw-bench-scan-" });
const server = await serve({ port: 0, root, token: "bench" });
try {
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
  let t = performance.now(), n = 0;
  for await (const _ of lease.ds.scan(TABLE)) n++;
  const local = performance.now() - t;
  await lease.release();
  await using remote = new RemoteInstance({ url: server.url, token: "bench" });
  t = performance.now();
  let m = 0;
  for await (const _ of remote.scanTable(TABLE)) m++;
  const http = performance.now() - t;
  if (n !== N || m !== N) throw new Error(`expected ${N} rows, local ${n}, http ${m}`);
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString("en");
  console.log(`rows: ${N}`);
  console.log(`local scan:  ${local.toFixed(0)} ms, ${rate(local)} rows/s`);
  console.log(
    `HTTP scan:   ${http.toFixed(0)} ms, ${rate(http)} rows/s (${Math.ceil(N / 1000)} pages)`,
  );
  console.log(`ratio local/HTTP: ${(http / local).toFixed(1)}x`);
} finally {
  await server.shutdown();
  await Deno.remove(root, { recursive: true });
}
