/**
 * One datastore directory, several processes: ingest throughput with 1, 2 and 4 writer
 * processes, the latency from a write's acknowledgement in one process to its visibility in
 * another (p50, p99), and the scan throughput of a reader while a writer ingests. Each process is
 * this file run with a role; the first one to open the directory owns it, the rest are clients.
 *
 *   deno run -A bench/multiprocess_bench.ts [rows]
 *
 * @module
 */

import { Datastore, type Row } from "../datastore/mod.ts";

const BATCH = 100;
const now = (): number => performance.timeOrigin + performance.now();

function row(i: number): Row {
  return { id: i, label: i % 10, score: (i * 7919) % 1000 / 1000, text: `row ${i} of the bench` };
}

/** Roles, run in child processes. */
async function role(name: string, args: string[]): Promise<void> {
  const ds = await Datastore.open(args[0], { durability: "flush" });
  console.log("ready");
  const [from, to] = [Number(args[1]), Number(args[2])];
  if (name === "writer") {
    await Deno.stdin.readable.getReader().read(); // the go signal
    for (let i = from; i < to; i += BATCH) {
      const rows = [];
      for (let j = i; j < Math.min(i + BATCH, to); j++) rows.push(row(j));
      await ds.update("t", rows);
    }
  } else if (name === "acker") {
    for (let i = from; i < to; i++) {
      await ds.update("lat", [{ id: i }]);
      console.log(`${i} ${now()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } else if (name === "watcher") {
    for (let i = from; i < to; i++) {
      while ((await ds.get("lat", i)) === undefined) { /* poll */ }
      console.log(`${i} ${now()}`);
    }
  }
  await ds.close();
  console.log("done");
}

function start(name: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL(import.meta.url).pathname, name, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

async function* lines(p: Deno.ChildProcess): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of p.stdout.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
}

/** Ingest by this process alone (it owns the store, nobody else uses it). */
async function ingestAlone(dir: string, rows: number): Promise<number> {
  const ds = await Datastore.open(dir, { durability: "flush" });
  const t0 = now();
  for (let i = 0; i < rows; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(i + BATCH, rows); j++) batch.push(row(j));
    await ds.update("t", batch);
  }
  await ds.close();
  return rows / (now() - t0) * 1000;
}

/** Ingest by `writers` client processes; this process owns the store and only serves. */
async function ingest(dir: string, rows: number, writers: number): Promise<number> {
  const owner = await Datastore.open(dir, { durability: "flush" });
  const share = Math.ceil(rows / writers);
  const procs: Deno.ChildProcess[] = [];
  const outs: AsyncGenerator<string>[] = [];
  for (let w = 0; w < writers; w++) {
    const p = start("writer", [dir, String(w * share), String(Math.min(rows, (w + 1) * share))]);
    const out = lines(p);
    await out.next(); // ready
    procs.push(p);
    outs.push(out);
  }
  const t0 = now();
  for (const p of procs) {
    const w = p.stdin.getWriter();
    await w.write(new Uint8Array([1]));
    await w.close();
  }
  for (const out of outs) for await (const _ of out) { /* until exit */ }
  const ms = now() - t0;
  for (const p of procs) await p.status;
  await owner.close();
  return rows / ms * 1000;
}

async function latency(dir: string, samples: number): Promise<number[]> {
  const owner = await Datastore.open(dir, { durability: "flush" });
  const watcher = start("watcher", [dir, "0", String(samples)]);
  const wOut = lines(watcher);
  await wOut.next();
  const acker = start("acker", [dir, "0", String(samples)]);
  const acks = new Map<number, number>();
  const reading = (async () => {
    for await (const l of lines(acker)) {
      const [i, t] = l.split(" ").map(Number);
      if (!Number.isNaN(t)) acks.set(i, t);
    }
  })();
  for await (const l of wOut) {
    const [i, t] = l.split(" ").map(Number);
    if (Number.isNaN(t)) continue;
    acks.set(-1 - i, t);
  }
  await reading;
  await acker.status;
  await watcher.status;
  await owner.close();
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const a = acks.get(i), v = acks.get(-1 - i);
    if (a !== undefined && v !== undefined) lat.push(Math.max(0, v - a));
  }
  return lat.sort((x, y) => x - y);
}

async function scanWhileIngest(dir: string, rows: number): Promise<number> {
  const ds = await Datastore.open(dir, { durability: "flush" });
  const writer = start("writer", [`${dir}`, String(rows), String(rows * 2)]);
  const out = lines(writer);
  await out.next();
  const w = writer.stdin.getWriter();
  await w.write(new Uint8Array([1]));
  await w.close();
  let scanned = 0;
  const t0 = now();
  const draining = (async () => {
    for await (const _ of out) { /* until exit */ }
  })();
  let finished = false;
  draining.then(() => finished = true);
  for (let pass = 0; pass < 50 && !finished; pass++) {
    for await (const _ of ds.scan("t")) scanned++;
  }
  const ms = now() - t0;
  await draining;
  await writer.status;
  await ds.close();
  return scanned / ms * 1000;
}

if (import.meta.main) {
  if (["writer", "acker", "watcher"].includes(Deno.args[0])) {
    await role(Deno.args[0], Deno.args.slice(1));
  } else {
    const rows = Number(Deno.args[0] ?? 100_000);
    const base = await Deno.makeTempDir({ prefix: "sw-mp-bench-" });
    try {
      console.log(`| writer processes | rows | rows/s |\n| --- | --- | --- |`);
      const alone = await ingestAlone(`${base}/alone`, rows);
      console.log(`| the owner alone (no clients) | ${rows} | ${Math.round(alone)} |`);
      for (const writers of [1, 2, 4]) {
        const rate = await ingest(`${base}/ingest-${writers}`, rows, writers);
        console.log(`| ${writers} client(s) + idle owner | ${rows} | ${Math.round(rate)} |`);
      }
      const lat = await latency(`${base}/latency`, 500);
      const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
      console.log(
        `\nack in A -> visible in B (${lat.length} samples): p50 ${q(0.5).toFixed(2)} ms, ` +
          `p99 ${q(0.99).toFixed(2)} ms`,
      );
      const dir = `${base}/ingest-1`;
      const scan = await scanWhileIngest(dir, rows);
      console.log(`scan (owner process) while a client ingests: ${Math.round(scan)} rows/s`);
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  }
}
