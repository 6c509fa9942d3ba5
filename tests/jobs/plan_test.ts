import { assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { WorkerLauncher } from "../../lib/jobs/launcher.ts";
import { checkCreateOptions } from "../../lib/jobs/options.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { UnsupportedError } from "../../lib/sdk/errors.ts";
import type { CreateJobOptions } from "../../lib/sdk/instance.ts";
import { rootWithModel } from "./_helpers.ts";

const BASE: CreateJobOptions = { model: "waits", runHandler: "waits.flow:run" };

Deno.test("the server's launcher refuses what neither runner can honour and writes no job", async () => {
  await using fx = await rootWithModel();
  const launcher = new WorkerLauncher(fx.root);
  try {
    await assertRejects(
      () => launcher.launch("self", { ...BASE, runtime: "pytorch/version/v1" }),
      UnsupportedError,
      "'runtime' is not supported on this server",
    );
    await assertRejects(
      () => launcher.launch("self", { ...BASE, devMode: true }),
      UnsupportedError,
      "'devMode' is not supported",
    );
    await assertRejects(
      () => launcher.launch("self", { ...BASE, ttl: "10" as never }),
      TypeError,
      'Invalid ttl "10"',
    );
  } finally {
    await launcher.close();
  }
  await using sw = new StandaloneInstance(fx.root, { durability: "none" });
  assertEquals((await sw.listJobs("self"))[1].total, 0);
});

Deno.test("checkCreateOptions() names the option and what was expected", () => {
  const cases: [Partial<Record<keyof CreateJobOptions, unknown>>, ErrorConstructor, string][] = [
    [{ model: "" }, TypeError, 'Invalid model ""'],
    [{ runHandler: 3 }, TypeError, "Invalid runHandler 3"],
    [{ datasets: "mnist" }, TypeError, 'Invalid datasets "mnist"'],
    [{ datasets: ["a", ""] }, TypeError, 'Invalid datasets ["a",""]'],
    [{ datasetHead: 1.5 }, RangeError, "Invalid datasetHead 1.5"],
    [{ datasetHead: "3" }, TypeError, 'Invalid datasetHead "3"'],
    [{ ttl: Infinity }, RangeError, "Invalid ttl Infinity"],
    [{ resourcePool: "" }, TypeError, 'Invalid resourcePool ""'],
    [{ overwriteSpecs: { "a:b": 2 } }, TypeError, 'Invalid overwriteSpecs["a:b"] 2'],
    [{ signal: {} }, TypeError, "Invalid signal"],
  ];
  for (const [patch, type, message] of cases) {
    assertThrows(
      () => checkCreateOptions({ ...BASE, ...patch } as CreateJobOptions),
      type,
      message,
    );
  }
  checkCreateOptions({ ...BASE, ttl: -5, datasetHead: 0, resourcePool: "gpu", devMode: false });
});
