/**
 * `swcli job copy SRC DEST`: a job that has ended, from one instance to a project of another
 * (standalone to server or back), with a row count on a terminal.
 *
 * @module
 */

import { copyJob, formatResourceUri, resolveJobRef } from "../../sdk/mod.ts";
import type { Command } from "../command.ts";
import { CliContext } from "../context.ts";
import { renderPairs } from "../output/grid.ts";

/** The `job copy` command. */
export const JOB_COPY_COMMAND: Command = {
  name: "copy",
  aliases: ["cp"],
  summary:
    "Copy a job that has ended to another instance: its record, summary, tables, tasks and logs",
  description: "The job keeps its id. It is listed on the destination only once every table and " +
    "its summary row are written, and a job already there is left alone, so a copy that stopped " +
    "half-way is simply run again. A server receives jobs through the job-copy extension of " +
    "'swcli server start' (Starwhale's own server does not have it); a server of an older " +
    "version takes the job without its tasks and logs, and the copy says so.",
  positionals: [{ name: "SRC" }, { name: "DEST" }],
  options: [],
  examples: [
    "swcli job copy local/project/self/job/xm5wnup cloud://dev/project/self",
    "swcli job copy cloud://dev/project/self/job/xm5wnup local/project/self",
    "swcli job copy latest cloud://dev/project/self",
  ],
  async run(ctx, { positionals }) {
    const src = await ctx.resource(String(positionals.SRC), "job");
    const dest = await ctx.project(String(positionals.DEST));
    const ref = await resolveJobRef(src.instance, { project: src.uri.project, id: src.uri.name });
    const progress = ctx.progress(`Copying job ${ref.id.slice(0, 12)}`, { unit: "rows" });
    let result;
    try {
      result = await copyJob(
        { instance: src.instance, ref },
        { instance: dest.instance, project: dest.project },
        { signal: ctx.io.signal, onProgress: (p) => progress.update(p.rows) },
      );
    } finally {
      progress.done();
    }
    const where = `${dest.target.alias || dest.target.url}/project/${dest.project}`;
    const id = result.record.id;
    const uri = CliContext.isLocal(dest.target) || !dest.target.alias
      ? formatResourceUri({
        instance: dest.target,
        project: dest.project,
        type: "job",
        name: id,
        version: "",
      })
      : `cloud://${dest.target.alias}/project/${dest.project}/job/${id}`;
    if (ctx.json) {
      await ctx.printJson({ ...result, uri });
      return 0;
    }
    await ctx.print(renderPairs([
      ["Job", result.record.id],
      ["URI", uri],
      ["Status", result.record.status],
      [
        "Copied",
        result.copied
          ? `${result.tables} ${result.tables === 1 ? "table" : "tables"} and the summary, ` +
            `${result.rows} rows`
          : result.removed
          ? `nothing: the job is in the recycle bin of ${where} ('swcli job recover' brings it back)`
          : `nothing: the job is on ${where} already`,
      ],
      ...result.notes.map((note): [string, string] => ["Note", note]),
    ]));
    return 0;
  },
};
