/**
 * `swcli job cancel|pause|resume|remove|recover`, and opening the job an argument names.
 *
 * @module
 */

import type { Instance, JobRef } from "../../sdk/mod.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { FORCE_OPTION, PROJECT_OPTION } from "./_common.ts";
import type { CliContext } from "../context.ts";

/**
 * Opens the instance of the `JOB` argument (an id, a unique id prefix, or a job URI).
 *
 * @param ctx The context.
 * @param args The parsed arguments (`JOB` and `--project`).
 * @returns The instance and the job reference.
 */
export async function openJob(
  ctx: CliContext,
  args: ParsedArgs,
): Promise<{ instance: Instance; ref: JobRef }> {
  const { instance, uri } = await ctx.resource(
    String(args.positionals.JOB),
    "job",
    args.options.project as string | undefined,
  );
  return { instance, ref: { project: uri.project, id: uri.name } };
}

function control(
  name: string,
  summary: string,
  act: (instance: Instance, ref: JobRef, force: boolean) => Promise<void>,
  done: string,
): Command {
  return {
    name,
    aliases: name === "remove" ? ["rm"] : undefined,
    summary,
    positionals: [{ name: "JOB" }],
    options: [PROJECT_OPTION, FORCE_OPTION],
    examples: [`swcli job ${name} xm5wnup`, `swcli job ${name} cloud://srv/project/1/job/42`],
    async run(ctx, args) {
      const { instance, ref } = await openJob(ctx, args);
      const force = args.options.force === true;
      // Resolve a prefix first so the message names the full id (removed jobs resolve on recover).
      const id = name === "recover" || (name === "remove" && force)
        ? ref.id
        : (await instance.getJob(ref)).id;
      await act(instance, { project: ref.project, id }, force);
      if (ctx.json) await ctx.printJson({ id, project: ref.project, action: name, ok: true });
      else await ctx.print(`👏 ${done} job ${id}`);
      return 0;
    },
  };
}

/** The control commands of the `job` group. */
export const JOB_CONTROL_COMMANDS: Command[] = [
  control("cancel", "Cancel a running or paused job", (i, r) => i.cancelJob(r), "canceled"),
  control("pause", "Pause a running job", (i, r) => i.pauseJob(r), "paused"),
  control("resume", "Resume a paused job", (i, r) => i.resumeJob(r), "resumed"),
  control(
    "remove",
    "Remove a job (recoverable unless --force)",
    (i, r, force) => i.removeJob(r, { force }),
    "removed",
  ),
  control("recover", "Bring a removed job back", (i, r) => i.recoverJob(r), "recovered"),
];
