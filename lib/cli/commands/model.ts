/**
 * `swcli model`: build, list, info, remove, recover, tag.
 *
 * @module
 */

import { artifactStore } from "../../sdk/mod.ts";
import { bundleCommands } from "./_bundle.ts";
import { copyCommand } from "./_bundle_copy.ts";
import type { Command, Group } from "../command.ts";
import { PROJECT_OPTION } from "./_common.ts";
import { formatBytes } from "../output/cells.ts";
import { renderPairs } from "../output/grid.ts";

const build: Command = {
  name: "build",
  summary: "Build a model package from a folder of TypeScript/JavaScript modules",
  description: "The name and the modules to scan for handlers come from model.yaml " +
    "(name, run.modules) unless given.",
  positionals: [{ name: "DIR" }],
  options: [
    PROJECT_OPTION,
    { name: "name", short: "n", type: "string", value: "NAME", description: "Model name" },
    {
      name: "module",
      short: "m",
      type: "strings",
      value: "MODULE",
      description: "Module path to scan for handlers (mnist.evaluator)",
    },
  ],
  examples: ["swcli model build ./examples/mnist", "swcli model build . --name demo -m flow.steps"],
  async run(ctx, { options, positionals }) {
    const { instance, project } = await ctx.project(options.project as string | undefined);
    const progress = ctx.progress(`Building model from ${positionals.DIR}`);
    let model;
    try {
      model = await artifactStore(instance, "building a model").buildModel(project, {
        dir: String(positionals.DIR),
        name: options.name as string | undefined,
        modules: options.module as string[] | undefined,
      });
    } finally {
      progress.done();
    }
    if (ctx.json) return (await ctx.printJson(model), 0);
    await ctx.print(renderPairs([
      ["Model", `${model.name}/version/${model.version}`],
      ["Tags", model.tags.join(", ")],
      ["Size", formatBytes(model.size)],
      ["Handlers", model.handlers.join("\n") || "--"],
    ]));
    return 0;
  },
};

/** The `model` group. */
export const MODEL_GROUP: Group = {
  name: "model",
  summary: "Model management: build, list, info, remove, recover, tag, copy",
  commands: [build, ...bundleCommands("model", "mnist"), copyCommand("model", "mnist")],
};
