/**
 * The engine's read path at scale, in CPU time: a store of evaluation-result rows written in
 * shuffled key order (as a bulk load does), then reopened in a fresh process for a first get,
 * one full scan, 1,000 range scans of 100 rows and 10,000 random point gets (the order of the
 * peers workload). CPU time
 * (`process.cpuUsage()`) is what to compare on a shared machine; wall time is printed too.
 *
 * ```sh
 * deno run -A bench/point_get_bench.ts build DIR [rows] [durability]  # write the store once
 * deno run -A bench/point_get_bench.ts read DIR [rows]                # one measuring process
 * deno run -A bench/point_get_bench.ts read DIR [rows] --project ROOT # another checkout's engine
 * deno run -A bench/point_get_bench.ts read DIR [rows] --cache-mb 256  # another block cache size
 * ```
 *
 * `read` opens the store read-write (a compaction the engine decides to run may change it), so
 * compare two engines on copies of one built store, alternating runs.
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [mode, dir, rowsArg, ...rest] = Deno.args;
const ROWS = Number(rowsArg ?? 1_000_000);
const projectAt = rest.indexOf("--project");
const root = projectAt >= 0
  ? resolve(rest[projectAt + 1])
  : resolve(new URL("..", import.meta.url).pathname);
const { Datastore } = await import(pathToFileURL(`${root}/datastore/mod.ts`).href);
const cacheAt = rest.indexOf("--cache-mb");
const openOptions = cacheAt >= 0 ? { blockCacheBytes: Number(rest[cacheAt + 1]) << 20 } : {};
const TABLE = "results";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "the model predicts a cat dog bird image shows blurry clear red blue small large"
  .split(" ");

function row(id: number): Record<string, unknown> {
  const rnd = mulberry32(id * 2654435761);
  const label = Math.floor(rnd() * 10);
  const pred = rnd() < 0.8 ? label : Math.floor(rnd() * 10);
  const raw = Array.from({ length: 10 }, (_, c) => Math.exp(rnd() * 4 + (c === pred ? 3 : 0)));
  const sum = raw.reduce((a, b) => a + b, 0);
  const probs = raw.map((v) => v / sum);
  let text = "";
  const len = 32 + Math.floor(rnd() * 17);
  while (text.length < len) text += (text ? " " : "") + WORDS[Math.floor(rnd() * WORDS.length)];
  return {
    id,
    label,
    pred,
    score: probs[pred],
    probs,
    text: text.slice(0, len),
    ok: pred === label,
  };
}

function shuffled(n: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const rnd = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function cpuMs(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function measure<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  return fn().then((out) => {
    const wall = performance.now() - t;
    console.log(
      `${label.padEnd(24)} cpu ${cpuMs(cpu).toFixed(1).padStart(8)} ms   wall ${
        wall.toFixed(1).padStart(8)
      } ms`,
    );
    return out;
  });
}

if (mode === "build") {
  const durability = rest.find((a) => ["fsync", "flush", "none"].includes(a)) ?? "fsync";
  const order = shuffled(ROWS, 7);
  await measure(`ingest ${durability}`, async () => {
    const ds = await Datastore.open(dir, { durability });
    for (let i = 0; i < ROWS; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(ROWS, i + 1000); j++) rows.push(row(order[j]));
      await ds.update(TABLE, rows);
    }
    await ds.close();
  });
} else if (mode === "read") {
  const keys = shuffled(ROWS, 11).subarray(0, 10_000);
  const starts = shuffled(ROWS, 13).subarray(0, 1000);
  const ds = await measure("reopen + first get", async () => {
    const ds = await Datastore.open(dir, openOptions);
    if ((await ds.get(TABLE, keys[0]))?.id !== keys[0]) throw new Error("first get failed");
    return ds;
  });
  await measure("full scan", async () => {
    let n = 0;
    for await (const _ of ds.scan(TABLE)) n++;
    if (n !== ROWS) throw new Error(`full scan: ${n} rows`);
  });
  await measure("1,000 range scans x100", async () => {
    for (const s of starts) {
      let n = 0;
      for await (const _ of ds.scan(TABLE, { start: s, limit: 100 })) n++;
      if (n !== Math.min(100, ROWS - s)) throw new Error(`range ${s}: ${n} rows`);
    }
  });
  await measure("10,000 point gets", async () => {
    for (const k of keys) {
      if ((await ds.get(TABLE, k))?.id !== k) throw new Error(`get ${k} failed`);
    }
  });
  await measure("close", () => ds.close());
} else {
  console.error(
    "usage: point_get_bench.ts build|read DIR [rows] [fsync|flush|none] [--project ROOT]",
  );
  Deno.exit(2);
}
