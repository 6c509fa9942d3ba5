/**
 * The job-API contract suite, run against any `Instance` (standalone, remote over `app.fetch`,
 * remote over a socket), plus the fixture it needs: a model package whose `predict` takes a
 * per-row delay from the dataset, and datasets built in a temp root.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import {
  JobStateError,
  NotFoundError,
  StarwhaleError,
  UnsupportedError,
} from "../../lib/sdk/errors.ts";
import { Job } from "../../lib/sdk/job.ts";
import { copyJob } from "../../lib/sdk/job_copy.ts";
import type { Instance, JobRef, JobStatus } from "../../lib/sdk/instance.ts";
import type { Row } from "../../datastore/mod.ts";

const P = "self";
const FINAL: JobStatus[] = ["SUCCESS", "FAIL", "CANCELED"];

/** Rows of the fast and the slow dataset. */
export const FAST_ROWS = 12, SLOW_ROWS = 80;

function modelSource(): string {
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  return `import { handler, PipelineHandler } from "${sdk}";
export class Slow extends PipelineHandler {
  async predict(data, ctx) {
    if (data.ms) await new Promise((r) => setTimeout(r, data.ms));
    ctx.log("calls", { id: String(ctx.rowId) + ":" + crypto.randomUUID() });
    await ctx.flush();
    return { double: data.x * 2, note: null };
  }
  async evaluate(results, ctx) {
    let count = 0, sum = 0;
    for await (const r of results) { count++; sum += r.output.double; }
    ctx.logSummary({ count, sum });
  }
}
export const spin = handler(() => { for (;;) {} });
`;
}

/**
 * Builds the model `slow` and the datasets `fast` and `slow` into a new temp root.
 *
 * @returns The root; `await using` removes it.
 */
