/**
 * `swcli job logs`: what a job's handlers printed, kept per job and task with timestamps; with
 * `--follow`, new lines as they come until the job ends.
 *
 * @module
 */

import { followJobLogs, hasJobLogs, type JobRef, UnsupportedError } from "../../sdk/mod.ts";
import type { Command } from "../command.ts";
import { PROJECT_OPTION } from "./_common.ts";
import { openJob } from "./_job_control.ts";

/** The `job logs` command. */
export const JOB_LOGS_COMMAND: Command = {
  name: "logs",
  aliases: ["log"],
  summary: "Print what a job's handlers printed (console.log and console.error)",
  description: "One line each: '<time> <step>#<replica> <stdout|stderr>: <text>'. With --follow, " +
    "waits for new lines until the job ends. On a server the lines come from its task logs " +
    "(/log/offline/{taskId}). JSON mode prints each line as a JSON string.",
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
    const lines = args.options.follow === true
      ? followJobLogs(instance, full, { signal: ctx.io.signal })
      : instance.jobLogs(full);
    for await (const line of lines) {
      if (ctx.json) await ctx.printJsonLine(line);
      else await ctx.print(line);
    }
    return 0;
  },
};
