import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { JobStore } from "../../lib/standalone/job_store.ts";
import { leaseDatastore } from "../../lib/standalone/datastore_pool.ts";
import { settleOrphans } from "../../lib/jobs/orphans.ts";
import { RunnerLock } from "../../lib/jobs/runner_lock.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { JobStateError } from "../../lib/sdk/errors.ts";
import { poll, rootWithModel, spawnDeno } from "./_helpers.ts";

const LOCK_MODULE = new URL("../../lib/jobs/runner_lock.ts", import.meta.url).href;
const SDK_STANDALONE = new URL("../../lib/standalone/instance.ts", import.meta.url).href;
const SERVE = new URL("../../lib/server/serve.ts", import.meta.url).pathname;

Deno.test("settleOrphans() leaves a job whose runner process lives, and ends it FAIL once that process is killed", async (t) => {
  await using fx = await rootWithModel();
  const id = "a".repeat(40);
  const lease = await leaseDatastore(fx.root, { durability: "none" });
  try {
    const store = new JobStore(fx.root, { project: "self", ds: lease.ds });
    await store.save({
      id,
      project: "self",
      status: "RUNNING",
      model: "waits",
      modelVersion: null,
      datasets: [],
      handler: "waits.flow:run",
      createdAt: new Date().toISOString(),
      finishedAt: null,
      errorMessage: null,
      removed: false,
      modelSrcDir: "",
    });
    await using runner = spawnDeno({
      code: `import { RunnerLock } from "${LOCK_MODULE}";
await RunnerLock.acquire(${JSON.stringify(fx.root)}, "${id}");
console.log("HELD " + Deno.pid);
await new Promise((r) => setTimeout(r, 60_000));`,
    });
    const pid = (await runner.waitFor(/HELD (\d+)/))[1];
    const where = { project: "self", ds: lease.ds };

    await t.step("a live runner in another process keeps the job RUNNING", async () => {
      const [job] = await settleOrphans(fx.root, where, [await store.get(id)]);
      assertEquals([job.status, job.errorMessage], ["RUNNING", null]);
    });

    await t.step("kill -9 of the runner: the job ends FAIL, naming the dead process", async () => {
      await runner.kill();
      const [job] = await settleOrphans(fx.root, where, [await store.get(id)]);
      assertEquals(job.status, "FAIL");
      assert(job.errorMessage?.includes(`process ${pid}`), String(job.errorMessage));
      assert(job.finishedAt !== null);
      assertEquals((await store.get(id)).status, "FAIL", "the settled status was not saved");
      assertEquals(await RunnerLock.claim(fx.root, id).then((c) => c?.release()), undefined);
    });
  } finally {
    await lease.release();
  }
});

Deno.test("a standalone job RUNNING when its process is killed ends FAIL with a reason when the root is opened again", async () => {
  await using fx = await rootWithModel();
  {
    await using child = spawnDeno({
      code: `import { StandaloneInstance } from "${SDK_STANDALONE}";
const sw = new StandaloneInstance(${JSON.stringify(fx.root)}, { durability: "flush" });
await sw.createJob("self", { model: "waits", runHandler: "waits.flow:run" });`,
    });
    await child.waitFor(/STARTED \d+/);
    const status = await child.kill();
    assertEquals(status.signal, "SIGKILL");
  }
  await using sw = new StandaloneInstance(fx.root, { durability: "none" });
  const [[job]] = await sw.listJobs("self");
  assertEquals(job.status, "FAIL");
  assert(job.errorMessage?.startsWith("the job was interrupted: its runner (process "));
  assertEquals((await sw.getJob(job)).status, "FAIL");
  await assertRejects(() => sw.resumeJob(job), JobStateError, "it is FAIL");
});

Deno.test("a server job RUNNING when the server is killed ends FAIL after a restart, and resume finishes it", async (t) => {
  await using fx = await rootWithModel();
  const env = {
    SW_LOCAL_STORAGE: fx.root,
    SW_SERVER_TOKEN: "t",
    SW_SERVER_PORT: "0",
    SW_SERVER_HOST: "127.0.0.1",
    SW_TEST_MARK: join(fx.dir, "ran-once"),
  };
  const start = async () => {
    const server = spawnDeno({ script: SERVE }, env);
    const url = (await server.waitFor(/(http:\/\/\S+?)\/api\/v1/))[1];
    return { server, remote: new RemoteInstance({ url, token: "t" }) };
  };
  let id = "";
  await t.step("the first server runs the job, then dies with kill -9", async () => {
    const { server, remote } = await start();
    await using _ = server;
    const job = await remote.createJob("self", { model: "waits", runHandler: "waits.flow:run" });
    id = job.id;
    await poll("RUNNING", async () => {
      const s = (await remote.getJob({ project: "self", id })).status;
      return s === "RUNNING" ? s : undefined;
    });
    await server.waitFor(/STARTED \d+/);
    await server.kill();
    await remote.close();
  });
  await t.step(
    "after a restart the job is FAIL with the reason, and resume runs it again",
    async () => {
      const { server, remote } = await start();
      await using _ = server;
      const ref = { project: "self", id };
      const job = await remote.getJob(ref);
      assertEquals(job.status, "FAIL");
      assert(job.errorMessage?.startsWith("the job was interrupted"), String(job.errorMessage));
      await remote.resumeJob(ref);
      const final = await poll("the resumed job to end", async () => {
        const s = (await remote.getJob(ref)).status;
        return ["SUCCESS", "FAIL", "CANCELED"].includes(s) ? s : undefined;
      });
      assertEquals(final, "SUCCESS");
      await remote.close();
    },
  );
});
