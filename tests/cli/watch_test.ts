/** Watching jobs from swcli: progress while `job create` runs, and `job logs`. */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cliHome, createJob, seed, swcli, writeFiles } from "./_helpers.ts";

const EVAL = "flow.steps:Doubler.evaluate";

Deno.test("swcli job create in a script prints one line per step with its counts", async () => {
  await using home = await cliHome();
  await seed(home, 7);
  const r = await home.run(["job", "create", "dbl", "--handler", EVAL, "-d", "nums"]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assertEquals(lines.length, 2, r.stderr);
  assertMatch(lines[0], /^step flow\.steps:Doubler\.predict: 7\/7 rows in \d+s/);
  assertMatch(lines[1], /^step flow\.steps:Doubler\.evaluate: done in \d+s$/);
  assert(!r.stderr.includes("\r"), "no carriage returns without a terminal");
  assertMatch(r.stdout, /Status:\s+SUCCESS/);
});

Deno.test("swcli job create on a terminal draws a bar per step with rows, rate and ETA", async () => {
  await using home = await cliHome();
  await seed(home, 7);
  const r = await home.run([
    "job",
    "create",
    "dbl",
    "--handler",
    EVAL,
    "-d",
    "nums",
    "--dataset-head",
    "4",
  ], {
    isTerminal: true,
  });
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stderr, /flow\.steps:Doubler\.predict \[█+\] 100% 4\/4 rows/);
  assertMatch(r.stderr, /flow\.steps:Doubler\.evaluate done in \d+s/);
  assert(r.stderr.endsWith("\n"), "the last line is finished");
});

Deno.test("swcli job logs prints what the handlers printed, with time, step and stream", async () => {
  await using home = await cliHome();
  await seed(home, 2);
  const job = await createJob(home, "flow.steps:noisy");
  const r = await home.run(["job", "logs", job.id.slice(0, 8)]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assertEquals(lines.length, 2, r.stdout);
  assertMatch(lines[0], /^\d{4}-\d\d-\d\dT\S+ flow\.steps:noisy#0 stdout: hello from noisy$/);
  assertMatch(lines[1], /stderr: careful$/);
  const follow = await home.run(["job", "logs", job.id, "--follow"]);
  assertEquals(follow.code, 0, follow.stderr);
  assertEquals(follow.stdout, r.stdout, "--follow on an ended job prints it all and returns");
  const json = await home.run(["-o", "json", "job", "logs", job.id]);
  assertEquals(json.stdout.trim().split("\n").map((l) => JSON.parse(l)), lines);
  const missing = await home.run(["job", "logs", "zzzzzz"]);
  assertEquals(missing.code, 1);
  assertMatch(missing.stderr, /Cannot find job 'zzzzzz'/);
});

const SLOW_FILES: Record<string, string> = {
  "model.yaml": "name: slow\nrun:\n  modules: [flow.slow]\n",
  "flow/slow.ts": `
import { PipelineHandler } from "@starwhale/sdk";
// The test holds the job at its third row through this hook (same process: standalone jobs run
// where swcli runs).
const hook = (globalThis as Record<string, unknown>).__swcliWatchTest as {
  ready(): void;
  gate: Promise<void>;
};
export class Slow extends PipelineHandler {
  override async predict(data: Record<string, unknown>) {
    if (data.x === 3) {
      console.log("waiting at row 3");
      hook.ready();
      await hook.gate;
      console.log("released");
    }
    return { y: data.x };
  }
  override async evaluate(
    results: AsyncIterable<unknown>,
    ctx: { logSummary(m: Record<string, unknown>): void },
  ) {
    let n = 0;
    for await (const _ of results) n++;
    ctx.logSummary({ n });
  }
}
`,
};

Deno.test("swcli job info and job logs --follow while a job runs", async (t) => {
  await using home = await cliHome();
  await seed(home, 5);
  const pkg = `${home.dir}/slow`;
  await writeFiles(pkg, SLOW_FILES);
  assertEquals((await home.run(["model", "build", pkg])).code, 0);
  const ready = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  const hooks = globalThis as Record<string, unknown>;
  hooks.__swcliWatchTest = { ready: ready.resolve, gate: gate.promise };
  const running = home.run([
    "job",
    "create",
    "slow",
    "--handler",
    "flow.slow:Slow.evaluate",
    "-d",
    "nums",
    "--dataset-head",
    "4",
  ]);
  try {
    await ready.promise;
    const [job] = await home.json<{ id: string; status: string }[]>(["job", "list"]);
    assertEquals(job.status, "RUNNING");
    let follow: Promise<{ code: number; stdout: string }> | undefined;
    await t.step("job info shows the job running and how far it is", async () => {
      const info = await home.run(["job", "info", job.id]);
      assertEquals(info.code, 0, info.stderr);
      assertMatch(info.stdout, /Status:\s+RUNNING/);
      // Which step runs and how far, from its tasks (their rows are at most 250 ms old).
      assertMatch(info.stdout, /Running:\s+flow\.slow:\w+\.predict: [0-2] of 4 rows \(\d+%\)/);
      assertMatch(info.stdout, /\nflow\.slow:\w+\.predict\s+0\s+RUNNING\s+[0-2]\/4 /);
      assertMatch(info.stdout, /\nflow\.slow:\w+\.evaluate\s+0\s+CREATED\s+--/);
      // The progress is the task list's: the rows the job will handle, datasetHead applied.
      const json = await home.json<{ progress: { done: number; total: number } }>([
        "job",
        "info",
        job.id,
      ]);
      assertEquals(json.progress.total, 4);
      follow = home.run(["job", "logs", job.id, "--follow"]);
    });
    gate.resolve();
    assertEquals((await running).code, 0);
    await t.step(
      "logs --follow kept reading until the job ended, and printed every line",
      async () => {
        const r = await follow!;
        assertEquals(r.code, 0);
        assertMatch(r.stdout, /stdout: waiting at row 3\n.*stdout: released\n$/);
      },
    );
    const ended = await home.run(["job", "info", job.id]);
    assert(!ended.stdout.includes("Progress:"), "an ended job has no progress line");
    assert(!ended.stdout.includes("Running:"), "nor a running step");
  } finally {
    gate.resolve();
    await running;
    delete hooks.__swcliWatchTest;
  }
});

Deno.test("swcli -o json job create keeps stdout for the result: handlers' prints go to stderr", async () => {
  await using home = await cliHome();
  await seed(home, 2);
  const out = await swcli(home.env, [
    "-o",
    "json",
    "job",
    "create",
    "dbl",
    "--handler",
    "flow.steps:noisy",
  ]);
  const { stdout, stderr } = out;
  assertEquals(out.code, 0, stderr);
  assertEquals(JSON.parse(stdout).status, "SUCCESS");
  assertMatch(stderr, /^hello from noisy$/m);
  assertMatch(stderr, /^careful$/m);
  const logs = await home.run(["job", "logs", JSON.parse(stdout).id]);
  assertMatch(logs.stdout, /stdout: hello from noisy/, "the log still says which stream");
});
