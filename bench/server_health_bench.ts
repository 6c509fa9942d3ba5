/**
 * Is the server still responsive while heavy reads run? A server in a child process over a table
 * of `rows` rows; two clients repeat heavy reads for `seconds` while a Worker GETs `/health` every
 * 25 ms. Heavy reads, in turn: `queryTable` ordered by a column (first page), `queryTable` with a
 * `start` offset near the end, and a full `scanTable` through the remote adapter. Reports the
 * `/health` latency, the stalls of the server's event loop with the CPU the server used meanwhile
 * (watched inside the server, see `_lag_server.ts`), how long each heavy read took, and the server's peak RSS.
 *
 * Run: `deno run -A bench/server_health_bench.ts [--old=<checkout>] [--rows=1000000]
 * [--seconds=20] [--reps=2] [--heavy=orderBy,offset,scan]`; with `--old`, that checkout's server runs in the same run,
 * interleaved with this one (the client side is this checkout's in both).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { RemoteInstance } from "../lib/remote/mod.ts";
import { leaseDatastore } from "../lib/standalone/datastore_pool.ts";
import { childServer, HERE, median, quantile } from "./_child_server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    old: { type: "string" },
    rows: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "20" },
    reps: { type: "string", default: "2" },
    heavy: { type: "string", default: "orderBy,offset,scan" },
  },
});
const HEAVY = values.heavy!.split(",");
const N = Number(values.rows), SECONDS = Number(values.seconds), REPS = Number(values.reps);
const TABLE = "project/self/eval/he/health/results";

const root = await Deno.makeTempDir({ prefix: "sw-bench-health-" });
{
  const lease = await leaseDatastore(root, { durability: "none" });
  for (let i = 0; i < N; i += 10_000) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 10_000); j++) {
      rows.push({ id: j, label: j % 10, score: (j * 7919) % 1_000_003, text: `row ${j}` });
    }
    await lease.ds.update(TABLE, rows);
  }
  await lease.ds.flush();
  await lease.release();
}

interface Run {
  health: number[];
  heavy: Record<string, number[]>;
  errors: Record<string, string>;
  peakMiB: number;
  stalls: [number, number][];
}

async function run(code: string): Promise<Run> {
  const server = await childServer(root, { code, watchLoop: true });
  const out: Run = { health: [], heavy: {}, errors: {}, peakMiB: NaN, stalls: [] };
  try {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/v1/datastore/${path}`, {
        method: "POST",
        headers: { authorization: "Bearer bench", "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${res.status} ${json.message?.split("\n").at(-1)}`);
      return json.data;
    };
    const remote = new RemoteInstance({ url: server.url, token: "bench" });
    const heavy = ([
      ["orderBy", "queryTable orderBy score, first 1000", () =>
        post("queryTable", {
          tableName: TABLE,
          orderBy: [{ columnName: "score", descending: true }],
          limit: 1000,
        })],
      [
        "offset",
        `queryTable start=${N - 1000}`,
        () => post("queryTable", { tableName: TABLE, start: N - 1000, limit: 1000 }),
      ],
      ["scan", "scanTable, every row (remote adapter)", async () => {
        let n = 0;
        for await (const _ of remote.scanTable(TABLE)) n++;
        if (n !== N) throw new Error(`scanned ${n} rows`);
      }],
    ] as [string, string, () => Promise<unknown>][])
      .filter(([key]) => HEAVY.includes(key))
      .map(([, name, fn]) => [name, fn] as const);
    const end = performance.now() + SECONDS * 1000;
    let turn = 0;
    const worker = async () => {
      for (let i = 0; i < 100 && performance.now() < end; i++) {
        const [name, fn] = heavy[turn++ % heavy.length];
        const t = performance.now();
        try {
          await fn();
          (out.heavy[name] ??= []).push(performance.now() - t);
        } catch (e) {
          out.errors[name] = (e as Error).message;
        }
      }
    };
    const prober = new Worker(new URL("./_health_prober.ts", import.meta.url), { type: "module" });
    const probed = new Promise<number[]>((resolve) => prober.onmessage = (e) => resolve(e.data));
    prober.postMessage({ url: server.url });
    await Promise.all([worker(), worker()]);
    prober.postMessage({ stop: true });
    out.health = await probed;
    await remote.close();
    out.peakMiB = server.peakRssMiB();
  } finally {
    out.stalls = await server.stop();
  }
  return out;
}

const codes: [string, string][] = [["this checkout", HERE]];
if (values.old) codes.unshift(["old", values.old]);
const results = new Map<string, Run[]>();
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, code] of rep % 2 ? [...codes].reverse() : codes) {
      results.set(name, [...(results.get(name) ?? []), await run(code)]);
    }
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
console.log(`${N.toLocaleString("en")} rows, ${SECONDS}s per run, ${REPS} reps interleaved\n`);
console.log(
  "| server | /health n | p50 ms | p99 ms | max ms | loop stalls > 50 ms | longest stall ms " +
    "(its cpu ms) | server peak RSS MiB |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const [name, rs] of results) {
  const h = rs.flatMap((r) => r.health);
  console.log(
    `| ${name} | ${h.length} | ${quantile(h, 0.5).toFixed(1)} | ${quantile(h, 0.99).toFixed(1)} | ${
      Math.max(...h).toFixed(0)
    } | ${rs.map((r) => r.stalls.filter(([wall]) => wall > 50).length).join(", ")} | ${
      rs.map((r) => {
        const [wall, cpu] = r.stalls.reduce((a, b) => (b[0] > a[0] ? b : a), [0, 0]);
        return `${wall} (${cpu})`;
      }).join(", ")
    } | ${rs.map((r) => r.peakMiB.toFixed(0)).join(", ")} |`,
  );
}
console.log("\n| server | heavy read | done | median ms | error |");
console.log("|---|---|---|---|---|");
for (const [name, rs] of results) {
  const names = new Set(rs.flatMap((r) => [...Object.keys(r.heavy), ...Object.keys(r.errors)]));
  for (const q of names) {
    const ts = rs.flatMap((r) => r.heavy[q] ?? []);
    const err = rs.map((r) => r.errors[q]).find((e) => e) ?? "";
    console.log(
      `| ${name} | ${q} | ${ts.length} | ${ts.length ? median(ts).toFixed(0) : "-"} | ${err} |`,
    );
  }
}
