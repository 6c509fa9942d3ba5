import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { WorkerLauncher } from "../../lib/jobs/launcher.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { poll } from "./_helpers.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;

Deno.test("a server job's Worker keeps what its handlers print in the job's log and reports progress", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sw-launcher-" });
  try {
    const root = join(dir, "root");
    await Deno.mkdir(join(dir, "pkg"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "pkg", "echo.ts"),
      `import { PipelineHandler } from "${SDK}";
export class Echo extends PipelineHandler {
  override predict(data: Record<string, unknown>) {
    console.log("saw", data.x);
    return { x: data.x };
  }
  override async evaluate(results: AsyncIterable<unknown>) {
    for await (const _ of results) { /* count nothing */ }
    console.error("evaluated");
  }
}
`,
    );
    await using sw = new StandaloneInstance(root, { durability: "none" });
    await sw.buildModel("self", { dir: join(dir, "pkg"), name: "echo" });
    await sw.buildDataset("self", { name: "four", rows: [1, 2, 3, 4].map((x) => ({ x })) });
    const launcher = new WorkerLauncher(root);
    try {
      const job = await launcher.launch("self", {
        model: "echo",
        runHandler: "echo:Echo.evaluate",
        datasets: ["four"],
      });
      // Generous: the Worker's module is loaded (and type-checked under `deno test`) first.
      const status = await poll("the job to end", async () => {
        const s = (await sw.getJob(job)).status;
        return ["SUCCESS", "FAIL", "CANCELED"].includes(s) ? s : undefined;
      }, 90_000);
      assertEquals(status, "SUCCESS");
      const lines = (await Array.fromAsync(sw.jobLogs(job))).map((l) => l.slice(25));
      assertEquals(lines, [
        "echo:Echo.predict#0 stdout: saw 1",
        "echo:Echo.predict#0 stdout: saw 2",
        "echo:Echo.predict#0 stdout: saw 3",
        "echo:Echo.predict#0 stdout: saw 4",
        "echo:Echo.evaluate#0 stderr: evaluated",
      ]);
      const progress = launcher.progress(job.id);
      assertEquals(progress.map((p) => [p.step, p.phase, p.rows, p.total]), [
        ["echo:Echo.predict", "end", 4, 4],
        ["echo:Echo.evaluate", "end", 0, null],
      ]);
      assert(progress.every((p) => p.jobId === job.id));
    } finally {
      await launcher.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
