/**
 * `swcli job cancel|pause|resume|remove|recover`, and opening the job an argument names.
 *
 * @module
 */

import { type Instance, type JobRef, resolveJobRef } from "../../sdk/mod.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { confirmOrStop, IGNORED_FORCE_OPTION, PROJECT_OPTION, YES_OPTION } from "./_common.ts";
import type { CliContext } from "../context.ts";

/**
 * Opens the instance of the `JOB` argument: an id, a unique id prefix, `latest` (the newest job
 * of the project), or a job URI with one of them.
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
  return { instance, ref: await resolveJobRef(instance, { project: uri.project, id: uri.name }) };
}

function control(
  name: string,
  summary: string,
  act: (instance: Instance, ref: JobRef, force: boolean) => Promise<void>,
  done: string,
): Command {
  const removing = name === "remove";
  return {
    name,
    aliases: removing ? ["rm"] : undefined,
    summary,
    description: removing
      ? "Asks first on a terminal; a script must add --yes. The job waits in the recycle bin " +
        "('swcli job recover') unless --force deletes it and its tables for good."
      : undefined,
    positionals: [{ name: "JOB" }],
    options: removing
      ? [PROJECT_OPTION, YES_OPTION, {
        name: "force",
        short: "f",
        type: "boolean",
        description: "Delete it and its tables for good (not recoverable), without asking",
      }]
      : [PROJECT_OPTION, IGNORED_FORCE_OPTION],
    examples: removing
      ? ["swcli job remove xm5wnup", "swcli job rm xm5wnup --yes", "swcli job rm xm5wnup --force"]
      : [`swcli job ${name} xm5wnup`, `swcli job ${name} cloud://srv/project/1/job/42`],
    async run(ctx, args) {
      const { instance, ref } = await openJob(ctx, args);
      const force = args.options.force === true;
      // Resolve a prefix first so the message names the full id (removed jobs resolve on recover).
      const id = name === "recover" || (removing && force)
        ? ref.id
        : (await instance.getJob(ref)).id;
      if (removing) {
        await confirmOrStop(ctx, {
          action: force ? `delete job ${id} and its tables for good` : `remove job ${id}`,
          given: args.options.yes === true || force,
          command: "job remove",
        });
      }
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
