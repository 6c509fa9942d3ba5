/**
 * `swcli job logs`: what a job's handlers printed, kept per job and task with timestamps; with
 * `--follow`, new lines as they come until the job ends.
 *
 * @module
 */

import { FINAL_STATUSES, hasJobLogs, type JobRef, UnsupportedError } from "../../sdk/mod.ts";
import type { Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { PROJECT_OPTION } from "./_common.ts";
import { openJob } from "./_job_control.ts";

const POLL_MS = 500;

/** The `job logs` command. */
export const JOB_LOGS_COMMAND: Command = {
  name: "logs",
  aliases: ["log"],
  summary: "Print what a job's handlers printed (console.log and console.error)",
  description: "One line each: '<time> <step>#<replica> <stdout|stderr>: <text>'. With --follow, " +
    "waits for new lines until the job ends. JSON mode prints each line as a JSON string.",
  positionals: [{ name: "JOB" }],
  options: [PROJECT_OPTION, {
    name: "follow",
    short: "F",
    type: "boolean",
    description: "Keep printing new lines until the job ends",
  }],
  examples: ["swcli job logs xm5wnup", "swcli job logs xm5wnup --follow | grep stderr"],
  async run(ctx, args) {
    const { instance, ref } = await openJob(ctx, args);
    if (!hasJobLogs(instance)) {
      throw new UnsupportedError(
        "job logs",
        `the server ${instance.url}: it keeps no job logs this client can read`,
      );
    }
    const job = await instance.getJob(ref);
    const full: JobRef = { project: ref.project, id: job.id };
    let printed = await printNew(ctx, instance.jobLogs(full), 0);
    if (args.options.follow !== true) return 0;
    let status = job.status;
    while (!FINAL_STATUSES.includes(status) && !ctx.io.signal?.aborted) {
      await sleep(POLL_MS, ctx.io.signal);
      status = (await instance.getJob(full)).status;
      // Read after the status: a job seen ended has written all its lines.
      printed = await printNew(ctx, instance.jobLogs(full), printed);
    }
    return 0;
  },
};

/** Prints the lines after the first `skip`; returns how many lines there are now. */
async function printNew(
  ctx: CliContext,
  lines: AsyncIterable<string>,
  skip: number,
): Promise<number> {
  let n = 0;
  for await (const line of lines) {
    if (n++ < skip) continue;
    if (ctx.json) await ctx.printJsonLine(line);
    else await ctx.print(line);
  }
  return Math.max(n, skip);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
