/**
 * The commands models and datasets share: list, info, remove, recover, tag.
 *
 * @module
 */

import { artifactReads, artifactStore, UnsupportedError } from "../../sdk/mod.ts";
import type {
  ArtifactRef,
  DatasetRecord,
  Instance,
  ModelRecord,
  ResourceUri,
} from "../../sdk/mod.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { IGNORED_FORCE_OPTION, PROJECT_OPTION } from "./_common.ts";
import { CliContext } from "../context.ts";
import { type BundleRef, recoverBundle, tagBundle } from "../../standalone/mod.ts";
import { formatBytes, formatTime } from "../output/cells.ts";
import { renderGrid, renderPairs } from "../output/grid.ts";

type Kind = "model" | "dataset";
type BundleRecord = ModelRecord | DatasetRecord;

function describe(kind: Kind, r: BundleRecord): [string, string][] {
  const pairs: [string, string][] = [
    ["Name", r.name],
    ["Version", r.version],
    ["Tags", r.tags.join(", ") || "--"],
    ["Project", r.project],
    ["Created At", formatTime(r.createdAt)],
  ];
  if (kind === "model") {
    const m = r as ModelRecord;
    pairs.push(["Size", formatBytes(m.size)], [
      "Handlers",
      m.handlers.join("\n") || "--",
    ]);
  } else pairs.push(["Rows", String((r as DatasetRecord).rows)]);
  return pairs;
}

/** Opens the instance of the `MODEL` or `DATASET` argument, in the `--project` given. */
async function openBundle(
  ctx: CliContext,
  kind: Kind,
  args: ParsedArgs,
): Promise<{ instance: Instance; uri: ResourceUri; ref: ArtifactRef }> {
  const project = args.options.project as string | undefined;
  const opened = await ctx.resource(String(args.positionals[kind.toUpperCase()]), kind, project);
  const { uri } = opened;
  return {
    ...opened,
    ref: { project: uri.project, name: uri.name, version: uri.version || undefined },
  };
}

/**
 * Where the version an argument names lies on the local root, for the commands only a standalone
 * instance has.
 *
 * @throws {UnsupportedError} For a version on a remote instance.
 */
async function localBundle(
  ctx: CliContext,
  kind: Kind,
  args: ParsedArgs & { command: string },
): Promise<BundleRef> {
  const { uri } = await openBundle(ctx, kind, args);
  if (!CliContext.isLocal(uri.instance)) {
    throw new UnsupportedError(
      `${kind} ${args.command}`,
      `the remote instance ${uri.instance.url}`,
    );
  }
  const root = await ctx.root();
  return { root, project: uri.project, type: kind, name: uri.name, version: uri.version };
}

/**
 * The shared commands of the `model` or `dataset` group.
 *
 * @param kind `model` or `dataset`.
 * @param example A name to use in the examples.
 * @returns list, info, remove, recover and tag.
 */
