/**
 * `swcli job`: list, info, tables, rows, summary, plus create (`_job_create.ts`), logs
 * (`_job_logs.ts`) and the control commands (`_job_control.ts`).
 *
 * @module
 */

import {
  checkProject,
  FINAL_STATUSES,
  hasJobLogs,
  JOB_STATUSES,
  jobOwnSummary,
  type JobStatus,
  jobTableRows,
  type Row,
  taskProgress,
} from "../../sdk/mod.ts";
import type { ParsedArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import type { Command, Group } from "../command.ts";
import { PROJECT_OPTION, RANGE_OPTIONS, rangeOf } from "./_common.ts";
import { printRows } from "./_rows.ts";
import { CliContext } from "../context.ts";
import { JOB_CONTROL_COMMANDS, openJob } from "./_job_control.ts";
import { JOB_CREATE_COMMAND } from "./_job_create.ts";
import { JOB_COPY_COMMAND } from "./_job_copy.ts";
import { cellText, flatten, formatTime } from "../output/cells.ts";
import { renderGrid, renderPairs } from "../output/grid.ts";
import { jobListRows, pageText } from "../output/job_list.ts";
import { runningSteps, taskRows } from "../output/job_tasks.ts";
import { JOB_LOGS_COMMAND } from "./_job_logs.ts";
import { failureStack } from "./_job_stack.ts";

const list: Command = {
  name: "list",
  aliases: ["ls"],
  summary: "List the jobs of a project, newest first",
  positionals: [],
  options: [
    PROJECT_OPTION,
    { name: "page", type: "integer", value: "N", description: "Page number, from 1 (default 1)" },
    { name: "size", type: "integer", value: "N", description: "Jobs per page (default 20)" },
    {
      name: "status",
      type: "string",
      value: "STATUS",
      description: `Only jobs in this status (${JOB_STATUSES.join(", ")})`,
    },
    { name: "model", type: "string", value: "NAME", description: "Only jobs of this model" },
    { name: "fullname", type: "boolean", description: "Show the model's full version" },
  ],
  examples: [
    "swcli job list",
    "swcli job list --status FAIL --page 2 --size 10",
    "swcli -o json job list -p cloud://srv/project/1 | jq -r '.[].id'",
  ],
  async run(ctx, { options }) {
    const { instance, target, project } = await ctx.project(options.project as string | undefined);
    await checkProject(instance, project);
    const status = options.status === undefined
      ? undefined
      : String(options.status).toUpperCase() as JobStatus;
    if (status && !JOB_STATUSES.includes(status)) {
      throw new UsageError(
        `Invalid --status ${JSON.stringify(options.status)}: expected one of ${
          JOB_STATUSES.join(", ")
        }`,
        "job list",
      );
    }
    for (const k of ["page", "size"]) {
      if (options[k] !== undefined && Number(options[k]) < 1) {
        throw new UsageError(`Invalid --${k} ${options[k]}: expected an integer >= 1`, "job list");
      }
    }
    const [jobs, page] = await instance.listJobs(project, {
      pageIndex: options.page as number | undefined,
      pageSize: options.size as number | undefined,
      status,
      model: options.model as string | undefined,
    });
    if (ctx.json) return (await ctx.printJson(jobs), 0);
    const remote = !CliContext.isLocal(target);
    const where = options.project === undefined
      ? `⭐ ${target.alias || target.url} (${target.url}) 🐳`
      : `${project} 🌽 @${target.alias || target.url}(${target.url})`;
    const { columns, rows } = jobListRows(jobs, { fullname: options.fullname === true });
    await ctx.print(where);
    await ctx.print(renderGrid(columns, rows, { title: "Job List", width: ctx.io.columns }));
    if (remote || page.page.hasNextPage) await ctx.print(pageText(page));
    return 0;
  },
};

const info: Command = {
  name: "info",
  summary: "Show a job: its record, manifest and summary",
  positionals: [{ name: "JOB" }],
  options: [PROJECT_OPTION],
  examples: ["swcli job info xm5wnup", "swcli -o json job info local/project/self/job/xm5wnup"],
  async run(ctx, args) {
    const { instance, ref } = await openJob(ctx, args);
    const job = await instance.getJob(ref);
    const details = await instance.jobInfo({ project: ref.project, id: job.id });
    const stack = await failureStack(instance, job);
    const jobTasks = hasJobLogs(instance)
      ? await instance.jobTasks({ project: ref.project, id: job.id }).catch(() => [])
      : [];
    const ended = FINAL_STATUSES.includes(job.status);
    const running = ended ? undefined : runningSteps(jobTasks);
    const progress = ended ? undefined : taskProgress(jobTasks);
    if (ctx.json) {
      const extra = {
        ...(progress
          ? { progress: { unit: progress.unit, done: progress.done, total: progress.total } }
          : {}),
        ...(stack ? { stack } : {}),
        ...(jobTasks.length ? { jobTasks } : {}),
      };
      return (await ctx.printJson({ ...details, record: job, ...extra }), 0);
    }
    await ctx.print(renderPairs([
      ["ID", job.id],
      ["Project", job.project],
      ["Status", job.status],
      ["Model", job.model ? `${job.model}/version/${job.modelVersion ?? "?"}` : "--"],
      ["Datasets", job.datasets.join(", ") || "--"],
      ["Handler", job.handler ?? "--"],
      ["Created At", formatTime(job.createdAt)],
      ["Finished At", formatTime(job.finishedAt)],
      ...(running ? [["Running", running] as [string, string]] : []),
      ...(progress && !running ? [["Progress", progress.text] as [string, string]] : []),
      ...(job.errorMessage ? [["Error", job.errorMessage] as [string, string]] : []),
    ]));
    const tasks = taskRows(jobTasks, Date.now());
    if (tasks) {
      await ctx.print(`\n${
        renderGrid(tasks.columns, tasks.rows, {
          title: "Tasks",
          width: ctx.io.columns,
        })
      }`);
    }
    const stored = (details.report as { summary?: Row })?.summary ?? {};
    const summary = jobOwnSummary(stored);
    const pairs = flatten(summary).filter(([k]) => k !== "id");
    if (pairs.length) {
      await ctx.print(`\nSummary\n${renderPairs(pairs.map(([k, v]) => [k, cellText(v)]))}`);
    }
    const system = Object.keys(stored).length - Object.keys(summary).length;
    if (system > 0) {
      await ctx.print(`(and ${system} system keys sys/*: swcli -o json job info shows them)`);
    }
    if (stack) await ctx.print(`\nStack\n${stack.join("\n")}`);
    return job.status === "FAIL" ? 1 : 0;
  },
};

const summary: Command = {
  name: "summary",
  summary: "Show what the job wrote to the summary table",
  positionals: [{ name: "JOB" }],
  options: [PROJECT_OPTION],
  examples: ["swcli job summary xm5wnup", "swcli -o json job summary xm5wnup | jq .accuracy"],
  async run(ctx, args) {
    const { instance, ref } = await openJob(ctx, args);
    const row = await instance.jobSummary(ref);
    if (ctx.json) return (await ctx.printJson(row), 0);
    const pairs = flatten(row).map(([k, v]) => [k, cellText(v)] as [string, string]);
    await ctx.print(pairs.length ? renderPairs(pairs) : "(no summary)");
    return 0;
  },
};

const tables: Command = {
  name: "tables",
  summary: "List the tables the job wrote (the summary table excluded)",
  positionals: [{ name: "JOB" }],
  options: [PROJECT_OPTION],
  examples: ["swcli job tables xm5wnup"],
  async run(ctx, args) {
    const { instance, ref } = await openJob(ctx, args);
    const names = await instance.jobTables(ref);
    if (ctx.json) await ctx.printJson(names);
    else await ctx.print(names.length ? names.join("\n") : "(no tables)");
    return 0;
  },
};

const rows: Command = {
  name: "rows",
  summary: "Print the rows of one of the job's tables, in key order",
  description: "JSON mode prints one JSON object per line, so `jq` can stream it.",
  positionals: [{ name: "JOB" }, { name: "TABLE" }],
  options: [PROJECT_OPTION, ...RANGE_OPTIONS],
  examples: [
    "swcli job rows xm5wnup results --limit 10",
    "swcli job rows xm5wnup results --start 0 --end 100 --end-inclusive --keep-none",
    "swcli -o json job rows xm5wnup results | jq -c '.output'",
  ],
  async run(ctx, args: ParsedArgs) {
    const { instance, ref } = await openJob(ctx, args);
    const range = rangeOf(args.options);
    const table = String(args.positionals.TABLE);
    return await printRows(ctx, jobTableRows(instance, { ref, table }, range));
  },
};

/** The `job` group. */
export const JOB_GROUP: Group = {
  name: "job",
  summary:
    "Job management: create/list/info/cancel/pause/resume/remove/recover, tables, rows, logs " +
    "and copy",
  commands: [
    JOB_CREATE_COMMAND,
    list,
    info,
    summary,
    tables,
    rows,
    JOB_LOGS_COMMAND,
    ...JOB_CONTROL_COMMANDS,
    JOB_COPY_COMMAND,
  ],
};
