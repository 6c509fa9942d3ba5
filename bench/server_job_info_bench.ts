/**
 * Requests per second for job info (`GET /api/v1/project/self/job/1`) under concurrent load:
 * from a second process over a real socket on 127.0.0.1 (a `deno run` client firing the requests
 * `concurrency` at a time), next to the same requests sent in-process through `app.fetch`.
 *
 * Run: `deno run -A bench/server_job_info_bench.ts [requests] [concurrency...]`
 * (default 5000 requests at concurrency 1, 16 and 64).
 *
 * @module
 */
import { join } from "node:path";
import { createApp, serve } from "../lib/server/mod.ts";
import { StandaloneInstance } from "../lib/standalone/instance.ts";

const N = Number(Deno.args[0] ?? 5000);
const LEVELS = Deno.args.length > 1 ? Deno.args.slice(1).map(Number) : [1, 16, 64];
const TOKEN = "bench";
const root = await Deno.makeTempDir({ prefix: "sw-bench-info-" });
const pkg = join(root, ".pkg");
await Deno.mkdir(pkg);
const sdk = new URL("../mod.ts", import.meta.url).href;
await Deno.writeTextFile(
  join(pkg, "noop.ts"),
  `import { handler } from "${sdk}";\nexport const noop = handler((ctx) => ctx.logSummary({ ok: 1 }));\n`,
);
const sw = new StandaloneInstance(root, { durability: "flush" });
await sw.buildModel("self", { dir: pkg, name: "noop" });
await sw.createJob("self", { model: "noop", runHandler: "noop:noop" });
const server = await serve({ port: 0, root, token: TOKEN, instance: sw });
const app = createApp({ instance: sw, token: TOKEN });
const path = "/api/v1/project/self/job/1";

async function inProcess(concurrency: number): Promise<number> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  let next = 0;
  const lane = async () => {
    while (next < N) {
      next++;
      const res = await app.fetch(new Request(`http://in.process${path}`, { headers }));
      if ((await res.json()).code !== "success") throw new Error(`job info failed: ${res.status}`);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  return N / ((performance.now() - t) / 1000);
}

async function loopback(concurrency: number): Promise<number> {
  const client = new URL("./job_info_client.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", client, server.url + path, TOKEN, String(N), String(concurrency)],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the client process failed with ${out.code}`);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  if (r.failures) throw new Error(`${r.failures} of ${r.requests} requests failed`);
  return r.requests / (r.ms / 1000);
}

try {
  // Listing gives the job its numeric id (1) on both apps.
  const list = "/api/v1/project/self/job";
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
  await (await app.fetch(new Request(`http://in.process${list}`, auth))).body?.cancel();
  await (await fetch(server.url + list, auth)).body?.cancel();
  await inProcess(8); // warm-up
  const rows: string[][] = [];
  for (const c of LEVELS) {
    const local = await inProcess(c);
    const remote = await loopback(c);
    rows.push([
      String(c),
      Math.round(local).toLocaleString("en"),
      Math.round(remote).toLocaleString("en"),
      `${(local / remote).toFixed(1)}x`,
    ]);
  }
  const head = ["concurrency", "app.fetch req/s", "loopback req/s", "in-process/loopback"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log(`job info, ${N} requests per run, client in a second process over 127.0.0.1`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
} finally {
  await app.close();
  await server.shutdown();
  await sw.close();
  await Deno.remove(root, { recursive: true });
}
