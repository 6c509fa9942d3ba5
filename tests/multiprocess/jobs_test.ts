import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { Dataset, Job, Model } from "../../mod.ts";
import { CLI, DENO_DIR, spawnServer } from "../cli/_helpers.ts";
import { tempPackage, tempRoot } from "../sdk/_helpers.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { type Proc, spawn } from "./_procs.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;
const RUNNER = new URL("./_job_runner.ts", import.meta.url);

/** Rows of the dataset; results are written 1000 at a time, so the first 1000 are seen live. */
const ROWS = 1100;
const GATED = 1050;

/** A pipeline whose row GATED waits (bounded) for a gate file, so the job is seen running. */
const PACKAGE = {
  "model.yaml": "name: slow\nrun:\n  modules: [slow]\n",
  "slow.ts": `import { PipelineHandler } from "${SDK}";
export class Slow extends PipelineHandler {
  override async predict(data: Record<string, unknown>) {
    const gate = Deno.env.get("SW_TEST_GATE");
    for (let i = 0; gate && data.x === ${GATED} && i < 500; i++) {
      try { await Deno.stat(gate); break; } catch { await new Promise((r) => setTimeout(r, 20)); }
    }
    return { y: (data.x as number) * 2 };
  }
}
`,
};

async function setup(options: { durability?: "fsync" | "flush" | "none" } = {}) {
  const t = await tempRoot(options);
  await using pkg = await tempPackage(PACKAGE);
  await Model.build(pkg.dir, { instance: t.instance });
  await Dataset.build("five", Array.from({ length: ROWS }, (_, x) => ({ x })), {
    instance: t.instance,
  });
  const env = {
    HOME: join(t.root, ".."),
    SW_CLI_CONFIG: join(t.root, "..", "config.yaml"),
    SW_LOCAL_STORAGE: t.root,
    USER: "tester",
    DENO_DIR,
  };
  return Object.assign(t, { env });
}

async function swcli(env: Record<string, string>, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  assertEquals(out.code, 0, `swcli ${args.join(" ")}: ${d.decode(out.stderr)}`);
  return d.decode(out.stdout);
}

function runJob(root: string, gate: string): Proc {
  return spawn(RUNNER, [root, gate]);
}

Deno.test("a job running in one process is watched live from others", async (t) => {
  await using r = await setup();
  const gate = join(r.root, "..", "gate");
  const job = runJob(r.root, gate);
  await job.until((l) => l.startsWith("id "));
  const id = job.lines.find((l) => l.startsWith("id "))!.slice(3);
  await t.step("swcli job info in a third process sees it running", async () => {
    const info = JSON.parse(await swcli(r.env, ["-o", "json", "job", "info", id]));
    assert(
      info.record?.status === "RUNNING" && info.progress?.total === ROWS,
      JSON.stringify(info).slice(0, 300),
    );
  });
  await t.step("getTableRows in this process sees the rows written so far", async () => {
    const live = Job.get(`local/project/self/job/${id}`, { instance: r.instance });
    let rows = 0;
    for (let i = 0; i < 200 && rows < 1000; i++) {
      rows = await live.tables.then(async (names) =>
        names.includes("results") ? (await Array.fromAsync(live.getTableRows("results"))).length : 0
      );
      if (rows < 1000) await new Promise((res) => setTimeout(res, 20));
    }
    assert(rows >= 1000 && rows < ROWS, `rows so far: ${rows}`);
    assertEquals(await live.status, "RUNNING");
  });
  await Deno.writeTextFile(gate, "");
  assertEquals((await job.status).code, 0);
  assertEquals(job.lines.at(-1), "SUCCESS");
});

Deno.test("two Job.create at once on one root both succeed and are both listed", async () => {
  await using r = await setup();
  const a = runJob(r.root, "");
  const b = runJob(r.root, "");
  const [sa, sb] = await Promise.all([a.status, b.status]);
  assertEquals([sa.code, sb.code], [0, 0]);
  assertEquals([a.lines.at(-1), b.lines.at(-1)], ["SUCCESS", "SUCCESS"]);
  const listed = await swcli(r.env, ["-o", "json", "job", "list"]);
  for (const p of [a, b]) {
    const id = p.lines.find((l) => l.startsWith("id "))!.slice(3);
    assert(listed.includes(id), `${id} not in ${listed.slice(0, 300)}`);
  }
});