export async function makeFixture(): Promise<{ root: string } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "sw-contract-" });
  const pkg = join(root, ".pkg");
  await Deno.mkdir(join(pkg, "slow"), { recursive: true });
  await Deno.writeTextFile(join(pkg, "slow", "pipeline.ts"), modelSource());
  await Deno.writeTextFile(
    join(pkg, "model.yaml"),
    "name: slow\nrun:\n  modules: [slow.pipeline]\n",
  );
  await using sw = new StandaloneInstance(root, { durability: "none" });
  await sw.buildModel(P, { dir: pkg });
  const rows = (n: number, ms: number) => Array.from({ length: n }, (_, x) => ({ x, ms }));
  await sw.buildDataset(P, { name: "fast", rows: rows(FAST_ROWS, 0) });
  await sw.buildDataset(P, { name: "slow", rows: rows(SLOW_ROWS, 15) });
  return {
    root,
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** What differs between the ways the suite runs. */
export interface ContractTarget {
  /** The instance under test. */
  instance: Instance;
  /** A server: jobs run in Workers, `sys/*` columns, ttl, resume after cancel, forced stops. */
  server: boolean;
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let wait = 5;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
}

async function count(sw: Instance, ref: JobRef, table: string): Promise<number> {
  return (await Array.fromAsync(sw.scanJobTable(ref, table))).length;
}

/** Runs the contract against one target. */
export async function jobContract(t: Deno.TestContext, target: ContractTarget): Promise<void> {
  const sw = target.instance;
  const pending: Promise<unknown>[] = [];
  const allIds = async () =>
    new Set((await sw.listJobs(P, { pageSize: 1000 }))[0].map((j) => j.id));
  const start = async (dataset: string, extra: { ttl?: number; runHandler?: string } = {}) => {
    const before = await allIds();
    const created = sw.createJob(P, {
      model: "slow",
      runHandler: extra.runHandler ?? "slow.pipeline:Slow.evaluate",
      datasets: extra.runHandler ? [] : [dataset],
      ...(extra.ttl ? { ttl: extra.ttl } : {}),
    });
    pending.push(created.catch(() => {}));
    const id = await poll(
      "the new job",
      async () => [...await allIds()].find((i) => !before.has(i)),
    );
    return { project: P, id } as JobRef;
  };
  const statuses = new Map<string, JobStatus[]>();
  const until = (ref: JobRef, want: (s: JobStatus) => boolean) =>
    poll(`job ${ref.id} to leave its status`, async () => {
      const s = (await sw.getJob(ref)).status;
      const seen = statuses.get(ref.id) ?? [];
      if (seen.at(-1) !== s) statuses.set(ref.id, [...seen, s]);
      return want(s) ? s : undefined;
    });
  const rowsAtLeast = (ref: JobRef, n: number) =>
    poll(`${n} results of ${ref.id}`, async () => {
      const c = await count(sw, ref, "results");
      return c >= n ? c : undefined;
    });

  let done!: JobRef;
  await t.step("create runs a job to SUCCESS through CREATED/READY/RUNNING", async () => {
    done = await start("fast");
    assertEquals(await until(done, (s) => FINAL.includes(s)), "SUCCESS");
    const order: JobStatus[] = ["CREATED", "READY", "RUNNING", "SUCCESS"];
    const seen = statuses.get(done.id)!.map((s) => order.indexOf(s));
    assert(seen.every((i, k) => i >= 0 && (k === 0 || i > seen[k - 1])), String(seen));
  });

  await t.step("info, summary and tables", async () => {
    const job = await sw.getJob(done);
    assertEquals([job.model, job.status, job.finishedAt !== null], ["slow", "SUCCESS", true]);
    const info = await sw.jobInfo(done) as { report: { summary: Row } };
    assertEquals(info.report.summary.count, FAST_ROWS);
    // The summary is what the job logged, the same on every backend; a server's own `sys/*`
    // columns are in the stored row, which the job's info reports whole.
    assertEquals(await sw.jobSummary(done), { id: done.id, count: FAST_ROWS, sum: 132 });
    const stored = info.report.summary;
    if (target.server) {
      assertEquals(stored["sys/job_status"], "SUCCESS");
      assertEquals(stored["sys/model_name"], "slow");
      assert(Number(stored["sys/duration_ms"]) >= 0 && Number(stored["sys/id"]) >= 1);
    } else assert(!Object.keys(stored).some((k) => k.startsWith("sys/")), JSON.stringify(stored));
    assertEquals((await sw.jobTables(done)).sort(), ["calls", "results"]);
  });

  await t.step("getTableRows ranges and keepNone", async () => {
    const ids = async (o: Record<string, unknown>) =>
      (await Array.fromAsync(sw.scanJobTable(done, "results", o))).map((r) => r.id);
    assertEquals(await ids({ start: 2, end: 5 }), [2, 3, 4]);
    assertEquals(await ids({ start: 2, end: 5, endInclusive: true }), [2, 3, 4, 5]);
    const [plain] = await Array.fromAsync(sw.scanJobTable(done, "results", { start: 3, end: 4 }));
    assert(!("output/note" in plain) && plain["output/double"] === 6, JSON.stringify(plain));
    assertEquals(
      Object.keys(plain).filter((k) => !k.startsWith("input/")).sort(),
      ["duration_seconds", "id", "output/double"],
      "a result row has no internal columns",
    );
    const [kept] = await Array.fromAsync(
      sw.scanJobTable(done, "results", { start: 3, end: 4, keepNone: true }),
    );
    assertEquals(kept["output/note"], null);
    assertEquals(await count(sw, done, "nope"), 0);
  });

  let canceled!: JobRef, canceledRows = 0;
  await t.step("cancel stops a long job: CANCELLING, then CANCELED", async () => {
    canceled = await start("slow");
    await until(canceled, (s) => s === "RUNNING");
    await rowsAtLeast(canceled, 3);
    await sw.cancelJob(canceled);
    assertEquals(await until(canceled, (s) => FINAL.includes(s)), "CANCELED");
    canceledRows = await count(sw, canceled, "results");
    assert(canceledRows < SLOW_ROWS, `${canceledRows} rows`);
    await assertRejects(() => sw.cancelJob(canceled), JobStateError);
  });

  await t.step("pause holds the job, resume finishes it without redoing rows", async () => {
    const ref = await start("slow");
    await rowsAtLeast(ref, 3);
    await sw.pauseJob(ref);
    assertEquals((await sw.getJob(ref)).status, "PAUSED");
    const held = await count(sw, ref, "results");
    for (let i = 0; i < 5; i++) await sw.listJobs(P);
    assert(await count(sw, ref, "results") <= held + 1, "rows kept coming while paused");
    await assertRejects(() => sw.removeJob(ref), JobStateError);
    await sw.resumeJob(ref);
    assertEquals(await until(ref, (s) => FINAL.includes(s)), "SUCCESS");
    assertEquals(await count(sw, ref, "results"), SLOW_ROWS);
    assertEquals(await count(sw, ref, "calls"), SLOW_ROWS);
    assertEquals((await sw.jobSummary(ref)).count, SLOW_ROWS);
    assertEquals(await count(sw, canceled, "results"), canceledRows, "the canceled job went on");
  });

  if (target.server) {
    await t.step("resume after cancel skips the rows already logged", async () => {
      await sw.resumeJob(canceled);
      assertEquals(await until(canceled, (s) => FINAL.includes(s)), "SUCCESS");
      assertEquals(await count(sw, canceled, "results"), SLOW_ROWS);
      const calls = await count(sw, canceled, "calls");
      assert(calls <= SLOW_ROWS + 2, `${calls} predict calls for ${SLOW_ROWS} rows`);
    });

    await t.step("ttl cancels a job that runs too long", async () => {
      const ref = await start("slow", { ttl: 1 });
      assertEquals(await until(ref, (s) => FINAL.includes(s)), "CANCELED");
      assert((await sw.getJob(ref)).errorMessage?.includes("ttl"));
      const { report } = await sw.jobInfo(ref) as { report: { summary: Row } };
      assertEquals(report.summary["sys/job_status"], "CANCELED");
    });

    await t.step("cancel terminates a handler that never yields", async () => {
      const ref = await start("", { runHandler: "slow.pipeline:spin" });
      await until(ref, (s) => s === "RUNNING");
      await sw.cancelJob(ref);
      assertEquals(await until(ref, (s) => FINAL.includes(s)), "CANCELED");
    });
  }

  const viaSdk = (extra: Record<string, unknown>) =>
    Job.create({
      project: P,
      model: "slow",
      runHandler: "slow.pipeline:Slow.evaluate",
      datasets: ["fast"],
      instance: sw,
      ...extra,
    });

  await t.step("create checks its options the same way on every instance", async () => {
    const before = await allIds();
    await assertRejects(() => viaSdk({ ttl: "60" }), TypeError, 'Invalid ttl "60"');
    await assertRejects(() => viaSdk({ ttl: 1.5 }), RangeError, "Invalid ttl 1.5");
    await assertRejects(() => viaSdk({ datasetHead: -1 }), RangeError, "Invalid datasetHead -1");
    await assertRejects(() => viaSdk({ resourcePool: 7 }), TypeError, "Invalid resourcePool 7");
    await assertRejects(() => viaSdk({ devMode: "yes" }), TypeError, 'Invalid devMode "yes"');
    await assertRejects(() => viaSdk({ devModePassword: 1 }), TypeError, "devModePassword 1");
    await assertRejects(() => viaSdk({ runtime: "" }), TypeError, 'Invalid runtime ""');
    await assertRejects(() => viaSdk({ runHandler: "" }), TypeError, 'Invalid runHandler ""');
    await assertRejects(() => viaSdk({ overwriteSpecs: [] }), TypeError, "overwriteSpecs");
    assertEquals(await allIds(), before, "a refused job was created");
  });

  await t.step("runtime and devMode cannot be honoured: a clear error and no job", async () => {
    const before = await allIds();
    for (const [option, value] of [["runtime", "pytorch"], ["devMode", true]] as const) {
      const e = await assertRejects(() => viaSdk({ [option]: value }), StarwhaleError, option);
      // A standalone instance refuses it itself; a server names it in its answer.
      if (!target.server) assert(e instanceof UnsupportedError, `${option}: ${e}`);
    }
    assertEquals(await allIds(), before, "a refused job was created");
  });

  await t.step("an option for the other kind of instance is accepted and ignored", async () => {
    // datasetHead applies to standalone only; ttl and resourcePool to a server only. The slow
    // dataset runs longer than 1 s, so a ttl of 1 honoured on standalone would cancel it.
    const headed = await viaSdk({ datasetHead: 3, resourcePool: "default", ttl: -1 });
    assertEquals(await until(headed, (s) => FINAL.includes(s)), "SUCCESS");
    assertEquals(await count(sw, headed, "results"), target.server ? FAST_ROWS : 3);
    if (!target.server) {
      const timed = await viaSdk({ datasets: ["slow"], ttl: 1, resourcePool: "gpu" });
      assertEquals(await until(timed, (s) => FINAL.includes(s)), "SUCCESS");
      assertEquals(await count(sw, timed, "results"), SLOW_ROWS);
    }
  });

  await t.step("wait resolves with the final status", async () => {
    const j = await viaSdk({});
    assertEquals(await j.wait({ timeoutMs: 60_000 }), "SUCCESS");
    assertEquals(await j.status, "SUCCESS");
    await assertRejects(() => j.wait({ timeoutMs: -1 }), RangeError, "Invalid timeoutMs -1");
    if (target.server) {
      const slow = await viaSdk({ datasets: ["slow"] });
      await assertRejects(() => slow.wait({ timeoutMs: 0 }), JobStateError, "still");
      const stop = new AbortController();
      stop.abort(new Error("stopped waiting"));
      await assertRejects(() => slow.wait({ signal: stop.signal }), Error, "stopped waiting");
      await slow.cancel().catch(() => {});
      assert(FINAL.includes(await slow.wait()));
    }
  });

  await t.step("overwriteSpecs sets one step's replicas, on every instance", async () => {
    // Starwhale's clients name a step of the handler's graph, not the handler itself.
    const j = await viaSdk({ overwriteSpecs: { "slow.pipeline:Slow.predict": { replicas: 2 } } });
    assertEquals(await j.wait({ timeoutMs: 60_000 }), "SUCCESS");
    assertEquals((await j.record()).handler, "slow.pipeline:Slow.evaluate");
    assertEquals(await count(sw, { project: P, id: j.id }, "results"), FAST_ROWS);
    assertEquals((await j.summary).count, FAST_ROWS);
    const steps = (await j.tasks()).map((task) => `${task.step}#${task.index}`).sort();
    assertEquals(steps, [
      "slow.pipeline:Slow.evaluate#0",
      "slow.pipeline:Slow.predict#0",
      "slow.pipeline:Slow.predict#1",
    ]);
    const before = await allIds();
    const e = await assertRejects(
      () => viaSdk({ overwriteSpecs: { "slow.pipeline:spin": { replicas: 2 } } }),
      NotFoundError,
    );
    assert(e.message.includes("slow.pipeline:spin"), e.message);
    assertEquals(await allIds(), before, "a refused job was created");
  });

  await t.step("list pages through every job once", async () => {
    const [all, info] = await sw.listJobs(P, { pageSize: 1000 });
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(info.total / 2); page++) {
      const [jobs, p] = await sw.listJobs(P, { pageIndex: page, pageSize: 2 });
      assertEquals([p.total, p.page.pageNum, p.page.hasNextPage], [
        all.length,
        page,
        page * 2 < all.length,
      ]);
      seen.push(...jobs.map((j) => j.id));
    }
    assertEquals(seen, all.map((j) => j.id));
    assertEquals(new Set(seen).size, seen.length);
  });

  await t.step("copy: a job reads the same after a copy either way, once", async () => {
    await using other = await makeFixture();
    await using local = new StandaloneInstance(other.root, { durability: "none" });
    const reads = async (instance: Instance, ref: JobRef) => {
      const { id: _, project: __, ...record } = await instance.getJob(ref);
      const tables: Record<string, Row[]> = {};
      for (const name of (await instance.jobTables(ref)).sort()) {
        tables[name] = await Array.fromAsync(instance.scanJobTable(ref, name, { keepNone: true }));
      }
      return { record, summary: await instance.jobSummary(ref), tables };
    };
    const listed = async (instance: Instance, id: string) =>
      (await instance.listJobs(P, { pageSize: 1000 }))[0].some((j) => j.id === id);

    // From the instance under test to a standalone root, and again: a no-op.
    const home = await Job.copy(`local/project/${P}/job/${done.id}`, `local/project/${P}`, {
      from: sw,
      to: local,
    });
    assertEquals(home.id, done.id);
    const there = await reads(local, done);
    assertEquals(there, await reads(sw, done));
    assertEquals(there.summary, { id: done.id, count: FAST_ROWS, sum: 132 });
    const again = await copyJob({ instance: sw, ref: done }, { instance: local, project: P });
    assertEquals([again.copied, again.rows], [false, 0]);
    assertEquals((await local.listJobs(P))[1].total, 1);

    // From a standalone root to the instance under test: a stopped copy leaves nothing listed.
    const mine = await local.createJob(P, {
      model: "slow",
      runHandler: "slow.pipeline:Slow.evaluate",
      datasets: ["fast"],
    });
    const ref = { project: P, id: mine.id };
    const stop = new AbortController();
    const stopped = copyJob({ instance: local, ref }, { instance: sw, project: P }, {
      batchSize: 5,
      signal: stop.signal,
      onProgress: (p) => p.rows > 0 && stop.abort(new Error("stopped")),
    });
    await assertRejects(() => stopped, Error, "stopped");
    assert(!await listed(sw, mine.id), "a half-copied job is listed");
    assertEquals(await sw.copiedJob(ref), undefined);
    const progress: number[] = [];
    const copied = await copyJob({ instance: local, ref }, { instance: sw, project: P }, {
      batchSize: 5,
      onProgress: (p) => progress.push(p.rows),
    });
    assert(copied.copied && copied.tables === 2, JSON.stringify(copied));
    assertEquals(copied.rows, 2 * FAST_ROWS + 1);
    assert(progress.length > 3 && progress.at(-1) === copied.rows, String(progress));
    assert(await listed(sw, mine.id), "the copied job is not listed");
    assertEquals(await reads(sw, ref), await reads(local, ref));
    const [page] = await sw.listJobs(P, { model: "slow", pageSize: 1000 });
    assert(page.some((j) => j.id === mine.id), "the copy is not found by its model name");
    const repeat = await copyJob({ instance: local, ref }, { instance: sw, project: P });
    assertEquals(repeat.copied, false);
  });

  await t.step("remove and recover", async () => {
    await sw.removeJob(done);
    await assertRejects(() => sw.getJob(done), NotFoundError);
    assert(!(await allIds()).has(done.id));
    await sw.recoverJob(done);
    assertEquals((await sw.getJob(done)).status, "SUCCESS");
  });

  await t.step("errors map to the same classes", async () => {
    await assertRejects(() => sw.getJob({ project: P, id: "f".repeat(40) }), NotFoundError);
    await assertRejects(() => sw.pauseJob(done), JobStateError);
    await assertRejects(() => sw.cancelJob(done), JobStateError);
    await assertRejects(
      () => sw.createJob(P, { model: "nothere", runHandler: "x:y", datasets: [] }),
      NotFoundError,
    );
  });
  await Promise.all(pending);
}
