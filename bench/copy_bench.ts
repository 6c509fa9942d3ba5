/**
 * Copying a dataset and a model package between instances, against building the same version
 * locally in the same run: a 20,000-row dataset (an MNIST-like 784-byte image, a label and an
 * integer per row) and a 16 MiB model package (one 12 MiB file and 256 small ones), local to
 * local, local to a server (in-process `app.fetch`, and a socket on 127.0.0.1) and back.
 *
 *   deno run -A bench/copy_bench.ts
 */
import { join } from "node:path";
import { Dataset, Model, StandaloneInstance } from "../mod.ts";
import { RemoteInstance } from "../lib/remote/mod.ts";
import { createApp, serve } from "../lib/server/mod.ts";

const ROWS = 20_000;
const TOKEN = "bench";
const dir = await Deno.makeTempDir({ prefix: "sw-copy-bench-" });
const rows = () =>
  Array.from({ length: ROWS }, (_, i) => ({
    image: new Uint8Array(784).fill(i % 251),
    label: i % 10,
    n: i,
  }));
const pkg = join(dir, "pkg");
await Deno.mkdir(join(pkg, "small"), { recursive: true });
await Deno.writeTextFile(
  join(pkg, "steps.ts"),
  "import { handler } from '@starwhale/sdk';\nexport const fill = handler(() => {});\n",
);
const big = new Uint8Array(12 * 1024 * 1024);
for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
await Deno.writeFile(join(pkg, "weights.bin"), big);
for (let i = 0; i < 256; i++) {
  await Deno.writeFile(join(pkg, "small", `f${i}.txt`), new Uint8Array(16 * 1024).fill(i));
}
const modelBytes = 12 * 1024 * 1024 + 256 * 16 * 1024;

const results: [string, number, string][] = [];
async function time(label: string, fn: () => Promise<unknown>, unit: "rows" | "MiB") {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  const rate = unit === "rows" ? ROWS / s : modelBytes / 1048576 / s;
  results.push([label, s, `${rate.toFixed(unit === "rows" ? 0 : 1)} ${unit}/s`]);
}

const a = new StandaloneInstance(join(dir, "a"), { durability: "none" });
const b = new StandaloneInstance(join(dir, "b"), { durability: "none" });
const s1 = new StandaloneInstance(join(dir, "s1"), { durability: "none" });
const s2root = join(dir, "s2");
const back = new StandaloneInstance(join(dir, "back"), { durability: "none" });
const app = createApp({ instance: s1, token: TOKEN });
const inProcess = new RemoteInstance({ url: "http://sw.test", token: TOKEN, fetch: app.fetch });
const server = await serve({
  host: "127.0.0.1",
  port: 0,
  root: s2root,
  token: TOKEN,
  durability: "none",
});
const socket = new RemoteInstance({ url: server.url, token: TOKEN });

await time(
  "dataset: build locally (baseline)",
  () => Dataset.build("d", rows(), { instance: a }),
  "rows",
);
await time(
  "dataset: copy local -> local",
  () => Dataset.copy("d", "self", { source: a, target: b }),
  "rows",
);
await time(
  "dataset: copy local -> server, app.fetch",
  () => Dataset.copy("d", "self", { source: a, target: inProcess }),
  "rows",
);
await time(
  "dataset: copy local -> server, socket",
  () => Dataset.copy("d", "self", { source: a, target: socket }),
  "rows",
);
await time(
  "dataset: copy server -> local, socket",
  () => Dataset.copy("d", "self", { source: socket, target: back }),
  "rows",
);
await time(
  "model: build locally (baseline)",
  () => Model.build(pkg, { name: "m", instance: a }),
  "MiB",
);
await time(
  "model: copy local -> local",
  () => Model.copy("m", "self", { source: a, target: b }),
  "MiB",
);
await time(
  "model: copy local -> server, app.fetch",
  () => Model.copy("m", "self", { source: a, target: inProcess }),
  "MiB",
);
await time(
  "model: copy local -> server, socket",
  () => Model.copy("m", "self", { source: a, target: socket }),
  "MiB",
);
await time(
  "model: copy server -> local, socket",
  () => Model.copy("m", "self", { source: socket, target: back }),
  "MiB",
);
await time(
  "model: a repeated copy (no-op), socket",
  () => Model.copy("m", "self", { source: a, target: socket }),
  "MiB",
);

const base = (kind: string) =>
  results.find((r) => r[0].startsWith(kind) && r[0].includes("baseline"))![1];
console.log("| what | seconds | rate | time vs local build |");
console.log("| --- | ---: | ---: | ---: |");
for (const [label, s, rate] of results) {
  console.log(
    `| ${label} | ${s.toFixed(3)} | ${rate} | ${(s / base(label.split(":")[0])).toFixed(2)}x |`,
  );
}

await app.close();
await server.shutdown();
for (const i of [a, b, s1, back]) await i.close();
await Deno.remove(dir, { recursive: true });
