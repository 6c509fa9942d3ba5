/**
 * Write load over HTTP: 32 concurrent writers, each writing batches of 1000 rows
 * (`{ id, label, score, text }`: INT64/INT64/FLOAT64/STRING) to its own table, to a server in a
 * child process (fsync durability). Two clients: `records` sends upstream `updateTable` bodies
 * encoded once up front (the load generator costs little beside the server); `adapter` calls
 * `RemoteInstance.updateTable` of the checkout under test, as an SDK user does. Each writer stops
 * after `batches` batches or `seconds`, whichever comes first. Reports rows/s, the latency of a
 * batch and the server's peak RSS.
 *
 * Run: `deno run -A bench/server_write_bench.ts [--old=<checkout>] [--writers=32]
 * [--batches=10] [--seconds=60] [--reps=2] [--client=records|adapter|both]`; with `--old`, that checkout's server runs in the
 * same run, interleaved with this one.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { childServer, HERE, median, quantile } from "./_child_server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    old: { type: "string" },
    writers: { type: "string", default: "32" },
    batches: { type: "string", default: "10" },
    seconds: { type: "string", default: "60" },
    reps: { type: "string", default: "2" },
    client: { type: "string", default: "both" },
  },
});
const CLIENTS = values.client === "both" ? ["records", "adapter"] : [values.client!];
const WRITERS = Number(values.writers), BATCHES = Number(values.batches);
const SECONDS = Number(values.seconds), REPS = Number(values.reps);
const ROWS = 1000;

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");
const f64 = (x: number) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return hex(dv.getUint32(0), 8) + hex(dv.getUint32(4), 8);
};
/** The body of batch `b` after `"tableName":"<table>"`. */
const tails = Array.from({ length: BATCHES }, (_, b) => {
  const records = [];
  for (let j = b * ROWS; j < (b + 1) * ROWS; j++) {
    records.push({
      values: [
        { key: "id", value: hex(j, 16) },
        { key: "label", value: hex(j % 10, 16) },
        { key: "score", value: f64((j % 997) / 997) },
        { key: "text", value: `row ${j} of the benchmark` },
      ],
    });
  }
  const schema = {
    keyColumn: "id",
    columnSchemaList: [
      { name: "id", type: "INT64" },
      { name: "label", type: "INT64" },
      { name: "score", type: "FLOAT64" },
      { name: "text", type: "STRING" },
    ],
  };
  return `","tableSchemaDesc":${JSON.stringify(schema)},"records":${JSON.stringify(records)}}`;
});

interface Run {
  rowsPerSec: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  peakMiB: number;
  seconds: number;
}

/** The rows of batch `b`, for the adapter client. */
const batchRows = Array.from({ length: BATCHES }, (_, b) =>
  Array.from({ length: ROWS }, (_, k) => {
    const j = b * ROWS + k;
    return { id: j, label: j % 10, score: (j % 997) / 997, text: `row ${j} of the benchmark` };
  }));

type Send = (w: number, b: number) => Promise<void>;

/** `records`: the pre-encoded upstream `updateTable` bodies over `fetch`. */
function recordsClient(url: string): Send {
  return async (w, b) => {
    const res = await fetch(`${url}/api/v1/datastore/updateTable`, {
      method: "POST",
      headers: { authorization: "Bearer bench", "content-type": "application/json" },
      body: `{"tableName":"project/self/eval/wr/writer${w}/results` + tails[b],
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`updateTable answered ${res.status}: ${text.slice(0, 300)}`);
  };
}

/** `adapter`: `RemoteInstance.updateTable` of the checkout under test, as an SDK user writes. */
async function adapterClient(code: string, url: string): Promise<Send & AsyncDisposable> {
  const { RemoteInstance } = await import(`${code}/lib/remote/mod.ts`);
  const remote = new RemoteInstance({ url, token: "bench" });
  const send = async (w: number, b: number) => {
    await remote.updateTable(`project/self/eval/wr/writer${w}/results`, batchRows[b]);
  };
  return Object.assign(send, { [Symbol.asyncDispose]: () => remote.close() });
}

async function run(code: string, client: string): Promise<Run> {
  const root = await Deno.makeTempDir({ prefix: "sw-bench-write-" });
  const server = await childServer(root, { code });
  try {
    await using adapter = client === "adapter" ? await adapterClient(code, server.url) : undefined;
    const send = adapter ?? recordsClient(server.url);
    const latencies: number[] = [];
    const deadline = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let b = 0; b < BATCHES && performance.now() < deadline; b++) {
        const t = performance.now();
        await send(w, b);
        latencies.push(performance.now() - t);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    return {
      rowsPerSec: (latencies.length * ROWS) / seconds,
      reqPerSec: latencies.length / seconds,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      peakMiB: server.peakRssMiB(),
      seconds,
    };
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
}

const codes: [string, string][] = [["this checkout", HERE]];
if (values.old) codes.unshift(["old", values.old]);
const results = new Map<string, Run[]>();
for (let rep = 0; rep < REPS; rep++) {
  for (const client of CLIENTS) {
    for (const [name, code] of rep % 2 ? [...codes].reverse() : codes) {
      const key = `${name}, ${client}`;
      results.set(key, [...(results.get(key) ?? []), await run(code, client)]);
    }
  }
}
console.log(
  `${WRITERS} writers x ${BATCHES} requests of ${ROWS} rows (cap ${SECONDS}s), fsync; ` +
    `${REPS} reps interleaved, medians [every rep]\n`,
);
console.log(
  "| code, client | rows/s | batches/s | p50 ms | p99 ms | max ms | server peak RSS MiB |",
);
console.log("|---|---|---|---|---|---|---|");
const all = (rs: Run[], k: keyof Run, d = 0) => rs.map((r) => r[k].toFixed(d)).join(",");
for (const [name, rs] of results) {
  const m = (k: keyof Run) => median(rs.map((r) => r[k]));
  console.log(
    `| ${name} | ${m("rowsPerSec").toFixed(0)} [${all(rs, "rowsPerSec")}] | ${
      m("reqPerSec").toFixed(1)
    } | ${m("p50").toFixed(0)} [${all(rs, "p50")}] | ${m("p99").toFixed(0)} [${all(rs, "p99")}] | ${
      m("max").toFixed(0)
    } | ${m("peakMiB").toFixed(0)} [${all(rs, "peakMiB")}] |`,
  );
}
