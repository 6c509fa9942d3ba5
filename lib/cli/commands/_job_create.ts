/**
 * `swcli job create`: its options (every option of `Job.create` in Starwhale's Python SDK, the
 * server-only ones included), the run with its progress, and waiting for a queued job to end.
 *
 * @module
 */

import {
  type CreateJobOptions,
  followJobProgress,
  type HandlerSpecOverride,
  hasJobLogs,
  type JobProgress,
  type JobRecord,
  waitForJob,
} from "../../sdk/mod.ts";
import type { ResourceUri } from "../../sdk/mod.ts";
import type { OptionSpec } from "../args.ts";
import type { Command } from "../command.ts";
import { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { setConsoleSink } from "../io.ts";
import { renderPairs } from "../output/grid.ts";
import { type StepProgressView, stepProgressView } from "../output/step_progress.ts";
import { PROJECT_OPTION } from "./_common.ts";
import { failureStack } from "./_job_stack.ts";

/** A line per step on stderr (live on a terminal), drawn from the job's progress events. */
function jobStepView(ctx: CliContext): StepProgressView & { draw(p: JobProgress): void } {
  const view = stepProgressView({
    writer: ctx.io.stderr,
    terminal: ctx.io.isTerminal && !ctx.json,
  });
  return Object.assign(view, {
    draw: (p: JobProgress) =>
      view.update({
        step: p.step,
        done: p.rows,
        total: p.total ?? undefined,
        elapsedMs: p.elapsedMs,
        ended: p.phase === "end",
      }),
  });
}

/** The options of `job create`. */
export const JOB_CREATE_OPTIONS: OptionSpec[] = [
  PROJECT_OPTION,
  {
    name: "handler",
    type: "string",
    value: "HANDLER",
    description: "Handler to run: 'module.path:Qualname' or its index (required)",
  },
  {
    name: "dataset",
    short: "d",
    type: "strings",
    value: "URI",
    description: "Dataset to feed the handler",
  },
  {
    name: "dataset-head",
    type: "integer",
    value: "N",
    description: "Use only the first N rows of each dataset (standalone)",
  },
  { name: "runtime", short: "r", type: "string", value: "URI", description: "Runtime (server)" },
  {
    name: "resource-pool",
    type: "string",
    value: "NAME",
    description: "Resource pool (server); default 'default'",
  },
  { name: "ttl", type: "integer", value: "SECONDS", description: "Time to live (server); 0: none" },
  { name: "dev-mode", type: "boolean", description: "Debug mode with a web IDE (server)" },
  {
    name: "dev-mode-password",
    type: "string",
    value: "TEXT",
    description: "Password of the debug IDE (server)",
  },
  {
    name: "overwrite-specs",
    type: "string",
    value: "JSON",
    description: `Replicas/resources per handler: '{"m:C.predict": {"replicas": 2}}'`,
  },
  {
    name: "replicas",
    type: "strings",
    value: "HANDLER=N",
    description: "Replicas of one step (shorthand for --overwrite-specs)",
  },
  { name: "wait", type: "boolean", description: "Follow a server job until it ends" },
];

/**
 * Builds the instance-level create options from the parsed command line.
 *
 * @param model The parsed model URI.
 * @param options The parsed options.
 * @returns The options for `Instance.createJob`.
 * @throws {UsageError} A missing handler, a bad number or malformed JSON.
 */
export function createJobOptions(
  model: ResourceUri,
  options: Record<string, unknown>,
): CreateJobOptions {
  const handler = options.handler;
  if (typeof handler !== "string" || handler === "") {
    throw new UsageError(
      "Missing --handler (e.g. mnist.evaluator:MNISTInference.evaluate)",
      "job create",
    );
  }
  const head = options["dataset-head"] as number | undefined;
  if (head !== undefined && head < 0) {
    throw new UsageError(`Invalid --dataset-head ${head}: expected an integer >= 0`, "job create");
  }
  const specs = overwriteSpecs(options);
  const datasets = (options.dataset as string[] | undefined) ?? [];
  return {
    model: model.version ? `${model.name}/version/${model.version}` : model.name,
    runHandler: handler,
    datasets: datasets.map((d) => datasetRef(d, model)),
    datasetHead: head,
    runtime: options.runtime as string | undefined,
    resourcePool: options["resource-pool"] as string | undefined,
    ttl: options.ttl as number | undefined,
    devMode: options["dev-mode"] === true ? true : undefined,
    devModePassword: options["dev-mode-password"] as string | undefined,
    overwriteSpecs: specs,
  };
}

function datasetRef(text: string, model: ResourceUri): string {
  // A dataset in the model's project may be named without its project part.
  const prefix = `project/${model.project}/dataset/`;
  const at = text.indexOf(prefix);
  return at >= 0 ? text.slice(at + prefix.length) : text.replace(/^dataset\//, "");
}

function overwriteSpecs(
  options: Record<string, unknown>,
): Record<string, HandlerSpecOverride> | undefined {
  let specs: Record<string, HandlerSpecOverride> | undefined;
  if (typeof options["overwrite-specs"] === "string") {
    try {
      specs = JSON.parse(options["overwrite-specs"]);
    } catch {
      throw new UsageError("Invalid --overwrite-specs: not JSON", "job create");
    }
    if (specs === null || typeof specs !== "object" || Array.isArray(specs)) {
      throw new UsageError("Invalid --overwrite-specs: expected a JSON object", "job create");
    }
  }
  for (const item of (options.replicas as string[] | undefined) ?? []) {
    const m = /^(.+)=(\d+)$/.exec(item);
    if (!m) {
      throw new UsageError(
        `Invalid --replicas ${JSON.stringify(item)}: expected HANDLER=N`,
        "job create",
      );
    }
    specs ??= {};
    specs[m[1]] = { ...specs[m[1]], replicas: Number(m[2]) };
  }
  return specs;
}

/** The `job create` command. */
export const JOB_CREATE_COMMAND: Command = {
  name: "create",
  aliases: ["run"],
  summary: "Run a handler of a model package on datasets",
  description: "On the standalone instance the job runs here, to its end, showing each step's " +
    "rows done / total, rate and time left on a terminal (one line per step otherwise); on a " +
    "server it is queued (add --wait to follow it, step by step as the server's task list tells). Exit code 1 when the job fails or is " +
    "canceled.",
  positionals: [{ name: "MODEL" }],
  options: JOB_CREATE_OPTIONS,
  examples: [
    "swcli job create mnist --handler mnist.evaluator:MNISTInference.evaluate --dataset mnist",
    "swcli job create mnist/version/v0 --handler 0 --dataset mnist --dataset-head 100",
    "swcli job create cloud://srv/project/1/model/mnist --handler mnist.evaluator:MNISTInference.evaluate \\\n" +
    "    --dataset mnist --runtime pytorch --resource-pool gpu --ttl 3600 --wait",
  ],
  async run(ctx, { options, positionals }) {
    const { instance, uri } = await ctx.resource(
      String(positionals.MODEL),
      "model",
      options.project as string | undefined,
    );
    const createOptions = createJobOptions(uri, options);
    let job: JobRecord;
    if (CliContext.isLocal(uri.instance)) {
      // The job runs here: show each step as it goes.
      const view = jobStepView(ctx);
      // What handlers print goes above the live lines instead of through them.
      if (ctx.io.isTerminal && !ctx.json) setConsoleSink((text) => view.above(text));
      try {
        job = await instance.createJob(uri.project, {
          ...createOptions,
          onProgress: (p) => view.draw(p),
        });
      } finally {
        setConsoleSink(undefined);
        view.end();
      }
    } else if (options.wait && hasJobLogs(instance)) {
      // The server runs the job: follow its task list, drawing each step as it goes.
      job = await instance.createJob(uri.project, createOptions);
      const view = jobStepView(ctx);
      try {
        job = await followJobProgress(
          instance,
          { project: uri.project, id: job.id },
          (p) => view.draw(p),
          { signal: ctx.io.signal },
        );
      } finally {
        view.end();
      }
    } else {
      const progress = ctx.progress(`Running ${createOptions.runHandler}`, { unit: "" });
      try {
        job = await instance.createJob(uri.project, createOptions);
        if (options.wait) {
          const created = job;
          const signal = ctx.io.signal;
          // Stopped (Ctrl-C): the job runs on; show it as last seen.
          job = await waitForJob(instance, created, { signal }).catch((e) =>
            signal?.aborted ? instance.getJob(created) : Promise.reject(e)
          );
        }
      } finally {
        progress.done();
      }
    }
    if (ctx.json) await ctx.printJson(job);
    else {
      await ctx.print(renderPairs([
        ["Job", job.id],
        ["URI", `${uri.instance.url}/project/${uri.project}/job/${job.id}`],
        ["Status", job.status],
        ...(job.errorMessage ? [["Error", job.errorMessage] as [string, string]] : []),
      ]));
    }
    if (ctx.options.verbose > 0) {
      const stack = await failureStack(instance, job);
      if (stack) await ctx.note(stack.join("\n"));
    }
    return job.status === "FAIL" || job.status === "CANCELED" ? 1 : 0;
  },
};
