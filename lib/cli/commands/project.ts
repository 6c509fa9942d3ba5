/**
 * `swcli project`: list, create, select, info, remove, recover.
 *
 * @module
 */

import { artifactStore, UnsupportedError } from "../../sdk/mod.ts";
import type { Command, Group } from "../command.ts";
import { confirmOrStop, YES_OPTION } from "./_common.ts";
import { recordSelectProject, writeConfigFile } from "../config_file.ts";
import { CliContext, type ProjectTarget } from "../context.ts";
import { createProject, recoverProject, removeProject } from "../../standalone/mod.ts";
import { renderGrid, renderPairs } from "../output/grid.ts";

function localOnly(what: string, target: ProjectTarget): void {
  if (!CliContext.isLocal(target.target)) {
    throw new UnsupportedError(what, `the remote instance ${target.target.url} (use its console)`);
  }
}

const list: Command = {
  name: "list",
  aliases: ["ls"],
  summary: "List the projects of an instance",
  positionals: [],
  options: [],
  examples: ["swcli project list", "swcli --instance dev project list"],
  async run(ctx) {
    const target = await ctx.current();
    const names = await target.instance.listProjects();
    if (ctx.json) return (await ctx.printJson(names), 0);
    await ctx.print(renderGrid(
      ["", "Project", "Instance"],
      names.map((
        n,
      ) => [n === target.project ? "*" : "", n, target.target.alias || target.target.url]),
      { width: ctx.io.columns },
    ));
    return 0;
  },
};

const create: Command = {
  name: "create",
  aliases: ["new"],
  summary: "Create a project (standalone)",
  positionals: [{ name: "PROJECT" }],
  options: [],
  examples: ["swcli project create demo"],
  async run(ctx, { positionals }) {
    const target = await ctx.project(String(positionals.PROJECT));
    localOnly("project create", target);
    await createProject(await ctx.root(), target.project);
    if (ctx.json) await ctx.printJson({ project: target.project, ok: true });
    else await ctx.print(`👏 created project '${target.project}'`);
    return 0;
  },
};

const select: Command = {
  name: "select",
  aliases: ["use"],
  summary: "Make a project the default one of its instance",
  positionals: [{ name: "PROJECT" }],
  options: [],
  examples: ["swcli project select demo", "swcli project select cloud://dev/project/starwhale"],
  async run(ctx, { positionals }) {
    const target = await ctx.project(String(positionals.PROJECT));
    const projects = await target.instance.listProjects();
    // A server also names a project `owner:name` or by its id.
    const name = target.project.slice(target.project.indexOf(":") + 1);
    if (!projects.includes(name) && !/^\d+$/.test(target.project)) {
      throw new RangeError(
        `Cannot select project '${target.project}': it does not exist (projects: ${
          projects.join(", ")
        })`,
      );
    }
    if (!target.target.alias) {
      throw new TypeError(`Cannot select a project on ${target.target.url}: log in to it first`);
    }
    const { file } = await ctx.loadConfig();
    recordSelectProject(file, { alias: target.target.alias, project: target.project });
    await writeConfigFile(file, {
      root: await ctx.root(),
      user: ctx.io.env("USER") ?? ctx.io.env("USERNAME") ?? "",
    });
    if (ctx.json) await ctx.printJson({ instance: target.target.alias, project: target.project });
    else await ctx.print(`👏 selected project '${target.project}' on '${target.target.alias}'`);
    return 0;
  },
};

const info: Command = {
  name: "info",
  summary: "Show a project: its models, datasets and jobs",
  positionals: [{ name: "PROJECT", optional: true }],
  options: [],
  examples: ["swcli project info", "swcli -o json project info demo"],
  async run(ctx, { positionals }) {
    const target = await ctx.project(positionals.PROJECT as string | undefined);
    const { instance, project } = target;
    const projects = await instance.listProjects();
    if (CliContext.isLocal(target.target) && !projects.includes(project)) {
      throw new RangeError(`Cannot find project '${project}' (projects: ${projects.join(", ")})`);
    }
    const [, page] = await instance.listJobs(project, { pageSize: 1 });
    const out: Record<string, unknown> = {
      project,
      instance: target.target.alias || target.target.url,
      jobs: page.total,
    };
    if (CliContext.isLocal(target.target)) {
      const store = artifactStore(instance, "counting models and datasets");
      out.models = new Set((await store.listModels(project)).map((m) => m.name)).size;
      out.datasets = new Set((await store.listDatasets(project)).map((d) => d.name)).size;
      out.location = `${await ctx.root()}/${project}`;
    }
    if (ctx.json) await ctx.printJson(out);
    else await ctx.print(renderPairs(Object.entries(out).map(([k, v]) => [k, String(v)])));
    return 0;
  },
};

const remove: Command = {
  name: "remove",
  aliases: ["rm"],
  summary: "Remove a project with its jobs, models and datasets (standalone)",
  description: "Asks first on a terminal; a script must add --yes. The project waits in the " +
    "recycle bin ('swcli project recover') unless --force deletes it for good.",
  positionals: [{ name: "PROJECT" }],
  options: [YES_OPTION, {
    name: "force",
    short: "f",
    type: "boolean",
    description: "Delete it for good (not recoverable), without asking",
  }],
  examples: [
    "swcli project remove demo",
    "swcli project remove demo --yes",
    "swcli project remove demo --force",
  ],
  async run(ctx, { positionals, options }) {
    const target = await ctx.project(String(positionals.PROJECT));
    localOnly("project remove", target);
    const force = options.force === true;
    await confirmOrStop(ctx, {
      action: `${force ? "delete" : "remove"} project '${target.project}'` +
        (force ? " for good" : ""),
      given: options.yes === true || force,
      command: "project remove",
    });
    await removeProject(await ctx.root(), target.project, { force });
    if (ctx.json) await ctx.printJson({ project: target.project, ok: true });
    else await ctx.print(`👏 removed project '${target.project}'`);
    return 0;
  },
};

const recover: Command = {
  name: "recover",
  summary: "Bring a removed project back (standalone)",
  positionals: [{ name: "PROJECT" }],
  options: [],
  examples: ["swcli project recover demo"],
  async run(ctx, { positionals }) {
    const target = await ctx.project(String(positionals.PROJECT));
    localOnly("project recover", target);
    await recoverProject(await ctx.root(), target.project);
    if (ctx.json) await ctx.printJson({ project: target.project, ok: true });
    else await ctx.print(`👏 recovered project '${target.project}'`);
    return 0;
  },
};

/** The `project` group. */
export const PROJECT_GROUP: Group = {
  name: "project",
  summary: "Project management: list, create, select, info, remove, recover",
  commands: [list, create, select, info, remove, recover],
};