export function bundleCommands(kind: Kind, example: string): Command[] {
  const list: Command = {
    name: "list",
    aliases: ["ls"],
    summary: `List the ${kind} versions of a project, newest first`,
    positionals: [],
    options: [PROJECT_OPTION, {
      name: "name",
      type: "string",
      value: "NAME",
      description: `Only versions of this ${kind}`,
    }],
    examples: [`swcli ${kind} list`, `swcli -o json ${kind} list --name ${example}`],
    async run(ctx, { options }) {
      const { instance, project } = await ctx.project(options.project as string | undefined);
      const name = options.name as string | undefined;
      const items: BundleRecord[] = kind === "model"
        ? await artifactReads(instance, "listing models").listModels(project, { name })
        : await artifactReads(instance, "listing datasets").listDatasets(project, { name });
      if (ctx.json) return (await ctx.printJson(items), 0);
      const extra = kind === "model" ? "Size" : "Rows";
      await ctx.print(renderGrid(
        ["Name", "Version", "Tags", extra, "Created At"],
        items.map((r) => [
          r.name,
          r.version.slice(0, 12),
          r.tags.join(","),
          kind === "model"
            ? formatBytes((r as ModelRecord).size)
            : String((r as DatasetRecord).rows),
          formatTime(r.createdAt),
        ]),
        { title: `${kind === "model" ? "Model" : "Dataset"} List`, width: ctx.io.columns },
      ));
      return 0;
    },
  };
  const info: Command = {
    name: "info",
    summary: `Show one ${kind} version`,
    positionals: [{ name: kind.toUpperCase() }],
    options: [PROJECT_OPTION],
    examples: [`swcli ${kind} info ${example}`, `swcli ${kind} info ${example}/version/v0`],
    async run(ctx, args) {
      const { instance, ref } = await openBundle(ctx, kind, args);
      const r = kind === "model" ? await instance.getModel(ref) : await instance.getDataset(ref);
      if (ctx.json) await ctx.printJson(r);
      else await ctx.print(renderPairs(describe(kind, r)));
      return 0;
    },
  };
  const remove: Command = {
    name: "remove",
    aliases: ["rm"],
    summary: `Remove a ${kind} version (all versions when none is named); recoverable`,
    positionals: [{ name: kind.toUpperCase() }],
    options: [PROJECT_OPTION, IGNORED_FORCE_OPTION],
    examples: [`swcli ${kind} remove ${example}/version/v1`, `swcli ${kind} remove ${example}`],
    async run(ctx, args) {
      const { instance, uri, ref } = await openBundle(ctx, kind, args);
      const store = artifactStore(instance, `removing a ${kind}`);
      if (kind === "model") await store.removeModel(ref);
      else await store.removeDataset(ref);
      const what = `${uri.name}${uri.version ? `/version/${uri.version}` : " (all versions)"}`;
      if (ctx.json) await ctx.printJson({ name: uri.name, version: uri.version, ok: true });
      else await ctx.print(`👏 removed ${kind} ${what}`);
      return 0;
    },
  };
  const recover: Command = {
    name: "recover",
    summary: `Bring a removed ${kind} version back (standalone)`,
    positionals: [{ name: kind.toUpperCase() }],
    options: [PROJECT_OPTION, IGNORED_FORCE_OPTION],
    examples: [`swcli ${kind} recover ${example}/version/<version prefix>`],
    async run(ctx, args) {
      const ref = await localBundle(ctx, kind, { ...args, command: "recover" });
      const version = await recoverBundle(ref);
      if (ctx.json) await ctx.printJson({ name: ref.name, version, ok: true });
      else await ctx.print(`👏 recovered ${kind} ${ref.name}/version/${version}`);
      return 0;
    },
  };
  const tag: Command = {
    name: "tag",
    summary: `Add tags to a ${kind} version, or remove them (standalone)`,
    positionals: [{ name: kind.toUpperCase() }, { name: "TAG", variadic: true }],
    options: [
      PROJECT_OPTION,
      { name: "remove", type: "boolean", description: "Remove the tags instead" },
      {
        name: "force",
        short: "f",
        type: "boolean",
        description: "Move tags held by another version",
      },
    ],
    examples: [
      `swcli ${kind} tag ${example}/version/v0 stable best`,
      `swcli ${kind} tag ${example} stable --remove`,
    ],
    async run(ctx, args) {
      const ref = await localBundle(ctx, kind, { ...args, command: "tag" });
      const { options, positionals } = args;
      const result = await tagBundle(ref, {
        tags: positionals.TAG as string[],
        remove: options.remove === true,
        force: options.force === true,
      });
      if (ctx.json) await ctx.printJson({ name: ref.name, ...result });
      else {
        await ctx.print(
          `👏 ${ref.name}/version/${result.version.slice(0, 12)} tags: ${result.tags.join(", ")}`,
        );
      }
      return 0;
    },
  };
  return [list, info, remove, recover, tag];
}
