/**
 * `swcli model copy` and `swcli dataset copy`: one version from one instance to another, as the
 * Python swcli copies (`swcli model copy mnist cloud://dev/project/self`,
 * `swcli dataset copy cloud://dev/project/self/dataset/mnist local/project/self`).
 *
 * @module
 */
import { copyArtifact, parseProjectUri, parseResourceUri } from "../../sdk/mod.ts";
import type { Command } from "../command.ts";
import type { Progress } from "../output/progress.ts";
import { IGNORED_FORCE_OPTION } from "./_common.ts";

/**
 * The `copy` command of the `model` or `dataset` group.
 *
 * @param kind `model` or `dataset`.
 * @param example A name to use in the examples.
 * @returns The command.
 */
export function copyCommand(kind: "model" | "dataset", example: string): Command {
  return {
    name: "copy",
    aliases: ["cp"],
    summary: `Copy a ${kind} version to another instance or project (all or nothing)`,
    description: `SRC is a ${kind} URI (default version latest); DEST a project URI, or a ` +
      `${kind} URI without a version to rename the copy. A version DEST has already is left ` +
      "as it is.",
    positionals: [{ name: "SRC" }, { name: "DEST" }],
    options: [IGNORED_FORCE_OPTION],
    examples: [
      `swcli ${kind} copy ${example} cloud://dev/project/self`,
      `swcli ${kind} copy cloud://dev/project/self/${kind}/${example} local/project/self`,
    ],
    async run(ctx, { positionals }) {
      const { config } = await ctx.loadConfig();
      const src = String(positionals.SRC), dest = String(positionals.DEST);
      const from = parseResourceUri(src, { type: kind, config });
      let to;
      try {
        to = parseProjectUri(dest, { config }).instance;
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        to = parseResourceUri(dest, { type: kind, config }).instance;
      }
      const source = ctx.open(from.instance), target = ctx.open(to);
      let progress: Progress | undefined;
      const label = `Copying ${kind} ${from.name}`;
      let result;
      try {
        result = await copyArtifact(kind, src, dest, {
          config,
          source,
          target,
          onProgress: (p) => {
            progress ??= ctx.progress(label, { total: p.total ?? undefined, unit: p.unit });
            progress.update(p.done);
          },
        });
      } finally {
        progress?.done();
      }
      const { record, copied, uri } = result;
      if (ctx.json) {
        await ctx.printJson({ name: record.name, version: record.version, copied, uri });
      } else if (copied) await ctx.print(`👏 copied ${kind} to ${uri}`);
      else await ctx.print(`🍵 ${uri} exists already, nothing copied`);
      return 0;
    },
  };
}
