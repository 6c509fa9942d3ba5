/**
 * Runs one job of the `slow` model over the `five` dataset on a storage root, for the
 * multi-process job tests: prints `id <job id>` once 1020 rows are done, `created <id>` once it ended, then its status.
 * Usage: `deno run -A _job_runner.ts <root> <gate file or "">`
 *
 * @module
 */

import { Job } from "../../mod.ts";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";

const [root, gate] = Deno.args;
if (gate !== "") Deno.env.set("SW_TEST_GATE", gate);
const instance = new StandaloneInstance(root, { durability: "none" });
const job = await Job.create({
  project: "self",
  model: "slow",
  runHandler: "slow:Slow.predict",
  datasets: ["five"],
  instance,
  // Job.create resolves once the job ended: say the id as soon as a row was written.
  onProgress: (p) => {
    if (p.phase === "row" && p.rows === 1020) console.log(`id ${p.jobId}`);
  },
});
console.log(`created ${job.id}`);
console.log(await job.status);
await instance.close();