Deno.test("swcli server start serves a root a script is writing, and local swcli works beside it", async () => {
  await using r = await setup();
  const gate = join(r.root, "..", "gate");
  const job = runJob(r.root, gate);
  await job.until((l) => l.startsWith("id "));
  const id = job.lines.find((l) => l.startsWith("id "))!.slice(3);
  await using server = await spawnServer(r.env);
  await using remote = new RemoteInstance({ url: server.url, token: "tt" });
  const [jobs] = await remote.listJobs("self");
  assertEquals(jobs.find((j) => j.id === id)?.status, "RUNNING");
  assert((await swcli(r.env, ["-o", "json", "job", "list"])).includes(id));
  await Deno.writeTextFile(gate, "");
  assertEquals((await job.status).code, 0);
  assertEquals((await remote.getJob({ project: "self", id })).status, "SUCCESS");
});

Deno.test("swcli job pause, resume and cancel from another process act on a running job", async () => {
  await using r = await setup();
  const gate = join(r.root, "..", "gate");
  const job = runJob(r.root, gate);
  await job.until((l) => l.startsWith("id "));
  const id = job.lines.find((l) => l.startsWith("id "))!.slice(3);
  const status = async () =>
    JSON.parse(await swcli(r.env, ["-o", "json", "job", "info", id])).record.status;
  await swcli(r.env, ["job", "pause", id]);
  assertEquals(await status(), "PAUSED");
  await swcli(r.env, ["job", "resume", id]);
  assertEquals(await status(), "RUNNING");
  await swcli(r.env, ["job", "cancel", id]);
  assert(["CANCELLING", "CANCELED"].includes(await status()));
  await Deno.writeTextFile(gate, "");
  assertEquals((await job.status).code, 0);
  assertEquals(job.lines.at(-1), "CANCELED");
});

/** Polls a job's status through the server until `want` (bounded: 400 tries, 25 ms apart). */
async function untilStatus(remote: RemoteInstance, id: string, want: string[]): Promise<string> {
  let status = "";
  for (let i = 0; i < 400; i++) {
    status = (await remote.getJob({ project: "self", id })).status;
    if (want.includes(status)) return status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} is ${status}, not ${want.join(" or ")}`);
}

Deno.test("pause, resume and cancel through a local instance act on a job a server's Worker runs, once", async () => {
  await using r = await setup();
  const gate = join(r.root, "..", "gate");
  await using server = await spawnServer({ ...r.env, SW_TEST_GATE: gate });
  await using remote = new RemoteInstance({ url: server.url, token: "tt" });
  const { id } = await remote.createJob("self", {
    model: "slow",
    runHandler: "slow:Slow.predict",
    datasets: ["five"],
  });
  const ref = { project: "self", id };
  await untilStatus(remote, id, ["RUNNING"]);
  await r.instance.pauseJob(ref);
  assertEquals((await remote.getJob(ref)).status, "PAUSED");
  await r.instance.resumeJob(ref);
  assertEquals((await remote.getJob(ref)).status, "RUNNING");
  await r.instance.cancelJob(ref);
  assert(["CANCELLING", "CANCELED"].includes((await remote.getJob(ref)).status));
  await Deno.writeTextFile(gate, "");
  assertEquals(await untilStatus(remote, id, ["CANCELED", "SUCCESS", "FAIL"]), "CANCELED");
  // The cancel request already taken stays in the control row; a new run does not take it again.
  await remote.resumeJob(ref);
  assertEquals(await untilStatus(remote, id, ["CANCELED", "SUCCESS", "FAIL"]), "SUCCESS");
});

Deno.test("a reader with read permission only shows a killed runner's job as interrupted, and saves nothing", async () => {
  // The owner (this process) hands writes to the OS at once: a read-only reader reads the files.
  await using r = await setup({ durability: "flush" });
  const gate = join(r.root, "..", "gate");
  const job = runJob(r.root, gate);
  await job.until((l) => l.startsWith("id "));
  const id = job.lines.find((l) => l.startsWith("id "))!.slice(3);
  job.kill();
  await job.status;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", CLI, "-o", "json", "job", "info", id],
    env: r.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  assertEquals(out.code, 0, d.decode(out.stderr));
  const info = JSON.parse(d.decode(out.stdout) || "{}");
  assertEquals(info.record?.status, "FAIL", d.decode(out.stderr));
  assert(/^the job was interrupted: its runner \(process \d+/.test(info.record.errorMessage));
  // This process (the datastore's owner, which may write) then settles it for good.
  const settled = await Job.get(`local/project/self/job/${id}`, { instance: r.instance }).record();
  assertEquals(settled.status, "FAIL");
});
