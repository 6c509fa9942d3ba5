import { Datastore, type Row } from "../../datastore/mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { acknowledged, type Proc, spawn } from "./_procs.ts";

const WORKER = new URL("./_worker.ts", import.meta.url);
const NAMES = ["p0", "p1", "p2"];

async function tempRoot(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "sw-mp-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Starts the three workers, p0 first so that it owns the store. */
async function start(root: string, seed: number, ops: number): Promise<Proc[]> {
  const dir = `${root}/ds`;
  const args = (name: string, i: number) => [
    dir,
    name,
    String(seed + i),
    String(ops),
    NAMES.filter((n) => n !== name).join(","),
  ];
  const first = spawn(WORKER, args(NAMES[0], 0));
  await first.until((l) => l === "ready");
  return [first, ...NAMES.slice(1).map((n, i) => spawn(WORKER, args(n, i + 1)))];
}

/** Every acknowledged write of every worker is in the store (a killed one's last may be too). */
async function checkStore(root: string, procs: Proc[], seed: number): Promise<void> {
  await using ds = await Datastore.open(`${root}/ds`);
  for (const [i, p] of procs.entries()) {
    const { keys, pending } = acknowledged(p.lines);
    for (const [k, want] of keys) {
      const got = k.startsWith("#")
        ? await ds.get("counters", k.slice(1))
        : (await ds.get("rows", k)) ?? null;
      const maybe = pending?.[k];
      const alt = maybe === undefined ? undefined : maybe === null ? null : { ...want, ...maybe };
      const ok = JSON.stringify(got) === JSON.stringify(want) ||
        (alt !== undefined && JSON.stringify(got) === JSON.stringify(alt));
      assert(
        ok,
        `seed ${seed} ${NAMES[i]} ${k}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`,
      );
    }
  }
}

/** Runs one seeded random value from `seed`. */
function pick(seed: number, n: number): number {
  return ((seed * 2654435761) >>> 0) % n;
}

Deno.test("three processes write, read and scan one store and each sees what it must", async () => {
  await using root = await tempRoot();
  const seed = Date.now() % 100000;
  const procs = await start(root.path, seed, 150);
  const codes = (await Promise.all(procs.map((p) => p.status))).map((s) => s.code);
  assertEquals(codes, [0, 0, 0], `seed ${seed}`);
  await checkStore(root.path, procs, seed);
});

for (const victim of [0, 1]) {
  const who = victim === 0 ? "the owner" : "a client";
  Deno.test(`kill -9 of ${who} loses none of its acknowledged writes; the others go on`, async () => {
    await using root = await tempRoot();
    const seed = Date.now() % 100000 + victim;
    const procs = await start(root.path, seed, 150);
    const after = 10 + pick(seed, 60);
    await procs[victim].until((_, n) =>
      procs[victim].lines.filter((l) => l === "A").length >= after || n > 1000
    );
    procs[victim].kill();
    const statuses = await Promise.all(procs.map((p) => p.status));
    for (const [i, s] of statuses.entries()) {
      if (i !== victim) assertEquals(s.code, 0, `seed ${seed}: ${NAMES[i]} failed`);
    }
    await checkStore(root.path, procs, seed);
  });
}

Deno.test("a store a process holds opens in another as a client with the same answers", async () => {
  await using root = await tempRoot();
  await using owner = await Datastore.open(`${root.path}/ds`);
  await owner.update("t", [{ id: 1, a: 1n << 60n, b: new Uint8Array([1, 2]) }, { id: 2, a: -0 }]);
  const code = `
    import { Datastore } from ${
    JSON.stringify(new URL("../../datastore/mod.ts", import.meta.url).href)
  };
    const ds = await Datastore.open(Deno.args[0]);
    await ds.update("t", [{ id: 3, a: "x" }]);
    const rows = await Array.fromAsync(ds.scan("t", { reverse: true, limit: 2 }));
    const bad = await ds.update("t", [{ id: "no" }]).catch((e) => e.name + ": " + e.message);
    const it = ds.scan("t");
    const batches = [await it.nextBatch(2), await it.nextBatch(5), await it.nextBatch(1)];
    console.log(JSON.stringify({ tables: ds.tables(), ids: rows.map((r) => r.id), bad,
      batches: batches.map((b) => b.map((r) => r.id)),
      big: String((await ds.get("t", 1)).a) }));
    await ds.close();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code, `${root.path}/ds`],
    stdout: "piped",
  }).output();
  const seen = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, unknown>;
  assertEquals(seen.tables, ["t"]);
  assertEquals(seen.ids, [3, 2]);
  assertEquals(seen.batches, [[1, 2], [3], []]);
  assertEquals(seen.big, String(1n << 60n));
  assert(String(seen.bad).startsWith("TypeError"), String(seen.bad));
  assertEquals((await owner.get("t", 3)) as Row, { id: 3, a: "x" });
});

Deno.test("an owner listens for other processes only after its open, and a quick close never listens", async () => {
  await using root = await tempRoot();
  const dir = `${root.path}/ds`;
  const quick = await Datastore.open(dir);
  // Checked synchronously: no timer can run between the open and the check.
  assert(!exists(`${dir}/SOCKET`), "open listened before returning");
  await quick.close();
  assert(!exists(`${dir}/SOCKET`), "a store closed at once left SOCKET");

  await using owner = await Datastore.open(dir);
  for (let i = 0; i < 500 && !exists(`${dir}/SOCKET`); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert(exists(`${dir}/SOCKET`), "an open store never listened");
  await owner.close();
  assert(!exists(`${dir}/SOCKET`), "close left SOCKET behind");
});

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
