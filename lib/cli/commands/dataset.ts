/**
 * `swcli dataset`: build (JSON Lines, CSV, a folder, or stdin), list, info, head, remove,
 * recover, tag.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { artifactReads, artifactStore } from "../../sdk/mod.ts";
import { bundleCommands } from "./_bundle.ts";
import { copyCommand } from "./_bundle_copy.ts";
import type { Command, Group } from "../command.ts";
import { PROJECT_OPTION } from "./_common.ts";
import { openDatasetInput } from "./_dataset_input.ts";
import { printRows } from "./_rows.ts";
import { renderPairs } from "../output/grid.ts";

const build: Command = {
  name: "build",
  summary: "Build a dataset version from a JSON Lines or CSV file, a folder, or stdin (-)",
  description: "JSON Lines: one object per line (an `id` key is the row key, else the line " +
    "index). CSV: a header row. Folder: one row per file (id = path, label = parent folder, " +
    "content = the bytes).",
  positionals: [{ name: "SOURCE" }],
  options: [
    PROJECT_OPTION,
    {
      name: "name",
      short: "n",
      type: "string",
      value: "NAME",
      description: "Dataset name; default: the file or folder name",
    },
    {
      name: "format",
      type: "string",
      value: "jsonl|csv|folder",
      description: "Source format; default: from the extension",
    },
  ],
  examples: [
    "swcli dataset build digits.jsonl --name digits",
    "swcli dataset build table.csv",
    "swcli dataset build ./images --name pets",
    "cat rows.jsonl | swcli dataset build - --name piped",
  ],
  async run(ctx, { options, positionals }) {
    const { instance, project } = await ctx.project(options.project as string | undefined);
    const input = await openDatasetInput(String(positionals.SOURCE), {
      format: options.format as string | undefined,
      stdin: ctx.io.stdin,
    });
    const name = (options.name as string | undefined) ?? input.name;
    const progress = ctx.progress(`Building dataset ${name}`, { total: input.total, unit: "rows" });
    let dataset;
    try {
      dataset = await artifactStore(instance, "building a dataset").buildDataset(project, {
        name,
        rows: input.rows,
        onProgress: (n) => progress.update(n),
      });
    } finally {
      progress.done();
    }
    if (ctx.json) return (await ctx.printJson(dataset), 0);
    await ctx.print(renderPairs([
      ["Dataset", `${dataset.name}/version/${dataset.version}`],
      ["Tags", dataset.tags.join(", ")],
      ["Rows", String(dataset.rows)],
    ]));
    return 0;
  },
};

const head: Command = {
  name: "head",
  summary: "Print the first N rows of a dataset version (default 5)",
  positionals: [{ name: "DATASET" }, { name: "N", optional: true }],
  options: [
    PROJECT_OPTION,
    { name: "rows", short: "n", type: "integer", value: "N", description: "Rows to print" },
  ],
  examples: ["swcli dataset head digits 3", "swcli -o json dataset head digits/version/v0 -n 10"],
  async run(ctx, { options, positionals }) {
    const text = positionals.N as string | undefined;
    if (text !== undefined && !/^\d+$/.test(text)) {
      throw new UsageError(
        `Invalid N ${JSON.stringify(text)}: expected an integer`,
        "dataset head",
      );
    }
    const n = (options.rows as number | undefined) ?? (text === undefined ? 5 : Number(text));
    if (n < 1) throw new UsageError(`Invalid N ${n}: expected an integer >= 1`, "dataset head");
    const { instance, uri } = await ctx.resource(
      String(positionals.DATASET),
      "dataset",
      options.project as string | undefined,
    );
    const rows = artifactReads(instance, "reading a dataset's rows").scanDataset(
      { project: uri.project, name: uri.name, version: uri.version || undefined },
      { head: n },
    );
    return await printRows(ctx, flat(rows));
  },
};

async function* flat(
  rows: AsyncIterable<{ id: unknown; features: Record<string, unknown> }>,
): AsyncIterable<Record<string, unknown>> {
  for await (const r of rows) yield { id: r.id, ...r.features };
}

/** The `dataset` group. */
export const DATASET_GROUP: Group = {
  name: "dataset",
  summary: "Dataset management: build, list, info, head, remove, recover, tag, copy",
  commands: [
    build,
    ...bundleCommands("dataset", "mnist").slice(0, 2),
    head,
    ...bundleCommands("dataset", "mnist").slice(2),
    copyCommand("dataset", "mnist"),
  ],
};
